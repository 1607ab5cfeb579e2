using System.Globalization;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Ogc;

/// <summary>The register with the requests it serves written to its log, so that a test sees what QGIS asked.</summary>
public sealed class QgisApp : RegisterApp
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information" };

    /// <summary>The requests answered so far whose line holds <paramref name="fragment"/>: "Request finished HTTP/1.1 GET url - status …".</summary>
    public List<string> Answered(string fragment) =>
        Logs.Lines.Where(l => l.Contains("Request finished", StringComparison.Ordinal) && l.Contains(fragment, StringComparison.Ordinal)).ToList();
}

/// <summary>
/// QGIS 3.22, the planners' desktop tool, against the register with its defaults: the OGC API layer through the OAPIF
/// provider (HTTP Basic credentials, the key as the password), its extent filter and its server-side filter, and the
/// vector tiles through the vector tile provider, with the template and zoom range of the TileJSON.
/// </summary>
public sealed class QgisTests(QgisApp app) : IClassFixture<QgisApp>
{
    /// <summary>A zone of 30 touching parcels, 20 then 10 more; the instant between the two batches.</summary>
    async Task<(string Zone, DateTime Between)> ZoneAsync(double lon, double lat)
    {
        var zone = await app.ZoneAsync();
        string[] statuses = ["idle", "clean_land", "in_use", "low_efficiency", "supplied"];
        async Task RowsAsync(int from, int to)
        {
            for (var i = from; i < to; i++)
            {
                var feature = Feature(Rectangle(lon + (i % 6) * 80 / (111_320d * Math.Cos(lat * Math.PI / 180)), lat + (i / 6) * 60 / 111_320d, 80, 60), zone,
                    code: $"Q{zone}-{i:00}", status: statuses[i % statuses.Length]);
                feature["properties"]!["name"] = $"地块{i}";
                await app.CreateParcelAsync(feature);
            }
        }
        await RowsAsync(0, 20);
        var between = await app.ScalarAsync<DateTime>("SELECT max(created_at) FROM parcel WHERE zone_code = @zone", new { zone });
        await Task.Delay(50);
        await RowsAsync(20, 30);
        return (zone, between);
    }

