using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

public sealed class ParcelImportTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static JsonObject Collection(params JsonNode[] features) =>
        new() { ["type"] = "FeatureCollection", ["features"] = new JsonArray(features) };

    Task<HttpResponseMessage> ImportAsync(string query, string body) =>
        app.SendAsync(HttpMethod.Post, $"/api/parcels/import?{query}", body, "application/geo+json");

    [Fact]
    public async Task A_cadastre_of_irregular_touching_parcels_imports_whole_with_areas_matching_its_surveyed_areas()
    {
        var zone = await app.ZoneAsync(4549);
        string file;
        await using (var conn = await app.OpenAsync()) file = await GeneratedCadastre.FeatureCollectionAsync(conn, parcels: 3000);
        var features = JsonNode.Parse(file)!["features"]!.AsArray();
        var response = await ImportAsync($"zone={zone}&mapping=registeredAreaM2:contenance", file);
        var report = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal(features.Count, (int)report["imported"]!);
        Assert.Empty(report["rejected"]!.AsArray());

        // The spheroidal area of each parcel against the area surveyed in the Gauss-Krüger plane: equal to a few parts in
        // ten thousand near the central meridian, whatever the shape.
        var ratios = await app.ScalarAsync<double[]>(
            "SELECT array_agg(area_m2 / registered_area_m2::double precision ORDER BY area_m2 / registered_area_m2::double precision) FROM parcel WHERE zone_code = @zone",
            new { zone });
        Assert.Equal(features.Count, ratios.Length);
        Assert.InRange(ratios[ratios.Length / 2], 0.999, 1.001);
        var first = features[0]!;
        Assert.Equal((int)first["properties"]!["contenance"]!, await app.ScalarAsync<decimal>(
            "SELECT registered_area_m2 FROM parcel WHERE zone_code = @zone AND code = @code", new { zone, code = (string)first["id"]! }));
    }

    [Fact]
    public async Task A_file_refused_for_want_of_a_zone_reports_the_code_each_feature_holds()
    {
        var before = await app.CountParcelsAsync();
        var withId = new JsonObject { ["type"] = "Feature", ["id"] = "000AB12", ["geometry"] = Rectangle(119.30, 33.80, 100, 100), ["properties"] = new JsonObject() };
        var withNumber = new JsonObject { ["type"] = "Feature", ["id"] = 17, ["geometry"] = Rectangle(119.31, 33.80, 100, 100), ["properties"] = new JsonObject() };
        var mapped = new JsonObject
        {
            ["type"] = "Feature", ["geometry"] = Rectangle(119.32, 33.80, 100, 100), ["properties"] = new JsonObject { ["numero"] = "0042" },
        };
        var response = await ImportAsync("mapping=code:numero", Collection(withId, withNumber, mapped).ToJsonString());
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "features[0].properties.zoneCode");
        Assert.Equal(["000AB12", "17", "0042"], problem["rejected"]!.AsArray().Select(r => (string?)r!["code"]));
        Assert.Equal(before, await app.CountParcelsAsync());
    }

    [Fact]
    public async Task One_bad_feature_refuses_the_whole_import_and_names_its_index_code_and_reason()
    {
        var zone = await app.ZoneAsync();
        var before = await app.CountParcelsAsync();
        var bowtie = Polygon([119.30, 33.80], [119.31, 33.81], [119.31, 33.80], [119.30, 33.81], [119.30, 33.80]);
        var body = Collection(
            Feature(Rectangle(119.30, 33.80, 100, 100), zone, code: "OK-1"),
            Feature(bowtie, zone, code: "BAD-1"),
            Feature(Rectangle(119.32, 33.80, 100, 100), zone, code: "OK-2", status: "vacant"),
            Feature(Rectangle(119.33, 33.80, 100, 100), zone, code: "OK-1"));
        var response = await ImportAsync("", body.ToJsonString());
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "features[1].geometry");
        var rejected = problem["rejected"]!.AsArray();
        Assert.Equal([1, 2, 3], rejected.Select(r => (int)r!["index"]!));
        Assert.Equal("BAD-1", (string)rejected[0]!["code"]!);
        Assert.Contains("Self-intersection", ProblemAssert.Reason(problem, "features[1].geometry"));
        Assert.Contains("features[2].properties.status", problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("features[0]", ProblemAssert.Reason(problem, "features[3].properties.code"));
        Assert.Equal(before, await app.CountParcelsAsync());
    }

    [Fact]
    public async Task Database_checks_are_reported_per_feature_too()
    {
        var zone = await app.ZoneAsync();
        await app.CreateParcelAsync(Feature(Rectangle(119.30, 33.80, 100, 100), zone, code: "TAKEN"));
        var before = await app.CountParcelsAsync();
        var body = Collection(
            Feature(Rectangle(119.31, 33.80, 100, 100), zone, code: "NEW-1"),
            Feature(Rectangle(119.32, 33.80, 100, 100), zone, code: "TAKEN"),
            Feature(Rectangle(119.33, 33.80, 100, 100), zone, code: "NEW-2", park: "NOPARK"),
            Feature(Rectangle(119.34, 33.80, 100, 100), "NOZONE", code: "NEW-3"));
        var problem = await ProblemAssert.IsProblemAsync(await ImportAsync("", body.ToJsonString()), HttpStatusCode.UnprocessableEntity, "features[1].properties.code");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("features[2].properties.parkCode"));
        Assert.True(problem["errors"]!.AsObject().ContainsKey("features[3].properties.zoneCode"));
        Assert.Equal(before, await app.CountParcelsAsync());
    }

    [Fact]
    public async Task Atomic_false_imports_the_good_features_and_reports_the_rest()
    {
        var zone = await app.ZoneAsync();
        var before = await app.CountParcelsAsync();
        var body = Collection(
            Feature(Rectangle(119.30, 33.80, 100, 100), zone),
            new JsonObject { ["type"] = "Feature", ["properties"] = new JsonObject { ["code"] = "NOGEOM" }, ["geometry"] = null },
            Feature(Rectangle(119.32, 33.80, 100, 100), zone));
        var response = await ImportAsync($"zone={zone}&atomic=false", body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.JsonAsync();
        Assert.Equal(2, (int)report["imported"]!);
        Assert.Equal("NOGEOM", (string)report["rejected"]![0]!["code"]!);
        Assert.Equal(before + 2, await app.CountParcelsAsync());
    }

    [Fact]
    public async Task Gauss_Kruger_input_is_read_from_the_crs_parameter_or_the_files_crs_member()
    {
        var zone = await app.ZoneAsync();
        var square = Polygon([435000, 3741000], [435100, 3741000], [435100, 3741100], [435000, 3741100], [435000, 3741000]);
        var byParameter = await ImportAsync($"zone={zone}&crs=EPSG:4549", Collection(Feature(square, zone, code: "GK-1")).ToJsonString());
        Assert.Equal(HttpStatusCode.OK, byParameter.StatusCode);

        var beside = Polygon([435200, 3741000], [435300, 3741000], [435300, 3741100], [435200, 3741100], [435200, 3741000]);
        var file = Collection(Feature(beside, zone, code: "GK-2"));
        file["crs"] = new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "urn:ogc:def:crs:EPSG::4549" } };
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync($"zone={zone}", file.ToJsonString())).StatusCode);

        var areas = await app.ScalarAsync<double[]>("SELECT array_agg(area_m2) FROM parcel WHERE zone_code = @zone", new { zone });
        Assert.All(areas, a => Assert.Equal(10_000, a, 10d));
        await ProblemAssert.IsProblemAsync(await ImportAsync($"zone={zone}&crs=EPSG:4528", file.ToJsonString()), HttpStatusCode.BadRequest, "crs");
    }

    [Fact]
    public async Task Legacy_land_use_codes_land_on_national_codes()
    {
        var zone = await app.ZoneAsync();
        var body = Collection(
            Feature(Rectangle(119.30, 33.80, 100, 100), zone, code: "L-1", plannedUse: "0601"),
            Feature(Rectangle(119.31, 33.80, 100, 100), zone, code: "L-2", plannedUse: "0604"));
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync("useScheme=gbt21010", body.ToJsonString())).StatusCode);
        var uses = await app.ScalarAsync<string[]>("SELECT array_agg(planned_use ORDER BY code) FROM parcel WHERE zone_code = @zone", new { zone });
        Assert.Equal(["1001", "1101"], uses);
    }

    [Theory]
    [InlineData("""{"type":"Feature"}""", HttpStatusCode.UnprocessableEntity, "type")]
    [InlineData("""{"type":"FeatureCollection","features":[""", HttpStatusCode.BadRequest, "body")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", HttpStatusCode.BadRequest, "mapping", "mapping=owner:x")]
    [InlineData("""{"type":"FeatureCollection","features":[]}""", HttpStatusCode.BadRequest, "useScheme", "useScheme=gb2000")]
    public async Task A_malformed_import_is_refused(string body, HttpStatusCode status, string field, string query = "")
    {
        var before = await app.CountParcelsAsync();
        await ProblemAssert.IsProblemAsync(await ImportAsync(query, body), status, field);
        Assert.Equal(before, await app.CountParcelsAsync());
    }
}
