using System.Text.Json;
using Dapper;
using LandRegister.Tests.Demo;
using LandRegister.Tests.Support;
using Microsoft.Playwright;

namespace LandRegister.Tests.Map;

/// <summary>Debian's Chromium, headless, driven by Playwright (never a browser Playwright downloads).</summary>
public sealed class Browser : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    IPlaywright? playwright;
    public IBrowser Instance { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: the test set-up (tests/prepare.sh) installs Debian's chromium.");
        playwright = await Playwright.CreateAsync();
        Instance = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // A closed network: no background calls home, no component updates.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--use-gl=swiftshader", "--enable-unsafe-swiftshader"],
        });
    }

    /// <summary>
    /// Opens one of the register's pages, gives it <paramref name="key"/> when it asks for one, and waits until it says
    /// it is ready; a page that is not gets a screenshot in <paramref name="screenshots"/>. Any script error fails.
    /// </summary>
    public async Task<IPage> OpenAsync(Uri baseAddress, string path, string? key, string screenshots)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 860 }, Locale = "zh-CN",
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        // The page's first calls are made without a key and answered 401: that is how it learns to ask for one.
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Text.Contains("status of 401")) errors.Add($"console {m.Type}: {m.Text}");
        };
        await page.GotoAsync(path);
        if (key is not null)
        {
            await page.WaitForSelectorAsync("body[data-state='needs-key']");
            Assert.True(await page.IsVisibleAsync("#key-dialog"));
            await page.FillAsync("#api-key", key);
            await page.ClickAsync("#key-form button[type=submit]");
        }
        try
        {
            await page.WaitForSelectorAsync("body[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            Directory.CreateDirectory(screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, "not-ready.png") });
            Assert.Fail($"The page {path} did not become ready (state {await page.GetAttributeAsync("body", "data-state")}); see {screenshots}/not-ready.png.\n{string.Join("\n", errors)}");
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Instance is not null) await Instance.CloseAsync();
        playwright?.Dispose();
    }
}

/// <summary>The map page over the demo zone, in a real headless Chromium.</summary>
public sealed class MapPageTests(DemoApp app, Browser browser) : IClassFixture<DemoApp>, IClassFixture<Browser>
{
    static readonly string Screenshots = Path.Combine(Repository.Root, "TestResults", "map");

    sealed record Rendered(long Id, string Code, string Status, double X, double Y);

    Task<IPage> OpenAsync(string? key) => browser.OpenAsync(app.BaseAddress, "/", key, Screenshots);

