using System.Net;
using System.Net.Sockets;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Map;

/// <summary>A bureau's tile server, as the base map's source: a tiny PNG for every tile, each request counted.</summary>
public sealed class TileServer : IDisposable
{
    // A 256×256 light grey PNG, as a tile server sends (MapLibre stalls on a 1×1 raster tile).
    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAQAAAAEACAIAAADTED8xAAAB+0lEQVR42u3TMQ0AAAzDsPJHVli9h2E2hEhJ4bFIgAHAAGAAMAAYAAwABgADgA" +
        "HAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAADAAG" +
        "AAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYA" +
        "AwABgADAAGAAOAATAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4ABwABgADAAGAAMAAYAA4AB" +
        "wABgADAAGAAMAAYAA4ABwABgADAAGAAMgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABg" +
        "ADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAYAAwABgADgAHAAGAAMAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgA" +
        "DAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADAAGAAOAAcAAYAAwABgADADXAK1dIymgnKJhAAAAAElFTkSuQmCC");

    readonly HttpListener listener = new();
    int requests;

    public TileServer()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (Exception) { return; }
                Interlocked.Increment(ref requests);
                context.Response.ContentType = "image/png";
                await context.Response.OutputStream.WriteAsync(Png);
                context.Response.Close();
            }
        });
    }

    public int Port { get; }
    public int Requests => Volatile.Read(ref requests);
    public void Dispose() => listener.Close();
}

public sealed class BaseMapApp : RegisterApp
{
    public TileServer Tiles { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Map:BaseMap:Url"] = $"http://127.0.0.1:{Tiles.Port}/tiles/{{z}}/{{x}}/{{y}}.png?tk=operator-key",
        ["Map:BaseMap:Attribution"] = "© 测绘局 Surveying bureau",
        ["Map:BaseMap:MaxZoom"] = "18",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Tiles.Dispose();
    }
}

/// <summary>The optional base map: fetched by the register, so the browser asks no other origin and never sees the operator's key.</summary>
public sealed class BaseMapTests(BaseMapApp app, Browser browser) : IClassFixture<BaseMapApp>, IClassFixture<Browser>
{
    [Fact]
    public async Task The_map_page_draws_the_base_map_through_the_register_with_its_attribution()
    {
        var zone = await app.ZoneAsync();
        await app.CreateParcelAsync(Arrange.Feature(Arrange.Rectangle(119.30, 33.80, 200, 200), zone));
        var before = app.Tiles.Requests;
        var page = await browser.OpenAsync(app.BaseAddress, "/", RegisterApp.AdminKey, Path.Combine(Repository.Root, "TestResults", "map"));
        Assert.True(await page.EvaluateAsync<bool>("() => !!window.landRegisterMap.getSource('base')"));
        Assert.Contains("测绘局", await page.InnerTextAsync(".maplibregl-ctrl-attrib"));
        Assert.Contains("测绘局", await page.InnerTextAsync("#base-map-note"));
        Assert.True(app.Tiles.Requests > before, "the register fetched no base map tile for the page");
        Browser.AssertOnlyOwnOrigin(page);
    }

    [Fact]
    public async Task The_base_map_is_served_from_the_registers_origin_and_kept_a_day()
    {
        var settings = await (await app.Client.GetAsync("/api/map/settings")).JsonAsync();
        Assert.Equal($"{app.BaseAddress.ToString().TrimEnd('/')}/basemap/{{z}}/{{x}}/{{y}}", (string)settings["baseMap"]!["tiles"]!);
        Assert.Equal("© 测绘局 Surveying bureau", (string)settings["baseMap"]!["attribution"]!);
        Assert.DoesNotContain("operator-key", settings.ToJsonString());

        var before = app.Tiles.Requests;
        var tile = await app.Client.GetAsync("/basemap/12/3400/1650");
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        Assert.Equal("image/png", tile.Content.Headers.ContentType!.MediaType);
        Assert.Equal(TileServer.Png, await tile.Content.ReadAsByteArrayAsync());
        Assert.Equal(before + 1, app.Tiles.Requests);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/basemap/12/3400/1650")).StatusCode);
        Assert.Equal(before + 1, app.Tiles.Requests);

        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/basemap/19/1/1"), HttpStatusCode.UnprocessableEntity, "z");
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/basemap/2/9/1"), HttpStatusCode.UnprocessableEntity, "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWithKey(null).GetAsync("/basemap/12/3400/1650")).StatusCode);
    }
}
