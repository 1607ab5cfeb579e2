using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Drawing;

namespace LandRegister.Tests.Parcels;

/// <summary>Geometry the cadastre would refuse is refused: overlaps within a zone, collections, a CRS said twice; and coordinates come back exact enough to build on.</summary>
public sealed class GeometryIntegrityTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    Task<HttpResponseMessage> CreateAsync(JsonObject feature, string query = "?crs=EPSG:4549") =>
        app.PostAsync("/api/parcels" + query, feature, "application/geo+json");

    [Fact]
    public async Task A_parcel_may_touch_but_not_overlap_another_of_its_zone_and_the_409_names_it()
    {
        var zone = await app.ZoneAsync();
        var first = await app.CleanAsync(zone, Box(X0, Y0, 200, 200));
        await app.CleanAsync(zone, Box(X0 + 200, Y0, 200, 200));                       // shares an edge
        await app.CleanAsync(zone, Box(X0, Y0 + 199.998, 200, 100));                    // overlaps by 0.4 m², under the tolerance
        var before = await app.CountParcelsAsync();

        var response = await CreateAsync(Feature(Box(X0 + 150, Y0 + 50, 100, 100), zone));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "geometry");
        var overlaps = problem["overlaps"]!.AsArray();
        Assert.Equal(2, overlaps.Count);
        var withFirst = overlaps.Single(o => (long)o!["id"]! == first.Id)!;
        Assert.Equal(first.Code, (string)withFirst["code"]!);
        Assert.InRange((double)withFirst["areaM2"]!, 4990, 5010);
        Assert.Equal(before, await app.CountParcelsAsync());

        // Another zone's parcel may lie there (zones are registers of their own).
        var other = await app.ZoneAsync();
        await app.CleanAsync(other, Box(X0 + 150, Y0 + 50, 100, 100));
    }

    /// <summary>The Web Mercator geometry the tiles read (migration 0022) follows every write of the geometry and nothing else.</summary>
    [Fact]
    public async Task The_web_mercator_geometry_follows_the_geometry_and_cannot_be_set_apart_from_it()
    {
        var zone = await app.ZoneAsync();
        var (id, _) = await app.CleanAsync(zone, Box(X0, Y0, 200, 200));
        const string InStep = "SELECT ST_Equals(geom_3857, ST_Transform(geom, 3857)) AND ST_SRID(geom_3857) = 3857 FROM parcel WHERE id = @id";
        Assert.True(await app.ScalarAsync<bool>(InStep, new { id }));

        var patch = new JsonObject { ["geometry"] = Box(X0, Y0, 300, 200) };
        var moved = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}?crs=EPSG:4549", patch.ToJsonString(), "application/merge-patch+json", await app.ETagAsync(id));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.True(await app.ScalarAsync<bool>(InStep, new { id }));
        Assert.InRange(await app.ScalarAsync<double>("SELECT ST_XMax(geom_3857) - ST_XMin(geom_3857) FROM parcel WHERE id = @id", new { id }), 300, 400);

        // A write that sets it by hand, with or without the geometry, leaves it the geometry's.
        await app.ScalarAsync<int>("UPDATE parcel SET name = 'renamed', geom_3857 = ST_Transform(ST_Translate(geom, 1, 1), 3857) WHERE id = @id RETURNING 1", new { id });
        Assert.True(await app.ScalarAsync<bool>(InStep, new { id }));
        await app.ScalarAsync<int>("UPDATE parcel SET geom = ST_Translate(geom, 0.001, 0), geom_3857 = ST_Transform(geom, 3857) WHERE id = @id RETURNING 1", new { id });
        Assert.True(await app.ScalarAsync<bool>(InStep, new { id }));
    }

    [Fact]
    public async Task A_changed_geometry_may_not_overlap_a_neighbour()
    {
        var zone = await app.ZoneAsync();
        await app.CleanAsync(zone, Box(X0, Y0, 200, 200));
        var (id, _) = await app.CleanAsync(zone, Box(X0 + 200, Y0, 200, 200));
        var etag = await app.ETagAsync(id);
        var patch = new JsonObject { ["geometry"] = Box(X0 + 100, Y0, 300, 200) };
        var response = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}?crs=EPSG:4549", patch.ToJsonString(), "application/merge-patch+json", etag);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "geometry");
        Assert.Equal(etag, await app.ETagAsync(id));
    }

    [Fact]
    public async Task An_import_reports_every_overlap_in_the_file_and_with_the_register()
    {
        var zone = await app.ZoneAsync();
        var existing = await app.CleanAsync(zone, Box(X0, Y0, 200, 200));
        var features = new JsonArray(
            Feature(Box(X0 + 100, Y0, 200, 200), zone, code: Unique("IM")),        // 0: over the register's parcel
            Feature(Box(X0 + 1000, Y0, 200, 200), zone, code: Unique("IM")),       // 1: alone
            Feature(Box(X0 + 1100, Y0 + 100, 200, 200), zone, code: Unique("IM")), // 2: over feature 1
            Feature(Box(X0 + 1200, Y0, 200, 200), zone, code: Unique("IM")));      // 3: touching 1, over 2
        var file = new JsonObject { ["type"] = "FeatureCollection", ["features"] = features };
        var before = await app.CountParcelsAsync();
        var refused = await app.SendAsync(HttpMethod.Post, $"/api/parcels/import?crs=EPSG:4549", file.ToJsonString(), "application/geo+json");
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "features[0].geometry");
        Assert.Contains($"parcel {existing.Id} ({existing.Code})", ProblemAssert.Reason(problem, "features[0].geometry"));
        Assert.Contains("features[1]", ProblemAssert.Reason(problem, "features[2].geometry"));
        Assert.Contains("features[2]", ProblemAssert.Reason(problem, "features[3].geometry"));
        Assert.False(problem["errors"]!.AsObject().ContainsKey("features[1].geometry"));
        Assert.Equal(before, await app.CountParcelsAsync());

        var partial = await app.SendAsync(HttpMethod.Post, $"/api/parcels/import?crs=EPSG:4549&atomic=false", file.ToJsonString(), "application/geo+json");
        var report = await partial.JsonAsync();
        Assert.Equal(1, (int)report["imported"]!);
        Assert.Equal([0, 2, 3], report["rejected"]!.AsArray().Select(r => (int)r!["index"]!));
    }

    [Fact]
    public async Task A_geometry_collection_and_a_contradicting_crs_member_are_400s_naming_them_and_write_nothing()
    {
        var zone = await app.ZoneAsync();
        var before = await app.CountParcelsAsync();
        var collection = new JsonObject
        {
            ["type"] = "GeometryCollection",
            ["geometries"] = new JsonArray(Box(X0, Y0, 100, 100)),
        };
        await ProblemAssert.IsProblemAsync(await CreateAsync(Feature(collection, zone)), HttpStatusCode.BadRequest, "geometry.type");

        var said = Box(X0, Y0, 100, 100);
        said["crs"] = new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "EPSG:4528" } };
        await ProblemAssert.IsProblemAsync(await CreateAsync(Feature(said.DeepClone(), zone)), HttpStatusCode.BadRequest, "geometry.crs");
        Assert.Equal(before, await app.CountParcelsAsync());

        // One naming the CRS the request reads is what PostGIS writes, and is read.
        said["crs"]!["properties"]!["name"] = "EPSG:4549";
        Assert.Equal(HttpStatusCode.Created, (await CreateAsync(Feature(said, zone))).StatusCode);
    }

    [Fact]
    public async Task A_parcel_read_and_split_along_the_coordinates_read_is_accepted()
    {
        var zone = await app.ZoneAsync();
        var (id, _) = await app.CleanAsync(zone, Box(X0 + 0.123, Y0 + 0.456, 1000, 1000));
        var read = await app.Client.GetAsync($"/api/parcels/{id}");
        var ring = (await read.JsonAsync())["geometry"]!["coordinates"]![0]![0]!.AsArray()
            .Select(p => (X: (double)p![0]!, Y: (double)p[1]!)).ToList();
        Assert.Contains(ring, p => Decimals(p.X) > 6);
        // The square's corners as read: south-west, south-east, north-east, north-west (counter-clockwise from the first).
        var (sw, se, ne, nw) = (ring[0], ring[1], ring[2], ring[3]);
        static (double X, double Y) At((double X, double Y) a, (double X, double Y) b, double t) =>
            (Math.Round(a.X + (b.X - a.X) * t, 8), Math.Round(a.Y + (b.Y - a.Y) * t, 8));
        var parts = new JsonArray();
        for (var i = 0; i < 3; i++)
        {
            var (b0, b1) = (At(sw, se, i / 3d), At(sw, se, (i + 1) / 3d));
            var (t0, t1) = (At(nw, ne, i / 3d), At(nw, ne, (i + 1) / 3d));
            if (i == 0) (b0, t0) = (sw, nw);
            if (i == 2) (b1, t1) = (se, ne);
            parts.Add(new JsonObject
            {
                ["code"] = Unique("STRIP"),
                ["geometry"] = Polygon([b0.X, b0.Y], [b1.X, b1.Y], [t1.X, t1.Y], [t0.X, t0.Y], [b0.X, b0.Y]),
            });
        }
        var split = await app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/split",
            new JsonObject { ["reason"] = "分三期供地", ["parts"] = parts }.ToJsonString(), "application/json", read.Headers.ETag!.ToString());
        Assert.True(split.StatusCode == HttpStatusCode.Created, await split.Content.ReadAsStringAsync());
    }

    static int Decimals(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') ? text.Length - text.IndexOf('.') - 1 : 0;
    }
}
