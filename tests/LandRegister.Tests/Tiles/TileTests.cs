using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Tiles;

/// <summary>A slippy-map tile address and its bounds in degrees.</summary>
public readonly record struct Tile(int Z, int X, int Y)
{
    public static Tile At(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var y = (int)Math.Floor((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        return new Tile(z, x, y);
    }

    public double West => X * 360d / (1 << Z) - 180;
    public double East => (X + 1) * 360d / (1 << Z) - 180;
    public double North => Latitude(Y);
    public double South => Latitude(Y + 1);

    double Latitude(int row) => 180 / Math.PI * Math.Atan(Math.Sinh(Math.PI * (1 - 2d * row / (1 << Z))));

    /// <summary>The point at fractions of the tile's width (from the west) and height (from the south).</summary>
    public (double Lon, double Lat) At(double fx, double fy) => (West + fx * (East - West), South + fy * (North - South));

    public string Path(string layer) => $"/tiles/{layer}/{Z}/{X}/{Y}.mvt";
}

/// <summary>Tiles fetched through the API and decoded by GDAL's MVT driver.</summary>
public static class Tiles
{
    public static async Task<List<OgrFeature>> DecodeAsync(byte[] mvt, Tile tile)
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"landregister-{Guid.NewGuid():N}.mvt");
        await File.WriteAllBytesAsync(file, mvt);
        try
        {
            return Ogr.Features(await Ogr.InfoAsync(null, "-ro", "-al", "-q",
                "-oo", $"X={tile.X}", "-oo", $"Y={tile.Y}", "-oo", $"Z={tile.Z}", $"MVT:{file}"));
        }
        finally { File.Delete(file); }
    }

    public static async Task<(HttpResponseMessage Response, List<OgrFeature> Features)> GetAsync(HttpClient client, Tile tile, string layer = "parcels",
        string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, tile.Path(layer));
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(ifNoneMatch));
        var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (response, response.StatusCode == HttpStatusCode.OK ? await DecodeAsync(bytes, tile) : []);
    }

    public static long MvtId(this OgrFeature feature) => long.Parse(feature.Fields["mvt_id"], CultureInfo.InvariantCulture);
}

