using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Lifecycle;

public sealed class SplitMergeTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    /// <summary>A 679-mu clean industrial square near Lianshui, sent in Gauss-Krüger metres.</summary>
    async Task<(string Zone, long Id)> BlockAsync()
    {
        var zone = await app.ZoneAsync();
        var side = Math.Sqrt(679 * 10000d / 15);
        var (x, y) = (434000d, 3742000d);
        var square = Polygon([x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]);
        var created = await app.CreateParcelAsync(Feature(square, zone, code: Unique("BLK"), status: "clean_land"), "?crs=EPSG:4549");
        return (zone, (long)created["id"]!);
    }

    /// <summary>The parcel cut by PostGIS into strips at the given fractions of its width; GeoJSON parts.</summary>
    async Task<JsonArray> StripsAsync(long id, params double[] cuts)
    {
        await using var conn = await app.OpenAsync();
        var parts = await conn.QueryAsync<string>("""
            WITH p AS (SELECT geom, ST_XMin(geom) AS x0, ST_XMax(geom) AS x1, ST_YMin(geom) - 1 AS y0, ST_YMax(geom) + 1 AS y1 FROM parcel WHERE id = @id),
                 blade AS (SELECT ST_Collect(ST_MakeLine(ST_MakePoint(x0 + c * (x1 - x0), y0), ST_MakePoint(x0 + c * (x1 - x0), y1))) AS b
                           FROM p, unnest(@cuts) c)
            SELECT ST_AsGeoJSON((ST_Dump(ST_Split(p.geom, ST_SetSRID(blade.b, 4326)))).geom, 15) FROM p, blade
            """, new { id, cuts });
        return new JsonArray(parts.Select((g, i) => (JsonNode)new JsonObject
        {
            ["code"] = Unique("CH"), ["name"] = $"分割地块{i + 1}", ["geometry"] = JsonNode.Parse(g),
        }).ToArray());
    }

    Task<HttpResponseMessage> SplitAsync(long id, JsonArray parts, string etag, double? tolerance = null) =>
        app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/split",
            new JsonObject { ["reason"] = "阿特斯项目分期供地", ["parts"] = parts, ["toleranceM2"] = tolerance }.ToJsonString(), "application/json", etag);

    [Fact]
    public async Task A_679_mu_parcel_split_in_three_and_merged_back_keeps_its_area_and_its_lineage()
    {
        var (_, id) = await BlockAsync();
        var parentArea = await app.ScalarAsync<double>("SELECT area_m2 FROM parcel WHERE id = @id", new { id });
        var split = await SplitAsync(id, await StripsAsync(id, 0.3, 0.65), await app.ETagAsync(id));
        var body = await split.JsonAsync();
        Assert.True(split.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        var children = body["features"]!.AsArray();
        Assert.Equal(3, children.Count);
        var sum = children.Sum(c => (double)c!["properties"]!["areaM2"]!);
        Assert.True(Math.Abs(sum / parentArea - 1) < 0.0001, $"children {sum} m² against parent {parentArea} m²");
        Assert.All(children, c => Assert.Equal([id], c!["properties"]!["parentIds"]!.AsArray().Select(p => (long)p!)));
        Assert.All(children, c => Assert.Equal("clean_land", (string)c!["properties"]!["status"]!));
        Assert.NotNull((await (await app.Client.GetAsync($"/api/parcels/{id}")).JsonAsync())["properties"]!["retiredAt"]);

        var parents = new JsonArray();
        foreach (var child in children)
        {
            var childId = (long)child!["id"]!;
            parents.Add(new JsonObject { ["id"] = childId, ["etag"] = await app.ETagAsync(childId) });
        }
        var merge = await app.PostAsync("/api/parcels/merge", new JsonObject
        {
            ["parents"] = parents, ["code"] = Unique("MRG"), ["name"] = "整合地块", ["reason"] = "项目整体供地",
        });
        var merged = await merge.JsonAsync();
        Assert.True(merge.StatusCode == HttpStatusCode.Created, merged.ToJsonString());
        Assert.Equal(parentArea, (double)merged["properties"]!["areaM2"]!, parentArea * 0.0001);
        Assert.Equal("POLYGON", await app.ScalarAsync<string>("SELECT GeometryType(ST_GeometryN(geom, 1)) FROM parcel WHERE id = @id", new { id = (long)merged["id"]! }));
        Assert.Equal(1, await app.ScalarAsync<int>("SELECT ST_NumGeometries(geom) FROM parcel WHERE id = @id", new { id = (long)merged["id"]! }));

        var lineage = await (await app.Client.GetAsync($"/api/parcels/{id}/lineage")).JsonAsync();
        var descendants = lineage["descendants"]!.AsArray();
        Assert.Equal(3, descendants.Count(d => (int)d!["depth"]! == 1));
        Assert.Equal((long)merged["id"]!, (long)descendants.Single(d => (int)d!["depth"]! == 2)!["id"]!);
        var ancestry = await (await app.Client.GetAsync($"/api/parcels/{(long)merged["id"]!}/lineage")).JsonAsync();
        Assert.Equal(id, (long)ancestry["ancestors"]!.AsArray().Single(a => (int)a!["depth"]! == 2)!["id"]!);

        var parentHistory = (await (await app.Client.GetAsync($"/api/parcels/{id}/history")).JsonAsync())["entries"]!.AsArray();
        Assert.Equal("split", (string)parentHistory[^1]!["kind"]!);
        Assert.Equal(3, parentHistory[^1]!["details"]!["children"]!.AsArray().Count);
        var childHistory = (await (await app.Client.GetAsync($"/api/parcels/{(long)children[0]!["id"]!}/history")).JsonAsync())["entries"]!.AsArray();
        Assert.Equal(["split_from", "merged"], childHistory.Select(e => (string)e!["kind"]!));
        Assert.Equal((long)merged["id"]!, (long)childHistory[1]!["details"]!["into"]!);
        var mergedHistory = (await (await app.Client.GetAsync($"/api/parcels/{(long)merged["id"]!}/history")).JsonAsync())["entries"]!.AsArray();
        Assert.Equal("merged_from", (string)mergedHistory[0]!["kind"]!);
    }

    [Fact]
    public async Task Parts_with_a_gap_are_refused_saying_where()
    {
        var (_, id) = await BlockAsync();
        var parts = await StripsAsync(id, 0.5);
        parts.RemoveAt(1);
        parts.Add(new JsonObject { ["code"] = Unique("CH"), ["geometry"] = (await StripsAsync(id, 0.5, 0.8))[2]!["geometry"]!.DeepClone() });
        var before = await app.CountParcelsAsync();
        var problem = await ProblemAssert.IsProblemAsync(await SplitAsync(id, parts, await app.ETagAsync(id)), HttpStatusCode.UnprocessableEntity, "parts");
        Assert.Contains("gap", ProblemAssert.Reason(problem, "parts"));
        var fault = problem["faults"]!.AsArray()[0]!;
        Assert.Equal("gap", (string)fault["kind"]!);
        Assert.InRange((double)fault["areaM2"]!, 0.29 * 452_667 * 0.99, 0.31 * 452_667 * 1.01);
        Assert.Equal(before, await app.CountParcelsAsync());
        Assert.Null(await app.ScalarAsync<DateTime?>("SELECT retired_at FROM parcel WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Overlapping_parts_are_refused_naming_them()
    {
        var (_, id) = await BlockAsync();
        var parts = await StripsAsync(id, 0.5);
        parts.Add(new JsonObject { ["code"] = Unique("CH"), ["geometry"] = (await StripsAsync(id, 0.4))[1]!["geometry"]!.DeepClone() });
        var problem = await ProblemAssert.IsProblemAsync(await SplitAsync(id, parts, await app.ETagAsync(id)), HttpStatusCode.UnprocessableEntity, "parts[2].geometry");
        Assert.Contains("overlaps parts[1]", string.Join(" ", problem["errors"]!["parts[2].geometry"]!.AsArray().Select(e => (string)e!)));
        Assert.Contains("overlaps parts[0]", string.Join(" ", problem["errors"]!["parts[2].geometry"]!.AsArray().Select(e => (string)e!)));
    }

    [Fact]
    public async Task A_split_needs_the_current_etag_and_valid_parts()
    {
        var (_, id) = await BlockAsync();
        var parts = await StripsAsync(id, 0.5);
        await ProblemAssert.IsProblemAsync(await SplitAsync(id, parts, "\"99\""), HttpStatusCode.PreconditionFailed, "If-Match");
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Post, $"/api/parcels/{id}/split", new JsonObject { ["reason"] = "x", ["parts"] = parts.DeepClone() }.ToJsonString()),
            HttpStatusCode.PreconditionRequired, "If-Match");
        var one = new JsonArray(parts[0]!.DeepClone());
        await ProblemAssert.IsProblemAsync(await SplitAsync(id, one, await app.ETagAsync(id)), HttpStatusCode.UnprocessableEntity, "parts");
    }

    [Fact]
    public async Task Only_adjacent_parcels_of_the_same_status_and_use_merge()
    {
        var zone = await app.ZoneAsync();
        async Task<JsonObject> Make(double lon, string status = "clean_land", string use = "100101") =>
            new() { ["id"] = (long)(await app.CreateParcelAsync(Feature(Polygon([lon, 33.8], [lon + 0.001, 33.8], [lon + 0.001, 33.801], [lon, 33.801], [lon, 33.8]), zone, status: status, plannedUse: use)))["id"]! };
        async Task<JsonArray> WithETags(params JsonObject[] parcels)
        {
            foreach (var p in parcels) p["etag"] = await app.ETagAsync((long)p["id"]!);
            return new JsonArray(parcels.Select(p => (JsonNode)p.DeepClone()).ToArray());
        }
        Task<HttpResponseMessage> Merge(JsonArray parents) =>
            app.PostAsync("/api/parcels/merge", new JsonObject { ["parents"] = parents, ["code"] = Unique("M"), ["reason"] = "整合" });

        var a = await Make(119.300);
        var b = await Make(119.301);
        var far = await Make(119.310);
        var raw = await Make(119.299, status: "raw_land");
        var commercial = await Make(119.302, use: "0901");
        var before = await app.CountParcelsAsync();
        await ProblemAssert.IsProblemAsync(await Merge(await WithETags(a, far)), HttpStatusCode.UnprocessableEntity, "parents");
        await ProblemAssert.IsProblemAsync(await Merge(await WithETags(a, raw)), HttpStatusCode.UnprocessableEntity, "parents");
        await ProblemAssert.IsProblemAsync(await Merge(await WithETags(b, commercial)), HttpStatusCode.UnprocessableEntity, "parents");
        var stale = await WithETags(a, b);
        stale[1]!["etag"] = "\"77\"";
        await ProblemAssert.IsProblemAsync(await Merge(stale), HttpStatusCode.PreconditionFailed, "If-Match");
        var missing = await WithETags(a, b);
        missing[0]!.AsObject().Remove("etag");
        await ProblemAssert.IsProblemAsync(await Merge(missing), HttpStatusCode.PreconditionRequired, "parents");
        Assert.Equal(before, await app.CountParcelsAsync());
        Assert.Equal(HttpStatusCode.Created, (await Merge(await WithETags(a, b))).StatusCode);
    }
}
