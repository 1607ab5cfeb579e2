using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Zones;

public sealed class ZoneAndParkTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task A_zone_is_created_listed_and_read_by_code_with_an_etag()
    {
        var code = Unique("ZN");
        var created = await app.PostAsync("/api/zones", new JsonObject { ["code"] = code, ["name"] = "永州经济技术开发区", ["gkEpsg"] = 4546 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/zones/{code}", created.Headers.Location!.ToString());

        var read = await app.Client.GetAsync($"/api/zones/{code}");
        Assert.NotNull(read.Headers.ETag);
        var zone = await read.JsonAsync();
        Assert.Equal("永州经济技术开发区", (string)zone["name"]!);
        Assert.Equal(4546, (int)zone["gkEpsg"]!);
        var list = await (await app.Client.GetAsync("/api/zones")).JsonAsync();
        Assert.Contains(code, list["items"]!.AsArray().Select(z => (string)z!["code"]!));
    }

    [Theory]
    [InlineData("""{"code":"","name":"x","gkEpsg":4549}""", HttpStatusCode.UnprocessableEntity, "code")]
    [InlineData("""{"code":"A B","name":"x","gkEpsg":4549}""", HttpStatusCode.UnprocessableEntity, "code")]
    [InlineData("""{"code":"ZZ1","name":"x","gkEpsg":3857}""", HttpStatusCode.UnprocessableEntity, "gkEpsg")]
    [InlineData("""{"code":"ZZ2","name":"x"}""", HttpStatusCode.UnprocessableEntity, "gkEpsg")]
    [InlineData("""{"code":"ZZ3","name":"x","gkEpsg":"4549"}""", HttpStatusCode.BadRequest, "gkEpsg")]
    [InlineData("""{"code":"ZZ4","name":"x","gkEpsg":4549,"colour":"red"}""", HttpStatusCode.BadRequest, "colour")]
    [InlineData("""{"code":"ZZ5",""", HttpStatusCode.BadRequest, "body")]
    public async Task A_bad_zone_is_refused_and_not_created(string body, HttpStatusCode status, string field)
    {
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM zone");
        await ProblemAssert.IsProblemAsync(await app.SendAsync(HttpMethod.Post, "/api/zones", body), status, field);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM zone"));
    }

    [Fact]
    public async Task A_duplicate_zone_code_is_a_409()
    {
        var zone = await app.ZoneAsync();
        await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/zones", new JsonObject { ["code"] = zone, ["name"] = "again", ["gkEpsg"] = 4549 }),
            HttpStatusCode.Conflict, "code");
    }

    [Fact]
    public async Task A_park_keeps_its_boundary_as_geojson_in_wgs84_whatever_crs_it_came_in()
    {
        var zone = await app.ZoneAsync();
        var code = Unique("PK");
        var boundary = Polygon([435000, 3741000], [436000, 3741000], [436000, 3742000], [435000, 3742000], [435000, 3741000]);
        var created = await app.PostAsync("/api/parks?crs=EPSG:4549", new JsonObject
        {
            ["code"] = code, ["zoneCode"] = zone, ["name"] = "新材料产业园", ["boundary"] = boundary,
            ["leadingIndustries"] = new JsonArray("玻璃纤维", "新材料"),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var park = await (await app.Client.GetAsync($"/api/parks/{code}")).JsonAsync();
        Assert.Equal("MultiPolygon", (string)park["boundary"]!["type"]!);
        var lon = (double)park["boundary"]!["coordinates"]![0]![0]![0]![0]!;
        Assert.InRange(lon, 119.2, 119.4);
        Assert.Equal(1_000_000 * 0.0015, (double)park["areaMu"]!, 1.5);
        Assert.Equal(["玻璃纤维", "新材料"], park["leadingIndustries"]!.AsArray().Select(i => (string)i!));
        var list = await (await app.Client.GetAsync($"/api/parks?zone={zone}")).JsonAsync();
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_park_with_an_invalid_boundary_or_unknown_zone_is_refused()
    {
        var zone = await app.ZoneAsync();
        var bowtie = Polygon([119.30, 33.80], [119.31, 33.81], [119.31, 33.80], [119.30, 33.81], [119.30, 33.80]);
        await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/parks", new JsonObject { ["code"] = Unique("PK"), ["zoneCode"] = zone, ["name"] = "x", ["boundary"] = bowtie }),
            HttpStatusCode.UnprocessableEntity, "boundary");
        await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/parks", new JsonObject { ["code"] = Unique("PK"), ["zoneCode"] = "NOZONE", ["name"] = "x" }),
            HttpStatusCode.UnprocessableEntity, "zoneCode");
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/parks/NOPARK")).StatusCode);
    }

    [Fact]
    public async Task Land_use_codes_are_listed_with_their_legacy_mappings()
    {
        var catalogue = await (await app.Client.GetAsync("/api/land-uses")).JsonAsync();
        var industrial = catalogue["items"]!.AsArray().Single(i => (string)i!["code"]! == "100101")!;
        Assert.Equal("1001", (string)industrial["parent"]!);
        Assert.Equal("一类工业用地", (string)industrial["nameZh"]!);
        var m1 = catalogue["legacy"]!.AsArray().Single(l => (string)l!["scheme"]! == "gb50137" && (string)l["code"]! == "M1")!;
        Assert.Equal("100101", (string)m1["useCode"]!);
    }
}
