using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Access;

/// <summary>What a key limited to one zone can learn of, and do to, another zone's records: nothing.</summary>
public sealed class ZoneIsolationTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    async Task<long> CleanParcelAsync(string zone) =>
        (long)(await app.CreateParcelAsync(Feature(Rectangle(119.3 + Random.Shared.NextDouble() / 10, 33.8, 100, 100), zone)))["id"]!;

    [Fact]
    public async Task Land_of_one_zone_cannot_be_supplied_to_an_enterprise_of_another_and_an_enterprise_lists_only_visible_land()
    {
        var (zoneA, zoneB) = (await app.ZoneAsync(), await app.ZoneAsync());
        const string enterpriseOfB = "91110000600037341L";
        Assert.Equal(HttpStatusCode.Created, (await app.PostAsync("/api/enterprises",
            new JsonObject { ["creditCode"] = enterpriseOfB, ["zoneCode"] = zoneB, ["name"] = "乙区企业" })).StatusCode);
        var parcelA = await CleanParcelAsync(zoneA);
        var plannerA = await app.ClientForAsync("planner", zoneA);

        using var supply = new HttpRequestMessage(HttpMethod.Post, $"/api/parcels/{parcelA}/transitions")
        {
            Content = Json(Support.Lifecycle.SuppliedTo(enterpriseOfB, "2024-04-15")),
        };
        supply.Headers.TryAddWithoutValidation("If-Match", await app.ETagAsync(parcelA));
        var refused = await ProblemAssert.IsProblemAsync(await plannerA.SendAsync(supply), HttpStatusCode.UnprocessableEntity, "supply.recipientCreditCode");
        Assert.DoesNotContain(zoneB, refused.ToJsonString());
        Assert.Equal("clean_land", await app.ScalarAsync<string>("SELECT status FROM parcel WHERE id = @parcelA", new { parcelA }));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply WHERE parcel_id = @parcelA", new { parcelA }));

        // Land of A rented by B's enterprise (a record made before the rule, or by an administrator) is not shown to B's key.
        var parcelB = await CleanParcelAsync(zoneB);
        await app.ScalarAsync<int>("""
            INSERT INTO enterprise_tenancy (credit_code, parcel_id, share) VALUES (@enterpriseOfB, @parcelA, 0.5), (@enterpriseOfB, @parcelB, 0.5);
            SELECT 1
            """, new { enterpriseOfB, parcelA, parcelB });
        var plannerB = await app.ClientForAsync("planner", zoneB);
        var seenByB = await (await plannerB.GetAsync($"/api/enterprises/{enterpriseOfB}")).JsonAsync();
        Assert.Equal([parcelB], seenByB["land"]!.AsArray().Select(l => (long)l!["parcelId"]!));
        var seenByAdmin = await (await app.Client.GetAsync($"/api/enterprises/{enterpriseOfB}")).JsonAsync();
        Assert.Equal(2, seenByAdmin["land"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_key_of_one_zone_registers_a_park_code_another_zone_uses_without_learning_of_it()
    {
        var (zoneA, zoneB) = (await app.ZoneAsync(), await app.ZoneAsync());
        var code = await app.ParkAsync(zoneA, Rectangle(119.3, 33.8, 500, 500));
        var plannerB = await app.ClientForAsync("planner", zoneB);

        var created = await plannerB.PostAsync("/api/parks",
            Json(new JsonObject { ["code"] = code, ["zoneCode"] = zoneB, ["name"] = "乙区同名园区" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.DoesNotContain(zoneA, await created.Content.ReadAsStringAsync());
        var again = await plannerB.PostAsync("/api/parks", Json(new JsonObject { ["code"] = code, ["zoneCode"] = zoneB, ["name"] = "again" }));
        Assert.Equal("a park with this code already exists in the zone",
            ProblemAssert.Reason(await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "code"), "code"));

        Assert.Equal(zoneB, (string)(await (await plannerB.GetAsync(created.Headers.Location)).JsonAsync())["zoneCode"]!);
        Assert.Equal(zoneB, (string)(await (await plannerB.GetAsync($"/api/parks/{code}")).JsonAsync())["zoneCode"]!);
        // The administrator sees both, and names the zone.
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync($"/api/parks/{code}"), HttpStatusCode.Conflict, "zone");
        Assert.Equal(zoneA, (string)(await (await app.Client.GetAsync($"/api/parks/{code}?zone={zoneA}")).JsonAsync())["zoneCode"]!);
        var features = (await (await app.Client.GetAsync("/ogc/collections/parks/items?limit=100")).JsonAsync())["features"]!.AsArray();
        Assert.Contains(features, f => (string)f!["id"]! == $"{zoneA}:{code}");
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/ogc/collections/parks/items/{zoneA}:{code}")).StatusCode);
    }
}
