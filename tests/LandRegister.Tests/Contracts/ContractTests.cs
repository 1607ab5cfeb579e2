using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Drawing;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Contracts;

/// <summary>Contract commitments: the zone's minimums on new contracts, and each contract against what was delivered.</summary>
public sealed class ContractTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    const string Holder = "91320826MA1MX4LT08";

    static int column;

    async Task<(string Zone, long Parcel)> CleanParcelAsync(string? zone = null)
    {
        zone ??= await app.ZoneAsync();
        var (id, _) = await app.CleanAsync(zone, Box(X0 + 500 * Interlocked.Increment(ref column), Y0, 300, 200));
        return (zone, id);
    }

    static JsonObject Supplied(decimal tax, string? approvalRef = null)
    {
        var step = SuppliedTo(Holder, "2024-04-15");
        var supply = step["supply"]!.AsObject();
        supply["commitments"] = new JsonObject
        {
            ["investmentIntensityWanPerMu"] = 300, ["taxPerMuWan"] = tax, ["salesPerMuWan"] = 300, ["minPlotRatio"] = 1.0, ["taxShortfallDamagesPct"] = 10,
        };
        if (approvalRef is not null) supply["approvalRef"] = approvalRef;
        return step;
    }

    [Fact]
    public async Task A_contract_under_the_zones_minimums_is_refused_unless_approved()
    {
        var (zone, parcel) = await CleanParcelAsync();
        var put = await app.SendAsync(HttpMethod.Put, $"/api/zones/{zone}/contract-minimums",
            new JsonObject { ["taxPerMuWan"] = 25, ["investmentIntensityWanPerMu"] = 300 }.ToJsonString(), "application/json");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var refused = await app.TransitionAsync(parcel, Supplied(1.0m));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var errors = (await refused.JsonAsync())["errors"]!.AsObject();
        Assert.Equal(["supply.commitments.taxPerMuWan"], errors.Select(e => e.Key));
        Assert.Contains("25", (string)errors["supply.commitments.taxPerMuWan"]![0]!);
        Assert.Equal("clean_land", (string)(await (await app.Client.GetAsync($"/api/parcels/{parcel}")).JsonAsync())["properties"]!["status"]!);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_supply WHERE parcel_id = @parcel", new { parcel }));

        var approved = await app.TransitionAsync(parcel, Supplied(1.0m, "涟开委〔2024〕12号"));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var supply = await (await app.Client.GetAsync($"/api/parcels/{parcel}/supply")).JsonAsync();
        Assert.Equal("涟开委〔2024〕12号", (string)supply["approvalRef"]!);
    }

    [Fact]
    public async Task Each_contract_is_compared_with_the_years_figures_with_its_shortfalls_and_damages()
    {
        var (zone, parcel) = await CleanParcelAsync();
        var created = await app.PostAsync("/api/enterprises", new JsonObject { ["creditCode"] = Holder, ["zoneCode"] = zone, ["name"] = "涟水斯韦意科技有限公司" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await app.WalkAsync(parcel, Supplied(25));
        var mu = await app.ScalarAsync<double>("SELECT area_m2 * 0.0015 FROM parcel WHERE id = @parcel", new { parcel });
        var figures = await app.SendAsync(HttpMethod.Put, $"/api/enterprises/{Holder}/indicators/2025",
            new JsonObject { ["taxWan"] = Math.Round(10 * mu, 2), ["salesWan"] = Math.Round(400 * mu, 2) }.ToJsonString(), "application/json");
        Assert.True(figures.IsSuccessStatusCode, await figures.Content.ReadAsStringAsync());

        var report = await (await app.Client.GetAsync($"/api/contracts/performance?zone={zone}&year=2025")).JsonAsync();
        Assert.True(report["items"] is not null, report.ToJsonString());
        var item = Assert.Single(report["items"]!.AsArray())!;
        Assert.True(item["indicators"]![1]!["actual"] is not null, report.ToJsonString());
        var indicators = item["indicators"]!.AsArray().ToDictionary(i => (string)i!["name"]!, i => i!);
        Assert.Equal((25.0, 10.0, 15.0, false), ((double)indicators["taxPerMuWan"]["committed"]!, (double)indicators["taxPerMuWan"]["actual"]!,
            (double)indicators["taxPerMuWan"]["shortfall"]!, (bool)indicators["taxPerMuWan"]["met"]!));
        Assert.True((bool)indicators["salesPerMuWan"]["met"]!);
        Assert.Null((bool?)indicators["plotRatio"]["met"]); // no building registered on it yet
        Assert.Null((bool?)indicators["investmentIntensityWanPerMu"]["met"]); // no construction report
        Assert.Equal(Math.Round(15 * mu * 0.10, 2), (double)item["taxDamagesWan"]!, 2);
        Assert.True((int)item["constructionStart"]!["daysLate"]! > 0); // agreed for 2024-10-15, not started
        Assert.True((bool)item["shortfall"]!);
        Assert.Empty((await (await app.Client.GetAsync($"/api/contracts/performance?zone={zone}&year=2025&shortfall=false")).JsonAsync())["items"]!.AsArray());

        var promoter = await app.ClientForAsync("promoter");
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync($"/api/contracts/performance?zone={zone}&year=2025")).StatusCode);
    }
}
