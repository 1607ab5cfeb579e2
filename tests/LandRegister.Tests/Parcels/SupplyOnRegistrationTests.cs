using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Parcels;

/// <summary>Land registered with a holder arrives with its supply record, or the register could not see who holds it.</summary>
public sealed class SupplyOnRegistrationTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static JsonObject Held(string zone, string status, double lon, JsonNode? supply)
    {
        var feature = Feature(Rectangle(lon, 33.9, 100, 100), zone, status: status);
        feature["properties"]!["supply"] = supply;
        return feature;
    }

    [Theory]
    [InlineData("supplied")]
    [InlineData("under_construction")]
    [InlineData("in_use")]
    [InlineData("low_efficiency")]
    [InlineData("idle")]
    public async Task Registered_with_a_holder_but_no_supply_record_is_a_422_and_writes_nothing(string status)
    {
        var zone = await app.ZoneAsync();
        var before = (await app.CountParcelsAsync(), await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply"));
        // Sent directly: the helper would add the default record.
        var response = await app.PostAsync("/api/parcels", Held(zone, status, 119.4, null), "application/geo+json");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "properties.supply");
        var file = new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(Held(zone, status, 119.41, null)) };
        var import = await app.SendAsync(HttpMethod.Post, "/api/parcels/import", file.ToJsonString(), "application/geo+json");
        await ProblemAssert.IsProblemAsync(import, HttpStatusCode.UnprocessableEntity, "features[0].properties.supply");
        Assert.Equal(before, (await app.CountParcelsAsync(), await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply")));
    }

    [Fact]
    public async Task With_its_record_it_is_registered_holder_and_all_and_a_bad_record_is_named()
    {
        var zone = await app.ZoneAsync();
        var created = await app.PostAsync("/api/parcels", Held(zone, "in_use", 119.42, Supply()), "application/geo+json");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (long)(await created.JsonAsync())["id"]!;
        var supply = await (await app.Client.GetAsync($"/api/parcels/{id}/supply")).JsonAsync();
        Assert.Equal(ValidCreditCode, (string)supply["recipientCreditCode"]!);
        Assert.Equal(id, (long)supply["parcelId"]!);

        var file = new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["features"] = new JsonArray(Held(zone, "supplied", 119.43, Supply()), Held(zone, "idle", 119.44, Supply())),
        };
        var import = await app.SendAsync(HttpMethod.Post, "/api/parcels/import", file.ToJsonString(), "application/geo+json");
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal(0, await app.ScalarAsync<long>(
            "SELECT count(*) FROM parcel p LEFT JOIN parcel_supply s ON s.id = p.supply_id AND s.parcel_id = p.id WHERE p.zone_code = @zone AND s.id IS NULL",
            new { zone }));

        var badCode = Supply("91350100M000100Y44");
        var refused = await app.PostAsync("/api/parcels", Held(zone, "in_use", 119.45, badCode), "application/geo+json");
        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "properties.supply.recipientCreditCode");
        var clean = await app.PostAsync("/api/parcels", Held(zone, "clean_land", 119.46, Supply()), "application/geo+json");
        await ProblemAssert.IsProblemAsync(clean, HttpStatusCode.UnprocessableEntity, "properties.supply");
    }
}