    static List<string> Codes(JsonObject layer) => layer["features"]!.AsArray().Select(f => (string)f!["code"]!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Qgis_opens_the_ogc_layer_with_basic_credentials_and_reads_every_parcel_and_its_attributes()
    {
        var (zone, _) = await ZoneAsync(119.40, 33.40);
        var key = (string)(await app.CreateKeyAsync("planner", [zone]))["key"]!;

        var layer = await Qgis.OapifAsync(app.BaseAddress, key, new JsonObject { ["auth"] = "uri" });
        Assert.True((bool)layer["valid"]!, layer.ToJsonString());
        var expected = (await app.ScalarAsync<string[]>("SELECT array_agg(code || '=' || status ORDER BY code) FROM parcel WHERE zone_code = @zone", new { zone })).ToList();
        Assert.Equal(30, expected.Count);
        Assert.Equal(expected.Count, (int)layer["featureCount"]!);
        Assert.Equal(expected, layer["features"]!.AsArray().Select(f => $"{f!["code"]}={f["status"]}").Order(StringComparer.Ordinal).ToList());
        Assert.Contains("name", layer["fields"]!.AsArray().Select(f => (string)f!));
        Assert.Equal("EPSG:4326", (string)layer["crs"]!);
        // Every page QGIS asked for was answered.
        Assert.NotEmpty(app.Answered("/ogc/collections/parcels/items"));
        Assert.All(app.Answered("/ogc/collections/parcels/items"), l => Assert.Contains(" - 200 ", l));

        // A viewer's layer has the fields a public map may show.
        var viewerKey = (string)(await app.CreateKeyAsync("viewer", [zone]))["key"]!;
        var viewer = await Qgis.OapifAsync(app.BaseAddress, viewerKey, new JsonObject { ["auth"] = "uri" });
        Assert.Equal(30, (int)viewer["featureCount"]!);
        Assert.DoesNotContain("name", viewer["fields"]!.AsArray().Select(f => (string)f!));

        // Without credentials there is no layer, and no key was ever written to the log or to a URL.
        Assert.False((bool)(await Qgis.OapifAsync(app.BaseAddress, key, new JsonObject { ["auth"] = "none" }))["valid"]!);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(key, StringComparison.Ordinal) || l.Contains(viewerKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Qgis_filters_by_extent_and_on_the_server()
    {
        var (zone, between) = await ZoneAsync(119.50, 33.40);
        var key = (string)(await app.CreateKeyAsync("planner", [zone]))["key"]!;
        var (west, south, east, north) = (119.5001, 33.4001, 119.5020, 33.4008);

        // The extent: QGIS asks for the box (restrictToRequestBBOX), the register answers the parcels it touches.
        var boxed = await Qgis.OapifAsync(app.BaseAddress, key, new JsonObject { ["auth"] = "authcfg", ["rect"] = new JsonArray(west, south, east, north) });
        Assert.True((bool)boxed["valid"]!, boxed.ToJsonString());
        var inBox = (await app.ScalarAsync<string[]>(
            "SELECT array_agg(code ORDER BY code) FROM parcel WHERE zone_code = @zone AND ST_Intersects(geom, ST_MakeEnvelope(@west, @south, @east, @north, 4326))",
            new { zone, west, south, east, north })).ToList();
        Assert.InRange(inBox.Count, 2, 29);
        Assert.Equal(inBox, Codes(boxed));
        Assert.Contains(app.Answered("/ogc/collections/parcels/items"), l => l.Contains("bbox=", StringComparison.Ordinal));

        // QGIS 3.22 sends a comparison on a date field as datetime (an open start written as the year 0000): the parcels
        // that existed by then, which for createdAt <= T are those created by T.
        var at = between.AddMilliseconds(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture); // not before the last of the 20
        var early = await Qgis.OapifAsync(app.BaseAddress, key, new JsonObject { ["auth"] = "uri", ["subset"] = $"\"createdAt\" <= '{at}'" });
        Assert.True((bool)early["subsetAccepted"]!);
        var createdBy = (await app.ScalarAsync<string[]>("SELECT array_agg(code ORDER BY code) FROM parcel WHERE zone_code = @zone AND created_at <= @at",
            new { zone, at = DateTime.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal) })).ToList();
        Assert.Equal(20, createdBy.Count);
        Assert.Equal(createdBy, Codes(early));
        var served = app.Answered("datetime=0000-01-01T00");
        Assert.NotEmpty(served);
        Assert.All(served, l => Assert.Contains(" - 200 ", l));
    }

    [Fact]
    public async Task Qgis_draws_the_vector_tiles_of_the_tilejson()
    {
        var (zone, _) = await ZoneAsync(119.60, 33.40);
        var key = (string)(await app.CreateKeyAsync("planner", [zone]))["key"]!;
        var tileJson = await (await app.ClientWithKey(key).GetAsync("/tiles/parcels.json")).JsonAsync();
        var bounds = tileJson["bounds"]!.AsArray().Select(b => (double)b!).ToArray();
        var image = Path.Combine(Directory.CreateDirectory(Path.Combine(Repository.Root, "TestResults", "qgis")).FullName, "qgis-tiles.png");

        var drawn = await Qgis.TilesAsync((string)tileJson["tiles"]![0]!, key, new JsonObject
        {
            ["auth"] = "authcfg", ["zmin"] = (int)tileJson["minzoom"]!, ["zmax"] = (int)tileJson["maxzoom"]!,
            ["rect"] = new JsonArray(bounds[0] - 0.001, bounds[1] - 0.001, bounds[2] + 0.001, bounds[3] + 0.001), ["image"] = image,
        });
        Assert.True((bool)drawn["valid"]!, drawn.ToJsonString());
        Assert.Empty(drawn["errors"]!.AsArray());
        Assert.True((int)drawn["drawnPixels"]! > 2000, drawn.ToJsonString()); // the zone's 30 parcels fill much of the picture
        var tiles = app.Answered("/tiles/parcels/");
        Assert.Contains(tiles, l => l.Contains(".mvt - 200 ", StringComparison.Ordinal));
        Assert.DoesNotContain(tiles, l => l.Contains(" - 401 ", StringComparison.Ordinal)); // an authentication configuration sends the credentials at once
    }
}
