using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Drawing;

namespace LandRegister.Tests.Premises;

public sealed class PremisesTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    const string PlatformCreditCode = "91350100M000100Y43";

    /// <summary>An idle parcel of 300 × 200 m at (x, y) with the zone it is in.</summary>
    async Task<(string Zone, long ParcelId)> ParcelAsync(string? zone = null, double x = X0, double y = Y0)
    {
        zone ??= await app.ZoneAsync();
        var (id, _) = await app.CleanAsync(zone, Box(x, y, 300, 200), status: "idle");
        return (zone, id);
    }

    static JsonObject Premises(long parcelId, JsonObject footprint, string vacancy = "vacant", double floorArea = 12000,
        Action<JsonObject>? more = null)
    {
        var properties = new JsonObject
        {
            ["code"] = Arrange.Unique("F"), ["parcelId"] = parcelId, ["name"] = "标准厂房1号楼", ["ownerName"] = "开发区建设投资有限公司",
            ["ownerKind"] = "platform_company", ["ownerCreditCode"] = PlatformCreditCode, ["floorAreaM2"] = floorArea, ["floors"] = 3,
            ["builtYear"] = 2015, ["condition"] = "fair", ["vacancy"] = vacancy,
            ["vacantSince"] = vacancy is "vacant" or "partly_leased" ? "2023-04-01" : null,
        };
        more?.Invoke(properties);
        return new JsonObject { ["type"] = "Feature", ["geometry"] = footprint, ["properties"] = properties };
    }

    Task<HttpResponseMessage> CreateAsync(JsonObject feature) => app.PostAsync("/api/premises?crs=EPSG:4549", feature, "application/geo+json");

    async Task<JsonObject> CreatedAsync(JsonObject feature)
    {
        var response = await CreateAsync(feature);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        return body;
    }

    Task<long> CountAsync() => app.ScalarAsync<long>("SELECT count(*) FROM premises");

    [Fact]
    public async Task A_vacant_factory_building_is_registered_on_its_parcel_and_found_by_the_available_land_search()
    {
        var (zone, parcel) = await ParcelAsync();
        var created = await CreatedAsync(Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60)));
        var p = created["properties"]!;
        Assert.Equal(zone, (string)p["zoneCode"]!);
        Assert.Equal(12000, (double)p["vacantFloorAreaM2"]!);
        Assert.InRange((double)p["footprintM2"]!, 5990, 6010);          // 100 × 60 m in the projection, measured on the spheroid

        var id = (long)created["id"]!;
        var found = await app.Client.FeaturesAsync($"/api/available-land?zone={zone}&includePremises=true&minFloorAreaM2=10000");
        var premises = Assert.Single(found, f => (string)f!["properties"]!["kind"]! == "premises")!;
        Assert.Equal($"premises-{id}", (string)premises["id"]!);
        Assert.Equal(12000, (double)premises["properties"]!["vacantFloorAreaM2"]!);
        Assert.DoesNotContain(await app.Client.FeaturesAsync($"/api/available-land?zone={zone}&includePremises=true&minFloorAreaM2=20000"),
            f => (string)f!["properties"]!["kind"]! == "premises");
        Assert.DoesNotContain(await app.Client.FeaturesAsync($"/api/available-land?zone={zone}"), f => (string)f!["properties"]!["kind"]! == "premises");
    }

    [Fact]
    public async Task Changes_need_the_version_read_keep_the_vacancy_rules_and_are_kept_in_the_history()
    {
        var (_, parcel) = await ParcelAsync();
        var created = await CreatedAsync(Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60)));
        var id = (long)created["id"]!;
        var url = $"/api/premises/{id}";
        var partly = new JsonObject { ["properties"] = new JsonObject { ["vacancy"] = "partly_leased", ["vacantFloorAreaM2"] = 4000 }, ["reason"] = "一、二层出租" };

        await ProblemAssert.IsProblemAsync(await app.SendAsync(HttpMethod.Patch, url, partly.ToJsonString(), "application/merge-patch+json"),
            HttpStatusCode.PreconditionRequired, "If-Match");
        var changed = await app.SendAsync(HttpMethod.Patch, url, partly.ToJsonString(), "application/merge-patch+json", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"2\"", changed.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed,
            (await app.SendAsync(HttpMethod.Patch, url, partly.ToJsonString(), "application/merge-patch+json", "\"1\"")).StatusCode);

        // Leased in full: the vacant area and date go with the vacancy.
        var leased = await app.SendAsync(HttpMethod.Patch, url, """{"properties":{"vacancy":"leased"}}""", "application/merge-patch+json", "\"2\"");
        var body = await leased.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, leased.StatusCode);
        Assert.Equal(0, (double)body["properties"]!["vacantFloorAreaM2"]!);
        Assert.Null(body["properties"]!["vacantSince"]);

        var history = await (await app.Client.GetAsync(url + "/history")).JsonAsync();
        var entries = history["entries"]!.AsArray();
        Assert.Equal(3, entries.Count);
        Assert.Equal("一、二层出租", (string)entries[1]!["reason"]!);
        Assert.Equal(12000, (double)entries[1]!["changes"]!["vacantFloorAreaM2"]!["before"]!);
        Assert.Equal(4000, (double)entries[1]!["changes"]!["vacantFloorAreaM2"]!["after"]!);
        Assert.Equal("leased", (string)entries[2]!["changes"]!["vacancy"]!["after"]!);

        var retired = await app.SendAsync(HttpMethod.Delete, url + "?reason=拆除", ifMatch: "\"3\"");
        Assert.Equal(HttpStatusCode.NoContent, retired.StatusCode);
        Assert.DoesNotContain((await app.Client.FeaturesAsync($"/api/premises?parcelId={parcel}")), f => (long)f!["id"]! == id);
        Assert.Single(await app.Client.FeaturesAsync($"/api/premises?parcelId={parcel}&includeRetired=true"));
        var counted = await (await app.Client.GetAsync($"/api/premises?parcelId={parcel}&includeRetired=true&limit=1")).JsonAsync();
        Assert.Equal(1, (int)counted["numberMatched"]!);
        Assert.Equal(0, (int)(await (await app.Client.GetAsync($"/api/premises?parcelId={parcel}")).JsonAsync())["numberMatched"]!);
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Patch, url, """{"properties":{"name":"x"}}""", "application/merge-patch+json", "\"4\""),
            HttpStatusCode.Conflict, "id");
    }

    public static TheoryData<string, string> BadProperties => new()
    {
        { """{"vacancy":"empty"}""", "properties.vacancy" },
        { """{"vacancy":"partly_leased"}""", "properties.vacantFloorAreaM2" },
        { """{"vacancy":"partly_leased","vacantFloorAreaM2":12000}""", "properties.vacantFloorAreaM2" },
        { """{"vacancy":"vacant","vacantSince":null}""", "properties.vacantSince" },
        { """{"vacancy":"leased","vacantFloorAreaM2":100,"vacantSince":null}""", "properties.vacantFloorAreaM2" },
        { """{"vacancy":"self_used","vacantSince":"2024-01-01"}""", "properties.vacantSince" },
        { """{"vacantSince":"2999-01-01"}""", "properties.vacantSince" },
        { """{"floorAreaM2":0}""", "properties.floorAreaM2" },
        { """{"floorAreaM2":"12000"}""", "properties.floorAreaM2" },
        { """{"floors":0}""", "properties.floors" },
        { """{"ownerKind":"bank"}""", "properties.ownerKind" },
        { """{"condition":"ruined"}""", "properties.condition" },
        { """{"ownerCreditCode":"91350100M000100Y44"}""", "properties.ownerCreditCode" },
        { """{"code":"  "}""", "properties.code" },
        { """{"name":"a\u0000b"}""", "properties.name" },
        { """{"parcelId":null}""", "properties.parcelId" },
        { """{"parcelId":999999999}""", "properties.parcelId" },
        { """{"tenant":"某公司"}""", "properties.tenant" },
    };

    [Theory]
    [MemberData(nameof(BadProperties))]
    public async Task Bad_premises_are_refused_naming_the_field_and_write_nothing(string properties, string field)
    {
        var (_, parcel) = await ParcelAsync();
        var feature = Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60));
        foreach (var (key, value) in JsonNode.Parse(properties)!.AsObject())
            feature["properties"]![key] = value?.DeepClone();
        var before = await CountAsync();
        var response = await CreateAsync(feature);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}");
        await ProblemAssert.IsProblemAsync(response, response.StatusCode, field);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_footprint_must_stand_on_its_parcel_and_be_a_valid_polygon()
    {
        var (zone, parcel) = await ParcelAsync();
        var before = await CountAsync();
        var off = await CreateAsync(Premises(parcel, Box(X0 + 260, Y0 + 50, 100, 60)));       // 40 % on the parcel
        var problem = await ProblemAssert.IsProblemAsync(off, HttpStatusCode.UnprocessableEntity, "geometry");
        Assert.Contains("at least half", ProblemAssert.Reason(problem, "geometry"));
        var bowtie = Arrange.Polygon([X0 + 10, Y0 + 10], [X0 + 90, Y0 + 90], [X0 + 90, Y0 + 10], [X0 + 10, Y0 + 90], [X0 + 10, Y0 + 10]);
        await ProblemAssert.IsProblemAsync(await CreateAsync(Premises(parcel, bowtie)), HttpStatusCode.UnprocessableEntity, "geometry");
        var line = new JsonObject { ["type"] = "LineString", ["coordinates"] = new JsonArray(new JsonArray(X0, Y0), new JsonArray(X0 + 9, Y0)) };
        await ProblemAssert.IsProblemAsync(await CreateAsync(Premises(parcel, line)), HttpStatusCode.UnprocessableEntity, "geometry");
        var noGeometry = Premises(parcel, Box(X0, Y0, 10, 10));
        noGeometry.Remove("geometry");
        await ProblemAssert.IsProblemAsync(await CreateAsync(noGeometry), HttpStatusCode.UnprocessableEntity, "geometry");
        Assert.Equal(before, await CountAsync());

        // Moving it onto a parcel of the same zone is a change; onto another zone's, it is refused.
        var created = await CreatedAsync(Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60)));
        var (_, elsewhere) = await ParcelAsync();
        var move = new JsonObject { ["properties"] = new JsonObject { ["parcelId"] = elsewhere } };
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Patch, $"/api/premises/{created["id"]}", move.ToJsonString(), "application/merge-patch+json", "\"1\""),
            HttpStatusCode.UnprocessableEntity, "properties.parcelId");
        var (_, neighbour) = await ParcelAsync(zone, X0 + 1000);
        move["properties"]!["parcelId"] = neighbour;
        move["geometry"] = Box(X0 + 1050, Y0 + 50, 100, 60);
        var moved = await app.SendAsync(HttpMethod.Patch, $"/api/premises/{created["id"]}?crs=EPSG:4549", move.ToJsonString(), "application/merge-patch+json", "\"1\"");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }

    [Fact]
    public async Task Premises_follow_the_access_rules_of_parcels()
    {
        var (zone, parcel) = await ParcelAsync();
        var (other, otherParcel) = await ParcelAsync();
        var created = await CreatedAsync(Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60)));
        await CreatedAsync(Premises(otherParcel, Box(X0 + 50, Y0 + 50, 100, 60)));

        var planner = await app.ClientForAsync("planner", other);
        Assert.Equal(HttpStatusCode.NotFound, (await planner.GetAsync($"/api/premises/{created["id"]}")).StatusCode);
        Assert.All(await planner.FeaturesAsync("/api/premises"), f => Assert.Equal(other, (string)f!["properties"]!["zoneCode"]!));
        var foreign = await planner.PostAsync("/api/premises?crs=EPSG:4549",
            new StringContent(Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60)).ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.UnprocessableEntity, "properties.parcelId");

        var viewer = await app.ClientForAsync("viewer", zone);
        var seen = (await (await viewer.GetAsync($"/api/premises/{created["id"]}")).JsonAsync())["properties"]!.AsObject();
        Assert.Equal("vacant", (string)seen["vacancy"]!);
        Assert.False(seen.ContainsKey("ownerName"));
        Assert.False(seen.ContainsKey("ownerCreditCode"));
        var promoter = await app.ClientForAsync("promoter", zone);
        var promoted = (await (await promoter.GetAsync($"/api/premises/{created["id"]}")).JsonAsync())["properties"]!.AsObject();
        Assert.True(promoted.ContainsKey("ownerName"));
        Assert.False(promoted.ContainsKey("ownerCreditCode"));
        var history = (await (await promoter.GetAsync($"/api/premises/{created["id"]}/history")).Content.ReadAsStringAsync());
        Assert.DoesNotContain("ownerCreditCode", history);
        Assert.DoesNotContain(PlatformCreditCode, history);
        var found = await promoter.FeaturesAsync("/api/available-land?includePremises=true");
        Assert.Contains(found, f => (string)f!["properties"]!["kind"]! == "premises");
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.PostAsync("/api/premises",
            new StringContent(Premises(parcel, Box(X0 + 50, Y0 + 50, 100, 60)).ToJsonString(), System.Text.Encoding.UTF8, "application/json"))).StatusCode);
    }
}
