using System.Net;
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
        // Nothing the page does may ask another origin: no CDN, no fonts, no base map but through the register.
        var foreign = Foreign.GetOrCreateValue(page);
        var refused = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) lock (refused) refused.Add($"{r.Status} {r.Url}"); };
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(baseAddress.ToString(), StringComparison.Ordinal) && !r.Url.StartsWith("data:") && !r.Url.StartsWith("blob:"))
                lock (foreign) foreign.Add(r.Url);
        };
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
            Assert.Fail($"The page {path} did not become ready (state {await page.GetAttributeAsync("body", "data-state")}); see {screenshots}/not-ready.png.\n{string.Join("\n", errors)}\nrefused: {string.Join("\n", refused)}");
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return page;
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Foreign = new();

    /// <summary>Fails if the page has asked any origin but the register's.</summary>
    public static void AssertOnlyOwnOrigin(IPage page)
    {
        var foreign = Foreign.GetOrCreateValue(page);
        var refused = new List<string>();
        page.Response += (_, r) => { if (r.Status >= 400) lock (refused) refused.Add($"{r.Status} {r.Url}"); };
        lock (foreign) Assert.True(foreign.Count == 0, "requests to other origins: " + string.Join(", ", foreign));
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
    /// <summary>Waits until the map has drawn everything it asked for (a repaint makes it say so again).</summary>
    static Task WaitIdleAsync(IPage page) => page.EvaluateAsync("""
        () => new Promise(resolve => { const map = window.landRegisterMap; map.once('idle', () => resolve(true)); map.triggerRepaint(); })
        """);

    static async Task<double[]> ViewAsync(IPage page) => (await page.EvaluateAsync<double[]>("""
        () => { const b = window.landRegisterMap.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth(), window.landRegisterMap.getZoom()]; }
        """))!;

    static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name) });
    }

    [Fact]
    public async Task The_map_opens_fitted_to_the_keys_zone_and_choosing_a_park_zooms_to_it()
    {
        var page = await OpenAsync(RegisterApp.AdminKey);
        var zones = await (await app.Client.GetAsync("/api/zones")).JsonAsync();
        var zone = zones["items"]!.AsArray().First(z => z!["bbox"] is not null)!;
        Assert.Equal((string)zone["code"]!, await page.InputValueAsync("#zone"));
        var box = zone["bbox"]!.AsArray().Select(v => (double)v!).ToArray();
        var view = await ViewAsync(page);
        // The zone's parcels are all in view, and fill it: parcel tiles are drawn (zoom 10 and more).
        Assert.True(view[0] <= box[0] && view[1] <= box[1] && view[2] >= box[2] && view[3] >= box[3], $"view {string.Join(",", view)} box {string.Join(",", box)}");
        Assert.True((box[2] - box[0]) / (view[2] - view[0]) > 0.4 || (box[3] - box[1]) / (view[3] - view[1]) > 0.4, string.Join(",", view));
        Assert.True(view[4] >= 10, $"zoom {view[4]}");
        await ScreenshotAsync(page, "map-zone.png");
        Assert.Contains("未配置底图", await page.InnerTextAsync("#base-map-note"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/basemap/1/1/1")).StatusCode);

        await page.SelectOptionAsync("#park", "LS-FOOD");
        await page.WaitForFunctionAsync("() => !window.landRegisterMap.isMoving()");
        await WaitIdleAsync(page);
        var park = (await (await app.Client.GetAsync("/api/parks/LS-FOOD?zone=LSKFQ")).JsonAsync());
        var parkBox = JsonDocument.Parse(park["boundary"]!.ToJsonString()).RootElement.GetProperty("coordinates").EnumerateArray()
            .SelectMany(p => p.EnumerateArray()).SelectMany(r => r.EnumerateArray()).Select(c => (X: c[0].GetDouble(), Y: c[1].GetDouble())).ToList();
        var inPark = await ViewAsync(page);
        Assert.True(inPark[4] > view[4], $"zoom {inPark[4]} after {view[4]}");
        Assert.True(inPark[0] <= parkBox.Min(c => c.X) && inPark[2] >= parkBox.Max(c => c.X) && inPark[1] <= parkBox.Min(c => c.Y) && inPark[3] >= parkBox.Max(c => c.Y));
        await ScreenshotAsync(page, "map-park.png");
    }

    [Fact]
    public async Task Searching_a_parcel_code_flies_to_the_parcel_and_opens_its_details_with_its_history()
    {
        await using var conn = await app.OpenAsync();
        var (id, code) = await conn.QuerySingleAsync<(long, string)>(
            "SELECT id, code FROM parcel WHERE zone_code = 'LSKFQ' AND status = 'in_use' ORDER BY id DESC LIMIT 1");
        var page = await OpenAsync(RegisterApp.AdminKey);
        var before = await ViewAsync(page);
        await page.FillAsync("#search", code);
        await page.WaitForSelectorAsync($"#search-results button[data-parcel='{id}']");
        await page.PressAsync("#search", "Enter");
        await page.WaitForSelectorAsync($"#details[data-parcel='{id}']:not([hidden])");
        await page.WaitForSelectorAsync("#timeline li");
        var view = await ViewAsync(page);
        Assert.True(view[4] > before[4] + 2, $"zoom {view[4]}, before {before[4]}");
        var centre = await conn.QuerySingleAsync<(double X, double Y)>("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(geom) c FROM parcel WHERE id = @id) p", new { id });
        Assert.InRange(centre.X, view[0], view[2]);
        Assert.InRange(centre.Y, view[1], view[3]);
        Assert.Contains(code, await page.InnerTextAsync("#details-code"));
        Assert.True(await page.Locator("#timeline li").CountAsync() >= 1);
        // Zoomed in this far, the parcels carry their codes.
        await WaitIdleAsync(page);
        Assert.True(await page.Locator($".parcel-label[data-parcel='{id}']").CountAsync() == 1 || view[4] < 16);
        await ScreenshotAsync(page, "map-search.png");
    }

    [Fact]
    public async Task The_date_control_draws_a_parcel_with_the_status_it_had_that_day()
    {
        await using var conn = await app.OpenAsync();
        var (id, code) = await conn.QuerySingleAsync<(long, string)>(
            "SELECT id, code FROM parcel WHERE zone_code = 'LSKFQ' AND status = 'in_use' ORDER BY id LIMIT 1");
        var designation = new System.Text.Json.Nodes.JsonObject
        {
            ["to"] = "low_efficiency", ["reason"] = "停产一年以上", ["basis"] = "production_stopped", ["evidenceRef"] = "涟开管〔2025〕31号",
            ["effectiveDate"] = "2025-06-01",
        };
        var response = await app.TransitionAsync(id, designation);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var page = await OpenAsync(RegisterApp.AdminKey);
        await page.FillAsync("#search", code);
        await page.WaitForSelectorAsync($"#search-results button[data-parcel='{id}']");
        await page.PressAsync("#search", "Enter");
        await page.WaitForSelectorAsync($"#details[data-parcel='{id}']:not([hidden])");
        async Task<string?> DrawnStatusAsync()
        {
            await WaitIdleAsync(page);
            return (await RenderedParcelsAsync(page)).FirstOrDefault(r => r.Id == id)?.Status;
        }
        Assert.Equal("low_efficiency", await DrawnStatusAsync());

        // Each change of day asks for the parcel tiles of that day; the test waits for them.
        async Task ChooseDayAsync(Func<Task> choose, string? day) => await page.RunAndWaitForResponseAsync(choose,
            r => r.Url.Contains("/tiles/parcels/") && (day is null ? !r.Url.Contains("asOf=") : r.Url.Contains($"asOf={day}")));
        await ChooseDayAsync(() => page.FillAsync("#as-of", "2025-05-01"), "2025-05-01");
        await page.WaitForSelectorAsync("#details dd.then");
        Assert.Equal("in_use", await DrawnStatusAsync());
        Assert.Contains("在用", await page.InnerTextAsync("#details dd.then"));
        Assert.False(await page.IsHiddenAsync("#as-of-note"));
        await ScreenshotAsync(page, "map-as-of.png");

        await ChooseDayAsync(() => page.FillAsync("#as-of", "2016-01-01"), "2016-01-01");
        Assert.Null(await DrawnStatusAsync());
        await ChooseDayAsync(() => page.ClickAsync("#today"), null);
        Assert.Equal("low_efficiency", await DrawnStatusAsync());
        Assert.Equal(1, await page.Locator("#details dt:has-text('状态')").CountAsync());
        Browser.AssertOnlyOwnOrigin(page);
    }

    [Fact]
    public async Task The_dashboard_charts_the_statistics_and_shows_a_promoter_no_enterprise_figures()
    {
        await WaitForDemoEvaluationAsync();
        var page = await OpenAsync(RegisterApp.AdminKey);
        await page.ClickAsync("#toggle-dashboard");
        await page.WaitForSelectorAsync("#dashboard[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        var option = await page.EvaluateAsync<JsonElement>("""
            () => { const o = window.landRegisterCharts.status.getOption();
                    return { parks: o.xAxis[0].data, series: o.series.map(s => ({ id: s.id, data: s.data })) }; }
            """);
        var stats = await (await app.Client.GetAsync("/api/statistics/parcels?zone=LSKFQ")).JsonAsync();
        var parks = option.GetProperty("parks").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(stats["parks"]!.AsArray().Select(p => (string)p!["parkCode"]!), parks);
        var drawn = 0;
        foreach (var series in option.GetProperty("series").EnumerateArray())
        {
            var status = series.GetProperty("id").GetString()!;
            var values = series.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToList();
            for (var i = 0; i < parks.Count; i++)
            {
                var tally = stats["parks"]![i]!["byStatus"]!.AsArray().FirstOrDefault(t => (string)t!["key"]! == status);
                Assert.Equal(Math.Round(tally is null ? 0 : (double)tally["areaMu"]!, 2), values[i], 2);
                drawn++;
            }
        }
        Assert.True(drawn >= 9, $"{drawn} bars");
        var summary = await (await app.Client.GetAsync("/api/evaluation/summary?zone=LSKFQ")).JsonAsync();
        var tax = await page.EvaluateAsync<JsonElement>("() => window.landRegisterCharts.tax.landRegister");
        Assert.Equal((double)summary["zone"]!["taxPerMu"]!, tax.GetProperty("taxPerMu").GetDouble(), 4);
        Assert.Equal((int)summary["zone"]!["ranked"]!, tax.GetProperty("ranked").GetInt32());
        Assert.Equal(1, await page.Locator("#chart-arrears").CountAsync());
        await ScreenshotAsync(page, "dashboard-admin.png");

        var promoter = await OpenAsync((string)(await app.CreateKeyAsync("promoter"))["key"]!);
        await promoter.ClickAsync("#toggle-dashboard");
        await promoter.WaitForSelectorAsync("#dashboard[data-state='ready']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        Assert.Equal(1, await promoter.Locator("#chart-status").CountAsync());
        Assert.Equal(1, await promoter.Locator("#chart-reserves").CountAsync());
        Assert.Equal(0, await promoter.Locator("#chart-tax").CountAsync());
        Assert.Equal(0, await promoter.Locator("#chart-arrears").CountAsync());
        Assert.True(await promoter.IsHiddenAsync("#class-filter"));
        Assert.True(await promoter.IsHiddenAsync("#idle-filter"));
        var text = await promoter.InnerTextAsync("#dashboard");
        Assert.DoesNotContain("亩均税收", text);
        Assert.DoesNotContain("欠租", text);
        await ScreenshotAsync(promoter, "dashboard-promoter.png");
        Browser.AssertOnlyOwnOrigin(page);
        Browser.AssertOnlyOwnOrigin(promoter);
    }
}
