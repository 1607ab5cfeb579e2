using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Api.Enterprises;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Parcels;

/// <summary>The details the map's panel shows of a parcel, and who sees the holder and its per-mu tax.</summary>
public sealed class ParcelCardTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task The_card_names_the_holder_and_its_evaluated_tax_per_mu_to_cleared_roles_only()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        const string first17 = "91320826MA1234567";
        var holder = first17 + CreditCode.CheckCharacter(first17);
        var feature = Feature(Rectangle(118.9, 33.5, 300, 200), zone, park: park, status: "clean_land");
        feature["properties"]!["effectiveDate"] = "2023-01-01";
        var id = (long)(await app.CreateParcelAsync(feature))["id"]!;
        var supply = ToSupplied();
        supply["supply"]!["recipientCreditCode"] = holder;
        // Supplied, built and in use during 2024: the land the 2024 evaluation measures.
        await app.WalkAsync(id, supply.On("2024-04-15"), To("under_construction").On("2024-05-01"), To("in_use").On("2024-06-01"));
        var created = await app.PostAsync("/api/enterprises", new JsonObject
        {
            ["creditCode"] = holder, ["zoneCode"] = zone, ["name"] = "阿特斯阳光电力集团", ["aboveScale"] = true,
            ["productionStartedOn"] = "2015-01-01", ["industryCode"] = "C38",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var figures = await app.SendAsync(HttpMethod.Put, $"/api/enterprises/{holder}/indicators/2024",
            new JsonObject { ["taxWan"] = 450, ["salesWan"] = 9000, ["energyTce"] = 1200 }.ToJsonString());
        Assert.Equal(HttpStatusCode.Created, figures.StatusCode);
        Assert.Equal("succeeded", (string)(await app.RunAsync("/api/evaluation/runs", new JsonObject { ["zone"] = zone, ["year"] = 2024 }))["status"]!);

        var card = await (await app.Client.GetAsync($"/api/parcels/{id}/card")).JsonAsync();
        var result = (await (await app.Client.GetAsync($"/api/evaluation/results?zone={zone}&year=2024")).JsonAsync())["items"]!.AsArray()
            .Single(r => (string)r!["creditCode"]! == holder)!;

        Assert.Equal("in_use", (string)card["status"]!);
        Assert.Equal("一类工业用地", (string)card["plannedUseName"]!["zh"]!);
        Assert.Equal(park, (string)card["parkCode"]!);
        var areaMu = (double)(await (await app.Client.GetAsync($"/api/parcels/{id}")).JsonAsync())["properties"]!["areaMu"]!;
        Assert.Equal(areaMu, (double)card["areaMu"]!, 4);
        Assert.Equal("阿特斯阳光电力集团", (string)card["holder"]!["name"]!);
        Assert.Equal(holder, (string)card["holder"]!["creditCode"]!);
        Assert.Equal(2024, (int)card["holder"]!["year"]!);
        Assert.Equal((decimal)result["taxPerMu"]!, (decimal)card["holder"]!["taxPerMuWan"]!);
        Assert.Equal(450 / areaMu, (double)card["holder"]!["taxPerMuWan"]!, 1);
        Assert.Equal((string)result["class"]!, (string)card["holder"]!["class"]!);

        foreach (var role in new[] { "promoter", "viewer" })
        {
            var seen = await (await (await app.ClientForAsync(role)).GetAsync($"/api/parcels/{id}/card")).JsonAsync();
            Assert.False(seen.ContainsKey("holder"), $"{role}: {seen}");
            Assert.Equal(role == "promoter", seen.ContainsKey("name"));
            Assert.Equal((string)card["code"]!, (string)seen["code"]!);
        }
    }

    [Fact]
    public async Task A_parcel_without_supply_has_no_holder_and_another_zones_parcel_is_not_found()
    {
        var zone = await app.ZoneAsync();
        var id = (long)(await app.CreateParcelAsync(Feature(Rectangle(118.8, 33.5, 100, 100), zone)))["id"]!;
        var card = await (await app.Client.GetAsync($"/api/parcels/{id}/card")).JsonAsync();
        Assert.True(card.ContainsKey("holder"));
        Assert.Null(card["holder"]);
        var outsider = await app.ClientForAsync("planner", await app.ZoneAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/parcels/{id}/card")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/parcels/987654321/card")).StatusCode);
    }
}