    /// <summary>The parcels MapLibre has drawn, each with a screen point where the parcel, and only it, is hit.</summary>
    static async Task<List<Rendered>> RenderedParcelsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("""
            () => {
              const map = window.landRegisterMap;
              const seen = new Map();
              for (const f of map.queryRenderedFeatures({ layers: ['parcels-fill'] })) {
                if (seen.has(f.id)) continue;
                const ring = (f.geometry.type === 'MultiPolygon' ? f.geometry.coordinates[0] : f.geometry.coordinates)[0];
                const xs = ring.map(p => p[0]), ys = ring.map(p => p[1]);
                const p = map.project([(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2]);
                const hits = map.queryRenderedFeatures(p, { layers: ['parcels-fill'] });
                if (hits.length === 1 && hits[0].id === f.id)
                  seen.set(f.id, { id: f.id, code: f.properties.code, status: f.properties.status, x: p.x, y: p.y });
                else if (!seen.has(f.id)) seen.set(f.id, { id: f.id, code: f.properties.code, status: f.properties.status, x: -1, y: -1 });
              }
              return [...seen.values()];
            }
            """);
        return json.EnumerateArray().Select(e => new Rendered(e.GetProperty("id").GetInt64(), e.GetProperty("code").GetString()!,
            e.GetProperty("status").GetString()!, e.GetProperty("x").GetDouble(), e.GetProperty("y").GetDouble())).ToList();
    }

    async Task<Rendered> ClickParcelAsync(IPage page, Func<Rendered, bool>? which = null)
    {
        var target = (await RenderedParcelsAsync(page)).First(r => r.X > 300 && r.Y > 0 && r.X < 900 && (which?.Invoke(r) ?? true));
        var box = (await page.Locator("#map").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync((float)(box.X + target.X), (float)(box.Y + target.Y));
        await page.WaitForSelectorAsync($"#details[data-parcel='{target.Id}']:not([hidden])");
        return target;
    }

    [Fact]
    public async Task The_map_page_asks_for_a_key_then_draws_the_demo_zone_and_shows_a_parcels_details_on_click()
    {
        var page = await OpenAsync(RegisterApp.AdminKey);

        var rendered = await RenderedParcelsAsync(page);
        var demoParcels = await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'LSKFQ' AND retired_at IS NULL");
        Assert.InRange(rendered.Count, demoParcels / 2, demoParcels);
        Assert.True(rendered.Select(r => r.Status).Distinct().Count() >= 6, string.Join(",", rendered.Select(r => r.Status).Distinct()));
        Assert.Equal(9, await page.Locator("#statuses input[type=checkbox]").CountAsync());
        Assert.Contains("闲置", await page.InnerTextAsync("#legend"));
        Assert.Contains("Idle", await page.InnerTextAsync("#legend"));
        Assert.Equal(3, await page.Locator(".reserve-label").CountAsync());
        Assert.Contains("679 亩", await page.InnerTextAsync("#map"));

        var clicked = await ClickParcelAsync(page, r => r.Status == "clean_land");
        var card = await (await app.Client.GetAsync($"/api/parcels/{clicked.Id}/card")).JsonAsync();
        var details = await page.InnerTextAsync("#details");
        Assert.Contains(clicked.Code, details);
        Assert.Contains("净地", details);
        Assert.Contains($"{(double)card["areaMu"]!:0.00} 亩", details);
        Assert.Contains((string)card["plannedUse"]!, details);
        Assert.Contains("用地单位", details); // the admin's role is cleared for the holder

        // Land in use: its holder and the holder's per-mu tax, once the demo's evaluation (started with the app) is in.
        await WaitForDemoEvaluationAsync();
        await page.ClickAsync("#close-details");
        var inUse = await ClickParcelAsync(page, r => r.Status == "in_use");
        var holder = (await (await app.Client.GetAsync($"/api/parcels/{inUse.Id}/card")).JsonAsync())["holder"]!;
        details = await page.InnerTextAsync("#details");
        Assert.Contains((string)holder["name"]!, details);
        Assert.Contains($"{(double)holder["taxPerMuWan"]!:0.00} 万元/亩 (2025", details);

        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "map-page.png") });
    }

    async Task WaitForDemoEvaluationAsync()
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(180); await Task.Delay(250))
            if (await app.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = 'LSKFQ' AND year = 2025)")) return;
        var runs = await app.OpenAsync();
        var states = await Dapper.SqlMapper.QueryAsync<string>(runs, "SELECT format('%s %s %s %s', id, kind, status, coalesce(error, phase, '')) FROM job_run");
        Assert.Fail($"The demo zone's 2025 evaluation did not finish within 180 s of start-up. Runs: {string.Join("; ", states)}");
    }

    [Fact]
    public async Task The_status_and_park_filters_change_what_is_drawn()
    {
        var page = await OpenAsync(RegisterApp.AdminKey);
        Assert.Contains(await RenderedParcelsAsync(page), r => r.Status == "clean_land");
        await page.ClickAsync("input[data-status='clean_land']");
        await page.WaitForFunctionAsync("() => window.landRegisterMap.loaded()");
        var withoutClean = await RenderedParcelsAsync(page);
        Assert.NotEmpty(withoutClean);
        Assert.DoesNotContain(withoutClean, r => r.Status == "clean_land");

        await page.SelectOptionAsync("#park", "LS-FOOD");
        await page.WaitForFunctionAsync("() => window.landRegisterMap.loaded()");
        var inPark = await RenderedParcelsAsync(page);
        await using var conn = await app.OpenAsync();
        var foodParcels = (await conn.QueryAsync<long>("SELECT id FROM parcel WHERE park_code = 'LS-FOOD'")).ToHashSet();
        Assert.NotEmpty(inPark);
        Assert.All(inPark, r => Assert.Contains(r.Id, foodParcels));
    }

    [Fact]
    public async Task A_viewer_sees_no_holder_in_the_details_panel()
    {
        var key = (string)(await app.CreateKeyAsync("viewer"))["key"]!;
        var page = await OpenAsync(key);
        await ClickParcelAsync(page);
        var details = await page.InnerTextAsync("#details");
        Assert.DoesNotContain("用地单位", details);
        Assert.DoesNotContain("亩均税收", details);
        Assert.DoesNotContain("名称", details);
    }
}
