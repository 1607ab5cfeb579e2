using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parks;

public sealed class ParkTests(RegisterApp app) : IClassFixture<RegisterApp>
{
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
    public async Task A_park_may_be_sent_as_a_geojson_feature_like_parcels_and_premises()
    {
        var zone = await app.ZoneAsync();
        var code = Unique("PK");
        var feature = new JsonObject
        {
            ["type"] = "Feature",
            ["geometry"] = Rectangle(119.30, 33.80, 1000, 1000),
            ["properties"] = new JsonObject { ["code"] = code, ["zoneCode"] = zone, ["name"] = "航空产业园", ["leadingIndustries"] = new JsonArray("航空") },
        };
        var created = await app.PostAsync("/api/parks", feature, "application/geo+json");
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var park = await (await app.Client.GetAsync($"/api/parks/{code}?zone={zone}")).JsonAsync();
        Assert.Equal("航空产业园", (string)park["name"]!);
        Assert.InRange((double)park["areaMu"]!, 1450, 1550); // about 1 km² drawn in degrees

        var nameless = feature.DeepClone().AsObject();
        nameless["properties"]!["code"] = Unique("PK");
        nameless["properties"]!.AsObject().Remove("name");
        await ProblemAssert.IsProblemAsync(await app.PostAsync("/api/parks", nameless, "application/geo+json"), HttpStatusCode.UnprocessableEntity, "properties.name");
        var both = feature.DeepClone().AsObject();
        both["code"] = Unique("PK");
        await ProblemAssert.IsProblemAsync(await app.PostAsync("/api/parks", both), HttpStatusCode.UnprocessableEntity, "type");
        Assert.Equal(1, await app.ScalarAsync<long>("SELECT count(*) FROM park WHERE zone_code = @zone", new { zone }));
    }
}
