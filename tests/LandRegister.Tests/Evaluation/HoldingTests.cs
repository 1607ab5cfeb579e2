using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Evaluation;

/// <summary>
/// What the evaluation of a past year measures and may move, once land is taken back, revitalized or measured by its
/// title: the land held at the year's end, the current holder, the statuses a run must leave alone, the area basis,
/// and the summary figures provinces compare.
/// </summary>
public sealed class HoldingTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static int serial = Random.Shared.Next(1_000_000, 8_000_000);
    static int column;

    static string Code()
    {
        var first17 = $"91320826MA{Interlocked.Increment(ref serial):D7}";
        return first17 + LandRegister.Api.Enterprises.CreditCode.CheckCharacter(first17);
    }

    async Task<string> EnterpriseAsync(string zone, string name, bool utility = false, JsonArray? tenancies = null)
    {
        var code = Code();
        var response = await app.PostAsync("/api/enterprises", new JsonObject
        {
            ["creditCode"] = code, ["zoneCode"] = zone, ["name"] = name, ["aboveScale"] = true, ["utility"] = utility,
            ["productionStartedOn"] = "2010-01-01", ["industryCode"] = "C30", ["tenancies"] = tenancies,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    async Task FiguresAsync(string code, double tax)
    {
        foreach (var year in new[] { 2023, 2024 })
        {
            var response = await app.SendAsync(HttpMethod.Put, $"/api/enterprises/{code}/indicators/{year}",
                new JsonObject { ["taxWan"] = tax, ["salesWan"] = tax * 20, ["energyTce"] = 100 }.ToJsonString());
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>A parcel of about 20 mu in use since 2016, registered with its supply record naming <paramref name="holder"/>.</summary>
    Task<long> HeldAsync(string zone, string holder, decimal? registeredM2 = null) => ParcelAsync(zone, holder, registeredM2);

    /// <summary>A parcel of about 20 mu, in use since 2016 and supplied to <paramref name="holder"/>, or clean land nobody holds.</summary>
    async Task<long> ParcelAsync(string zone, string? holder, decimal? registeredM2)
    {
        var feature = Feature(Rectangle(119.3 + 0.003 * Interlocked.Increment(ref column), 33.8, 120, 111.2), zone,
            status: holder is null ? "clean_land" : "in_use");
        var properties = feature["properties"]!;
        properties["effectiveDate"] = "2016-01-01";
        if (holder is not null) properties["supply"] = SuppliedTo(holder, "2015-06-01")["supply"]!.DeepClone();
        if (registeredM2 is { } m2) properties["registeredAreaM2"] = m2;
        return (long)(await app.CreateParcelAsync(feature))["id"]!;
    }

    async Task<Dictionary<string, JsonObject>> ResultsAsync(string zone) =>
        (await (await app.Client.GetAsync($"/api/evaluation/results?zone={zone}&year=2024&limit=1000")).JsonAsync())["items"]!.AsArray()
        .ToDictionary(r => (string)r!["creditCode"]!, r => r!.AsObject());

    Task<string> StatusAsync(long id) => app.ScalarAsync<string>("SELECT status FROM parcel WHERE id = @id", new { id });

    Task<JsonObject> EvaluateAsync(string zone) => app.RunAsync("/api/evaluation/runs", new JsonObject { ["zone"] = zone, ["year"] = 2024 });

    /// <summary>The default scheme with land low-efficiency under 8 万元 of tax per mu, and a provincial reference of 20.</summary>
    async Task SchemeAsync(string zone)
    {
        var read = await app.Client.GetAsync($"/api/evaluation/schemes/2024?zone={zone}");
        var scheme = (await read.JsonAsync())["scheme"]!.AsObject();
        scheme["lowEfficiency"]!["taxPerMuBelowWan"] = 8;
        scheme["referenceTaxPerMuWan"] = 20;
        var put = await app.SendAsync(HttpMethod.Put, $"/api/evaluation/schemes/2024?zone={zone}", scheme.ToJsonString(), "application/json",
            read.Headers.ETag!.ToString());
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_past_year_is_graded_on_the_land_then_held_and_the_run_never_undoes_what_happened_since()
    {
        var zone = await app.ZoneAsync();
        await SchemeAsync(zone);
        var good = await EnterpriseAsync(zone, "恒盛");
        var low = await EnterpriseAsync(zone, "金源");
        await FiguresAsync(good, 300);
        await FiguresAsync(low, 40);
        var goodLand = await HeldAsync(zone, good);
        var lowLand = await HeldAsync(zone, low);
        var takenBack = await HeldAsync(zone, low);
        var movedSince = await HeldAsync(zone, low);

        // Acquired by the government in March 2024 (收储): no longer the holder's land at the end of 2024.
        var acquired = To("raw_land", "政府收储");
        acquired["approvalRef"] = "涟政复〔2024〕9号";
        await app.WalkAsync(takenBack, acquired.On("2024-03-01"));
        // Found vacant in February 2025 and back in use today: its status has changed since the year ended.
        var vacant = To("idle", "厂房空置");
        vacant["vacantSince"] = "2025-01-01";
        await app.WalkAsync(movedSince, vacant.On("2025-02-01"), To("in_use", "恢复生产"));

        var run = await EvaluateAsync(zone);
        Assert.Equal("succeeded", (string)run["status"]!);
        var results = await ResultsAsync(zone);
        var lowMu = (double)results[low]["landMu"]!;
        var parcelMu = (double)(await (await app.Client.GetAsync($"/api/parcels/{lowLand}")).JsonAsync())["properties"]!["areaMu"]!;
        // Its own two parcels held at the end of 2024; not the one taken back.
        Assert.Equal(2 * parcelMu, lowMu, 2);
        Assert.True((bool)results[low]["lowEfficiency"]!);
        Assert.Equal("low_efficiency", await StatusAsync(lowLand));
        Assert.Equal("raw_land", await StatusAsync(takenBack));
        Assert.Equal("in_use", await StatusAsync(movedSince));
        Assert.Equal("in_use", await StatusAsync(goodLand));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/parcels/{takenBack}/supply")).StatusCode);
        Assert.Null((await (await app.Client.GetAsync($"/api/parcels/{takenBack}/card")).JsonAsync())["holder"]);

        // Revitalized today with a new partner; the nightly re-grade of 2024 must not put it back.
        var revitalizing = To("revitalizing", "合作开发");
        revitalizing["method"] = "cooperative_development";
        var revitalized = To("revitalized", "合作开发完成");
        revitalized["method"] = "cooperative_development";
        await app.WalkAsync(lowLand, revitalizing, revitalized);
        var again = await EvaluateAsync(zone);
        Assert.Equal(0, (int)again["counts"]!["parcelsMarked"]!);
        Assert.Equal("revitalized", await StatusAsync(lowLand));
    }

    [Fact]
    public async Task Land_taken_back_from_supplied_has_no_holder_and_does_not_count_for_the_old_one()
    {
        var zone = await app.ZoneAsync();
        var holder = await EnterpriseAsync(zone, "华瑞");
        await FiguresAsync(holder, 300);
        var kept = await HeldAsync(zone, holder);
        var feature = Feature(Rectangle(119.2, 33.7, 120, 111.2), zone, status: "clean_land");
        feature["properties"]!["effectiveDate"] = "2020-01-01";
        var id = (long)(await app.CreateParcelAsync(feature))["id"]!;
        var back = To("clean_land", "解除出让合同，收回土地");
        back["approvalRef"] = "涟自然资〔2024〕21号";
        await app.WalkAsync(id, SuppliedTo(holder, "2022-05-01").On("2022-05-01"), back.On("2024-02-01"));

        Assert.Null(await app.ScalarAsync<long?>("SELECT supply_id FROM parcel WHERE id = @id", new { id }));
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync($"/api/parcels/{id}/supply")).StatusCode);
        // The history keeps the old record: as of 2023 the parcel pointed at it.
        Assert.NotNull(await app.ScalarAsync<long?>(
            "SELECT supply_id FROM parcel_history WHERE parcel_id = @id AND 'supply_id' = ANY(changed) AND supply_id IS NOT NULL", new { id }));
        Assert.Equal("succeeded", (string)(await EvaluateAsync(zone))["status"]!);
        var keptMu = (double)(await (await app.Client.GetAsync($"/api/parcels/{kept}")).JsonAsync())["properties"]!["areaMu"]!;
        Assert.Equal(keptMu, (double)(await ResultsAsync(zone))[holder]["landMu"]!, 2);
    }

    static JsonObject Rents(long parcel, double? share = null, double? floorAreaM2 = null) =>
        new() { ["parcelId"] = parcel, ["share"] = share, ["floorAreaM2"] = floorAreaM2 };

    [Fact]
    public async Task Tenants_without_land_are_graded_with_the_holder_they_rent_most_from_and_land_nobody_holds_counts_for_its_tenants()
    {
        var zone = await app.ZoneAsync();
        var free = await ParcelAsync(zone, null, registeredM2: 10_000); // 15 mu nobody holds
        // H2's credit code sorts before H1's: a tenant renting as much from each is graded with H2.
        var h2 = await EnterpriseAsync(zone, "华瑞");
        var h1 = await EnterpriseAsync(zone, "恒通", tenancies: [Rents(free, share: 0.25)]);
        var p1 = await HeldAsync(zone, h1, registeredM2: 20_000);     // 30 mu on the title
        var p2 = await HeldAsync(zone, h1);                           // about 20 mu drawn, no title area
        var p3 = await HeldAsync(zone, h2, registeredM2: 16_000);     // 24 mu
        var drawnMu = (double)(await (await app.Client.GetAsync($"/api/parcels/{p2}")).JsonAsync())["properties"]!["areaMu"]!;
        var tied = await EnterpriseAsync(zone, "租户甲", tenancies: [Rents(p1, share: 0.2), Rents(p3, share: 0.25)]);  // 6 mu of each
        var floorLarge = await EnterpriseAsync(zone, "租户乙", tenancies: [Rents(p1, floorAreaM2: 300)]);
        var floorSmall = await EnterpriseAsync(zone, "租户丙", tenancies: [Rents(p1, floorAreaM2: 100)]);
        var onFree = await EnterpriseAsync(zone, "租户丁", tenancies: [Rents(free, share: 0.5)]);
        var both = await EnterpriseAsync(zone, "租户戊", tenancies: [Rents(p2, share: 0.1), Rents(free, share: 0.2)]);
        foreach (var (code, tax) in new[] { (h1, 300d), (h2, 200d), (tied, 40d), (floorLarge, 30d), (floorSmall, 10d), (onFree, 90d), (both, 20d) })
            await FiguresAsync(code, tax);
        var ran = await EvaluateAsync(zone);
        Assert.True((string)ran["status"]! == "succeeded", ran.ToJsonString());
        var results = await ResultsAsync(zone);

        // Tenants renting only from holders take their holder's class; their land is what they rent.
        foreach (var (tenant, holder, mu) in new[] { (tied, h2, 12d), (floorLarge, h1, 22.5), (floorSmall, h1, 7.5) })
        {
            Assert.Equal(holder, (string?)results[tenant]["holderCode"]);
            Assert.Equal((string)results[holder]["class"]!, (string)results[tenant]["class"]!);
            Assert.Equal(mu, (double)results[tenant]["landMu"]!, 3);
            Assert.Null(results[tenant]["rank"]);
        }
        // The holders' figures include their merged tenants'; their land, their parcels and their share of land nobody holds.
        Assert.Equal(300 + 30 + 10, (double)results[h1]["taxWan"]!, 2);
        Assert.Equal(200 + 40, (double)results[h2]["taxWan"]!, 2);
        Assert.Equal(30 + drawnMu + 15 * 0.25, (double)results[h1]["landMu"]!, 3);
        Assert.Equal(24, (double)results[h2]["landMu"]!, 3);
        Assert.Equal("mixed", (string)results[h1]["landBasis"]!);
        Assert.Equal("registered", (string)results[h2]["landBasis"]!);
        // A tenant of land nobody holds is graded on its own, on its share of that land only.
        Assert.Null(results[onFree]["holderCode"]);
        Assert.Equal(7.5, (double)results[onFree]["landMu"]!, 3);
        Assert.Equal(90, (double)results[onFree]["taxWan"]!, 2);
        Assert.Equal("registered", (string)results[onFree]["landBasis"]!);
        Assert.Null(results[both]["holderCode"]);
        Assert.Equal(3, (double)results[both]["landMu"]!, 3);
        Assert.Equal("mixed", (string)results[both]["landBasis"]!);
        Assert.Equal(4, results.Values.Count(r => r["rank"] is not null));
        Assert.Equal(7, results.Count);
    }

    [Fact]
    public async Task Per_mu_figures_divide_by_the_title_area_unless_the_zone_says_drawn_and_the_result_says_which()
    {
        var zone = await app.ZoneAsync();
        var titled = await EnterpriseAsync(zone, "苏淮");
        var drawn = await EnterpriseAsync(zone, "鼎新");
        await FiguresAsync(titled, 250);
        await FiguresAsync(drawn, 250);
        await HeldAsync(zone, titled, registeredM2: 20_000);   // 30 mu on the title, about 20 drawn
        await HeldAsync(zone, drawn);
        Assert.Equal("succeeded", (string)(await EvaluateAsync(zone))["status"]!);
        var results = await ResultsAsync(zone);
        Assert.Equal(30, (double)results[titled]["landMu"]!, 3);
        Assert.Equal("registered", (string)results[titled]["landBasis"]!);
        Assert.Equal("drawn", (string)results[drawn]["landBasis"]!);

        var read = await app.Client.GetAsync($"/api/zones/{zone}");
        Assert.Equal("registered", (string)(await read.JsonAsync())["perMuAreaBasis"]!);
        var bad = await app.SendAsync(HttpMethod.Patch, $"/api/zones/{zone}", """{"perMuAreaBasis":"surveyed"}""", "application/json",
            read.Headers.ETag!.ToString());
        await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "perMuAreaBasis");
        var change = await app.SendAsync(HttpMethod.Patch, $"/api/zones/{zone}", """{"perMuAreaBasis":"drawn"}""", "application/json",
            read.Headers.ETag!.ToString());
        Assert.True(change.IsSuccessStatusCode, await change.Content.ReadAsStringAsync());
        Assert.Equal("succeeded", (string)(await EvaluateAsync(zone))["status"]!);
        var redone = (await ResultsAsync(zone))[titled];
        Assert.Equal("drawn", (string)redone["landBasis"]!);
        Assert.InRange((double)redone["landMu"]!, 19.5, 20.5);
    }

    [Fact]
    public async Task The_summary_gives_sum_of_tax_over_sum_of_mu_of_the_ranked_and_counts_the_unranked_apart()
    {
        var zone = await app.ZoneAsync();
        await SchemeAsync(zone);
        var codes = new List<string>();
        foreach (var (name, tax) in new[] { ("瑞丰", 600d), ("天润", 300d), ("汇通", 60d) })
        {
            var code = await EnterpriseAsync(zone, name);
            await FiguresAsync(code, tax);
            await HeldAsync(zone, code, registeredM2: tax > 500 ? 40_000 : null);
            codes.Add(code);
        }
        var utility = await EnterpriseAsync(zone, "自来水厂", utility: true);
        await HeldAsync(zone, utility);
        Assert.Equal("succeeded", (string)(await EvaluateAsync(zone))["status"]!);

        var results = await ResultsAsync(zone);
        var ranked = results.Values.Where(r => r["rank"] is not null).ToList();
        Assert.Equal(3, ranked.Count);
        var expected = ranked.Sum(r => (double)r["taxWan"]!) / ranked.Sum(r => (double)r["landMu"]!);
        var summary = await (await app.Client.GetAsync($"/api/evaluation/summary?zone={zone}&year=2024")).JsonAsync();
        var whole = summary["zone"]!;
        Assert.Equal(expected, (double)whole["taxPerMu"]!, 3);
        // Not the mean of ratios, and no zero for the unranked utility.
        Assert.Equal(ranked.Average(r => (double)r["taxPerMu"]!), (double)whole["meanTaxPerMu"]!, 3);
        Assert.NotEqual((double)whole["meanTaxPerMu"]!, (double)whole["taxPerMu"]!, 2);
        Assert.Equal(3, (int)whole["ranked"]!);
        Assert.Equal(1, (int)whole["unranked"]!);
        Assert.Equal(1, (int)whole["unrankedReasons"]!["a utility"]!);
        Assert.Equal(20, (double)whole["referenceTaxPerMuWan"]!);
        Assert.Equal(expected - 20, (double)whole["gapToReferenceWan"]!, 3);
        Assert.Equal(expected, (double)summary["parks"]![0]!["taxPerMu"]!, 3);
    }
}