public sealed class TileTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    /// <summary>A zone with parcels drawn around one z16 tile: inside it, across its east edge, two tiles away, retired.</summary>
    async Task<(string Zone, string Park, Tile Tile, long[] Shown, long Away, long Retired)> ArrangeAsync(double lon, double lat)
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        var tile = Tile.At(lon, lat, 16);
        async Task<long> Parcel(double fx, double fy, double widthM, string status = "clean_land", string use = "100101")
        {
            var (x, y) = tile.At(fx, fy);
            var created = await app.CreateParcelAsync(Feature(Rectangle(x, y, widthM, 60), zone, status: status, plannedUse: use, park: park));
            return (long)created["id"]!;
        }
        var inside = await Parcel(0.2, 0.3, 80);
        var other = await Parcel(0.55, 0.6, 120, "raw_land", "0804");
        var acrossEdge = await Parcel(0.95, 0.5, 100);
        var away = await Parcel(2.5, 0.5, 80);
        var retired = await Parcel(0.3, 0.8, 60);
        await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{retired}", ifMatch: await app.ETagAsync(retired));
        return (zone, park, tile, [inside, other, acrossEdge], away, retired);
    }

    [Fact]
    public async Task A_parcel_tile_as_of_a_past_instant_draws_the_parcels_as_they_stood_then()
    {
        var zone = await app.ZoneAsync();
        var tile = Tile.At(120.7001, 31.1002, 16);
        var (x, y) = tile.At(0.3, 0.3);
        var used = Feature(Rectangle(x, y, 80, 60), zone, status: "in_use");
        used["properties"]!["effectiveDate"] = "2024-05-01";
        var id = (long)(await app.CreateParcelAsync(used))["id"]!;
        var designation = Support.Lifecycle.To("low_efficiency", "停产一年以上");
        designation["basis"] = "production_stopped";
        designation["evidenceRef"] = "涟开管〔2025〕12号";
        await app.WalkAsync(id, Support.Lifecycle.On(designation, "2025-06-01"));
        var (x2, y2) = tile.At(0.7, 0.7);
        var later = Feature(Rectangle(x2, y2, 80, 60), zone);
        later["properties"]!["effectiveDate"] = "2025-01-01";
        var born2025 = (long)(await app.CreateParcelAsync(later))["id"]!;

        async Task<(HttpResponseMessage Response, List<OgrFeature> Features)> AsOfAsync(string instant, string? etag = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{tile.Path("parcels")}?asOf={instant}");
            if (etag is not null) request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
            var response = await app.Client.SendAsync(request);
            return (response, response.StatusCode == HttpStatusCode.OK ? await Tiles.DecodeAsync(await response.Content.ReadAsByteArrayAsync(), tile) : []);
        }

        var (_, now) = await Tiles.GetAsync(app.Client, tile);
        Assert.Equal("low_efficiency", now.Single(f => f.MvtId() == id).Fields["status"]);
        var (then, in2024) = await AsOfAsync("2024-06-01T00:00:00Z");
        Assert.Equal(HttpStatusCode.OK, then.StatusCode);
        Assert.Equal([id], in2024.Select(f => f.MvtId()));
        Assert.Equal("in_use", in2024.Single().Fields["status"]);
        var (after, in2025) = await AsOfAsync("2025-07-01T00:00:00Z");
        Assert.Equal([id, born2025], in2025.Select(f => f.MvtId()).Order());
        Assert.NotEqual(then.Headers.ETag!.Tag, after.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await AsOfAsync("2024-06-01T00:00:00Z", then.Headers.ETag!.Tag)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await AsOfAsync("2024-04-01T00:00:00Z")).Response.StatusCode);

        // Only parcels keep a history.
        var refused = await app.Client.GetAsync($"/tiles/reserves/{tile.Z}/{tile.X}/{tile.Y}.mvt?asOf=2024-06-01T00:00:00Z");
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "asOf");
    }

    [Fact]
    public async Task A_tile_holds_exactly_the_parcels_it_shows_with_their_ids_and_attributes()
    {
        var (_, park, tile, shown, away, retired) = await ArrangeAsync(120.5001, 31.3002);

        var (response, features) = await Tiles.GetAsync(app.Client, tile);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType!.MediaType);
        Assert.All(features, f => Assert.Equal("parcels", f.Layer));
        Assert.Equal(shown.Order(), features.Select(f => f.MvtId()).Order());
        Assert.DoesNotContain(away, features.Select(f => f.MvtId()));
        Assert.DoesNotContain(retired, features.Select(f => f.MvtId()));
        // The same set as PostGIS's own answer: the live parcels meeting the tile with its 64/4096 buffer.
        await using (var conn = await app.OpenAsync())
        {
            var expected = await conn.QueryAsync<long>("""
                SELECT id FROM parcel WHERE retired_at IS NULL
                  AND ST_Intersects(geom, ST_Transform(ST_TileEnvelope(@Z, @X, @Y, margin => 0.015625), 4326)) ORDER BY id
                """, new { tile.Z, tile.X, tile.Y });
            Assert.Equal(expected, features.Select(f => f.MvtId()).Order());
        }
        foreach (var feature in features)
        {
            var parcel = (await (await app.Client.GetAsync($"/api/parcels/{feature.MvtId()}")).JsonAsync())["properties"]!;
            Assert.Equal((string)parcel["code"]!, feature.Fields["code"]);
            Assert.Equal((string)parcel["status"]!, feature.Fields["status"]);
            Assert.Equal((string)parcel["plannedUse"]!, feature.Fields["plannedUse"]);
            Assert.Equal(park, feature.Fields["parkCode"]);
            Assert.Equal(Math.Round((double)parcel["areaMu"]!, 2), double.Parse(feature.Fields["areaMu"], CultureInfo.InvariantCulture), 2);
            Assert.NotNull(feature.Wkt);
        }
    }

    [Fact]
    public async Task A_parcel_edited_through_the_api_appears_changed_in_the_next_request_for_its_tile()
    {
        var (_, _, tile, shown, _, _) = await ArrangeAsync(120.6001, 31.3002);
        var (first, before) = await Tiles.GetAsync(app.Client, tile);
        var etag = first.Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NotModified, (await Tiles.GetAsync(app.Client, tile, ifNoneMatch: etag)).Response.StatusCode);

        var id = shown[0];
        var (lon, lat) = tile.At(0.1, 0.1);
        var patch = new JsonObject { ["geometry"] = Rectangle(lon, lat, 150, 120) }.ToJsonString();
        var patched = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", patch, "application/merge-patch+json", await app.ETagAsync(id));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        await app.WalkAsync(id, Support.Lifecycle.ToSupplied());

        var (second, after) = await Tiles.GetAsync(app.Client, tile, ifNoneMatch: etag);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.NotEqual(etag, second.Headers.ETag!.ToString());
        var was = before.Single(f => f.MvtId() == id);
        var now = after.Single(f => f.MvtId() == id);
        Assert.Equal("clean_land", was.Fields["status"]);
        Assert.Equal("supplied", now.Fields["status"]);
        var areaMu = (double)(await (await app.Client.GetAsync($"/api/parcels/{id}")).JsonAsync())["properties"]!["areaMu"]!;
        Assert.Equal(areaMu, double.Parse(now.Fields["areaMu"], CultureInfo.InvariantCulture)); // one rounding rule for mu everywhere
        Assert.NotEqual(was.Fields["areaMu"], now.Fields["areaMu"]);
        Assert.NotEqual(was.Wkt, now.Wkt); // the tile draws the new geometry, not a stale copy
        // The other parcels of the tile are unchanged.
        foreach (var other in after.Where(f => f.MvtId() != id))
            Assert.Equal(before.Single(f => f.MvtId() == other.MvtId()).Fields, other.Fields);
    }

    [Fact]
    public async Task Every_tile_carries_an_etag_and_cache_control_and_an_empty_tile_is_a_204()
    {
        var (_, _, tile, _, _, _) = await ArrangeAsync(120.7001, 31.3002);
        var (full, _) = await Tiles.GetAsync(app.Client, tile);
        var empty = await app.Client.GetAsync(new Tile(16, tile.X, tile.Y + 40).Path("parcels"));
        var belowMinZoom = await app.Client.GetAsync(Tile.At(120.7001, 31.3002, 6).Path("parcels"));
        foreach (var response in new[] { full, empty, belowMinZoom })
        {
            Assert.NotNull(response.Headers.ETag);
            Assert.True(response.Headers.CacheControl!.NoCache, response.Headers.CacheControl.ToString());
        }
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, belowMinZoom.StatusCode);
        Assert.Empty(await empty.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_reserves_tile_below_its_minimum_zoom_answers_204_without_computing_blocks()
    {
        var zone = await app.ZoneAsync();
        await app.CreateParcelAsync(Feature(Rectangle(121.5001, 31.3002, 200, 200), zone));
        var key = await app.ClientForAsync("viewer", zone);
        var response = await key.GetAsync(Tile.At(121.5001, 31.3002, 6).Path("reserves"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM reserve_set WHERE zone_code = @zone", new { zone }));
        Assert.Equal(HttpStatusCode.NoContent, (await key.GetAsync(Tile.At(121.5001, 31.3002, 12).Path("reserves"))).StatusCode);
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM reserve_set WHERE zone_code = @zone", new { zone }));
    }

    [Fact]
    public async Task Reserve_and_park_tiles_show_the_blocks_and_boundaries()
    {
        var zone = await app.ZoneAsync();
        var tile = Tile.At(120.8001, 31.3002, 15);
        var (w, s) = tile.At(0.05, 0.05);
        var (e, n) = tile.At(0.95, 0.95);
        var park = await app.ParkAsync(zone, Polygon([w, s], [e, s], [e, n], [w, n], [w, s]));
        var ids = new List<long>();
        foreach (var fx in new[] { 0.3, 0.3 + 200 / ((tile.East - tile.West) * 111_320 * Math.Cos(31.3 * Math.PI / 180)) })
        {
            var (lon, lat) = tile.At(fx, 0.4);
            ids.Add((long)(await app.CreateParcelAsync(Feature(Rectangle(lon, lat, 200, 200), zone, park: park)))["id"]!);
        }

        var (_, blocks) = await Tiles.GetAsync(app.Client, tile, "reserves");
        var (_, parks) = await Tiles.GetAsync(app.Client, tile, "parks");

        var block = Assert.Single(blocks);
        Assert.Equal("2", block.Fields["parcelCount"]);
        Assert.Equal(park, block.Fields["parkCodes"]);
        var expectedMu = await app.ScalarAsync<double>("SELECT round_mu(sum(area_m2))::float8 FROM parcel WHERE id = ANY(@ids)", new { ids });
        Assert.Equal(expectedMu, double.Parse(block.Fields["areaMu"], CultureInfo.InvariantCulture), 4);
        Assert.Equal(park, Assert.Single(parks).Fields["code"]);
    }

    [Fact]
    public async Task A_viewer_gets_the_public_fields_only_and_a_zone_key_only_its_zone()
    {
        var (zone, _, tile, shown, _, _) = await ArrangeAsync(120.9001, 31.3002);
        var viewer = await app.ClientForAsync("viewer");
        var (_, asViewer) = await Tiles.GetAsync(viewer, tile);
        Assert.Equal(shown.Order(), asViewer.Select(f => f.MvtId()).Order());
        Assert.All(asViewer, f => Assert.Equal(["areaMu", "code", "mvt_id", "parkCode", "plannedUse", "status"], f.Fields.Keys.Order()));
        var (_, asAdmin) = await Tiles.GetAsync(app.Client, tile);
        Assert.Contains("zoneCode", asAdmin[0].Fields.Keys);

        var otherZone = await app.ZoneAsync();
        var outsider = await app.ClientForAsync("planner", otherZone);
        Assert.Equal(HttpStatusCode.NoContent, (await outsider.GetAsync(tile.Path("parcels"))).StatusCode);
        var insider = await app.ClientForAsync("planner", zone);
        Assert.Equal(HttpStatusCode.OK, (await insider.GetAsync(tile.Path("parcels"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWithKey(null).GetAsync(tile.Path("parcels"))).StatusCode);
    }

    [Fact]
    public async Task An_unknown_layer_is_a_404_and_a_tile_outside_the_grid_a_problem_naming_the_coordinate()
    {
        var unknown = await app.Client.GetAsync("/tiles/buildings/16/1/1.mvt");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("parcels, reserves, parks", await unknown.Content.ReadAsStringAsync());
        var problem = await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/tiles/parcels/3/8/1.mvt"), HttpStatusCode.UnprocessableEntity, "x");
        Assert.Contains("between 0 and 7", ProblemAssert.Reason(problem, "x"));
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/tiles/parcels/23/0/0.mvt"), HttpStatusCode.UnprocessableEntity, "z");
    }
}

public sealed class TwoFeatureTilesApp : RegisterApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Tiles:MaxFeatures"] = "2" };
}

/// <summary>The rule for what a full tile leaves out: the smallest features first.</summary>
public sealed class TileLimitTests(TwoFeatureTilesApp app) : IClassFixture<TwoFeatureTilesApp>
{
    [Fact]
    public async Task Over_the_feature_limit_a_tile_keeps_the_largest_parcels()
    {
        var zone = await app.ZoneAsync();
        var tile = Tile.At(121.0001, 31.3002, 16);
        var ids = new Dictionary<double, long>();
        foreach (var (fx, width) in new[] { (0.1, 40d), (0.35, 90d), (0.6, 30d), (0.8, 60d) })
        {
            var (lon, lat) = tile.At(fx, 0.3);
            ids[width] = (long)(await app.CreateParcelAsync(Feature(Rectangle(lon, lat, width, 50), zone)))["id"]!;
        }
        var (_, features) = await Tiles.GetAsync(app.Client, tile);
        Assert.Equal(new[] { ids[90], ids[60] }.Order(), features.Select(f => f.MvtId()).Order());
    }
}

public sealed class TileJsonTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task TileJson_names_absolute_tile_urls_the_layer_fields_and_the_bounds_of_the_data()
    {
        var zone = await app.ZoneAsync();
        await app.CreateParcelAsync(Feature(Rectangle(118.2, 32.1, 100, 100), zone));
        await app.CreateParcelAsync(Feature(Rectangle(118.6, 32.4, 100, 100), zone));

        var response = await app.Client.GetAsync("/tiles/parcels.json");
        var doc = await response.JsonAsync();

        Assert.Equal("3.0.0", (string)doc["tilejson"]!);
        var url = (string)doc["tiles"]![0]!;
        Assert.Equal(new Uri(app.BaseAddress, "/tiles/parcels/{z}/{x}/{y}.mvt").ToString().Replace("%7B", "{").Replace("%7D", "}"), url);
        Assert.True(Uri.IsWellFormedUriString(url.Replace("{", "").Replace("}", ""), UriKind.Absolute));
        Assert.Equal(10, (int)doc["minzoom"]!);
        Assert.Equal(22, (int)doc["maxzoom"]!); // the zoom tiles are built up to (the layer's MaxZoom), not a constant
        Assert.Equal(22, (int)doc["vector_layers"]![0]!["maxzoom"]!);
        var bounds = doc["bounds"]!.AsArray().Select(b => (double)b!).ToArray();
        Assert.Equal(118.2, bounds[0], 0.01);
        Assert.Equal(32.1, bounds[1], 0.01);
        Assert.Equal(118.6, bounds[2], 0.01);
        Assert.Equal(32.4, bounds[3], 0.01);
        var layer = doc["vector_layers"]![0]!;
        Assert.Equal("parcels", (string)layer["id"]!);
        Assert.Equal(["areaMu", "code", "id", "name", "parkCode", "plannedUse", "status", "zoneCode"], layer["fields"]!.AsObject().Select(f => f.Key).Order());

        var viewer = await (await (await app.ClientForAsync("viewer")).GetAsync("/tiles/parcels.json")).JsonAsync();
        Assert.DoesNotContain("name", viewer["vector_layers"]![0]!["fields"]!.AsObject().Select(f => f.Key));
        foreach (var layerName in new[] { "reserves", "parks" })
            Assert.Equal(layerName, (string)(await (await app.Client.GetAsync($"/tiles/{layerName}.json")).JsonAsync())["vector_layers"]![0]!["id"]!);
    }
}
