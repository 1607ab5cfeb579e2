using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Evaluation;

/// <summary>
/// The hand-checked zone of <see cref="ScoringTests"/>, built through the API: enterprises holding supplied parcels
/// (holders come from supply records), a tenant, a utility, a new producer, and the figures of 2023 and 2024. The
/// 2023 run makes R8 class D; the 2024 run grades everyone as worked out there and, R8 being D two years running,
/// turns its parcel low_efficiency, with a history entry whose actor is the run.
/// </summary>
public sealed class EvaluationApiTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static int serial;

    /// <summary>A valid credit code made from a serial number.</summary>
    static string Code(int n)
    {
        var first17 = $"91320826MA{n:D7}";
        return first17 + LandRegister.Api.Enterprises.CreditCode.CheckCharacter(first17);
    }

    /// <summary>A parcel of exactly <paramref name="mu"/> on the ground, in use, supplied to <paramref name="holder"/>.</summary>
    async Task<long> HoldingAsync(string zone, string park, string holder, double mu)
    {
        var x = 430000d + Interlocked.Increment(ref serial) * 900;
        // Gauss-Krüger lengths exceed ground lengths by 1 + d²/2R² at d metres from the central meridian (120°E at x = 500000).
        var side = Math.Sqrt(mu * 10000 / 15) * (1 + Math.Pow(500000 - x, 2) / (2 * 6_372_000d * 6_372_000d));
        var square = Polygon([x, 3741000], [x + side, 3741000], [x + side, 3741000 + side], [x, 3741000 + side], [x, 3741000]);
        var feature = Feature(square, zone, status: "clean_land", park: park);
        feature["properties"]!["effectiveDate"] = "2015-01-01";
        var id = (long)(await app.CreateParcelAsync(feature, "?crs=EPSG:4549"))["id"]!;
        // Held, built and in use years before the years evaluated.
        await app.WalkAsync(id, SuppliedTo(holder, "2016-03-01").On("2016-03-01"), To("under_construction").On("2016-06-01"), To("in_use").On("2017-06-01"));
        return id;
    }

    async Task EnterpriseAsync(string zone, string code, string name, bool aboveScale = true, bool utility = false, string? started = "2010-01-01",
        JsonArray? tenancies = null)
    {
        var response = await app.PostAsync("/api/enterprises", new JsonObject
        {
            ["creditCode"] = code, ["zoneCode"] = zone, ["name"] = name, ["aboveScale"] = aboveScale, ["utility"] = utility,
            ["productionStartedOn"] = started, ["industryCode"] = "C30", ["tenancies"] = tenancies,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    async Task FiguresAsync(string code, int year, double tax, double sales, double energy)
    {
        var response = await app.SendAsync(HttpMethod.Put, $"/api/enterprises/{code}/indicators/{year}",
            new JsonObject { ["taxWan"] = tax, ["salesWan"] = sales, ["energyTce"] = energy }.ToJsonString());
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_hand_checked_zone_is_graded_through_the_api_and_D_two_years_running_makes_the_land_low_efficiency()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        var units = new (string Name, double Mu, double[] Y2023, double[] Y2024)[]
        {
            ("R1", 20, [50, 1000, 500], [100, 1000, 500]), ("R2", 40, [100, 2000, 1000], [120, 2400, 800]),
            ("R3", 20, [30, 700, 350], [40, 700, 200]), ("R4", 30, [75, 1500, 750], [60, 1200, 600]),
            ("R5", 10, [25, 500, 250], [15, 400, 100]), ("R6", 20, [50, 1000, 500], [20, 600, 400]),
            ("R7", 50, [145, 2900, 1250], [40, 1500, 1000]), ("R8", 10, [5, 100, 250], [2, 60, 50]),
        };
        var codes = new Dictionary<string, string>();
        var parcels = new Dictionary<string, long>();
        var n = Random.Shared.Next(1_000_000, 9_000_000);
        foreach (var (name, mu, y2023, y2024) in units)
        {
            codes[name] = Code(n++);
            await EnterpriseAsync(zone, codes[name], name);
            parcels[name] = await HoldingAsync(zone, park, codes[name], mu);
            await FiguresAsync(codes[name], 2023, y2023[0], y2023[1], y2023[2]);
            await FiguresAsync(codes[name], 2024, y2024[0], y2024[1], y2024[2]);
        }
        // A tenant renting a quarter of R3's parcel, with no land of its own: its figures count with R3's.
        codes["TENANT"] = Code(n++);
        await EnterpriseAsync(zone, codes["TENANT"], "TENANT", tenancies: new JsonArray(new JsonObject { ["parcelId"] = parcels["R3"], ["share"] = 0.25 }));
        await FiguresAsync(codes["TENANT"], 2023, 20, 300, 150);
        await FiguresAsync(codes["TENANT"], 2024, 20, 200, 100);
        codes["T1"] = Code(n++);
        await EnterpriseAsync(zone, codes["T1"], "T1 water works", utility: true);
        await HoldingAsync(zone, park, codes["T1"], 15);
        await FiguresAsync(codes["T1"], 2024, 1, 10, 900);
        codes["T2"] = Code(n++);
        await EnterpriseAsync(zone, codes["T2"], "T2 new plant", started: "2023-03-01");
        await HoldingAsync(zone, park, codes["T2"], 12);
        await FiguresAsync(codes["T2"], 2024, 5, 50, 10);
        codes["OUT"] = Code(n++);
        await EnterpriseAsync(zone, codes["OUT"], "OUT small workshop", aboveScale: false);
        await HoldingAsync(zone, park, codes["OUT"], 2);
        await FiguresAsync(codes["OUT"], 2024, 1, 10, 5);

        var run2023 = await app.RunAsync("/api/evaluation/runs", new JsonObject { ["zone"] = zone, ["year"] = 2023 });
        Assert.Equal("succeeded", (string)run2023["status"]!);
        var d2023 = await (await app.Client.GetAsync($"/api/evaluation/results?zone={zone}&year=2023&class=D")).JsonAsync();
        Assert.Equal([codes["R8"]], d2023["items"]!.AsArray().Select(i => (string)i!["creditCode"]!));
        Assert.Equal("in_use", await app.ScalarAsync<string>("SELECT status FROM parcel WHERE id = @id", new { id = parcels["R8"] }));

        var run = await app.RunAsync("/api/evaluation/runs", new JsonObject { ["zone"] = zone, ["year"] = 2024 });
        Assert.Equal("succeeded", (string)run["status"]!);
        Assert.Equal(1, (int)run["counts"]!["lowEfficiency"]!);
        var results = (await (await app.Client.GetAsync($"/api/evaluation/results?zone={zone}&year=2024&limit=100")).JsonAsync())["items"]!.AsArray()
            .ToDictionary(r => (string)r!["creditCode"]!, r => r!.AsObject());
        var expected = new (string Name, double Score, int Rank, string Class)[]
        {
            ("R1", 82.5, 1, "A"), ("R2", 63, 2, "B"), ("R3", 62.75, 3, "B"), ("R5", 42.5, 4, "B"),
            ("R4", 42, 5, "C"), ("R6", 24.5, 6, "C"), ("R7", 21.7, 7, "C"), ("R8", 7.9, 8, "D"),
        };
        foreach (var (name, score, rank, cls) in expected)
        {
            var result = results[codes[name]];
            Assert.Equal(score, (double)result["score"]!, 2);
            Assert.Equal(rank, (int)result["rank"]!);
            Assert.Equal(cls, (string)result["class"]!);
        }
        // Each indicator of a ranked unit: its value, the benchmark (twice last year's zone average) and the points, which
        // add up to the score. R1: 100 万元 of tax on 20 mu.
        var indicators = results[codes["R1"]]["indicators"]!.AsObject();
        Assert.Equal(["sales_per_mu", "tax_per_energy", "tax_per_mu"], indicators.Select(i => i.Key).Order());
        Assert.All(indicators, i => Assert.Equal(["benchmark", "points", "value"], i.Value!.AsObject().Select(m => m.Key).Order()));
        Assert.Equal((5.0, 5.0), ((double)indicators["tax_per_mu"]!["value"]!, (double)indicators["tax_per_mu"]!["benchmark"]!));
        Assert.Equal(82.5, indicators.Sum(i => (double)i.Value!["points"]!), 3);
        Assert.Empty(results[codes["T1"]]["indicators"]!.AsObject());
        Assert.Equal("B", (string)results[codes["TENANT"]]["class"]!);
        Assert.Equal(codes["R3"], (string)results[codes["TENANT"]]["holderCode"]!);
        Assert.Equal("T", (string)results[codes["T1"]]["class"]!);
        Assert.Equal("T", (string)results[codes["T2"]]["class"]!);
        Assert.False(results.ContainsKey(codes["OUT"]));
        Assert.True((bool)results[codes["R8"]]["lowEfficiency"]!);

        Assert.Equal("low_efficiency", await app.ScalarAsync<string>("SELECT status FROM parcel WHERE id = @id", new { id = parcels["R8"] }));
        var last = (await (await app.Client.GetAsync($"/api/parcels/{parcels["R8"]}/history")).JsonAsync())["entries"]!.AsArray()[^1]!;
        Assert.Equal($"evaluation-run-{(long)run["id"]!}", (string)last["actor"]!);
        Assert.Equal("evaluation", (string)last["kind"]!);
        Assert.Equal("in_use", (string)last["changes"]!["status"]!["before"]!);

        var summaryText = await app.Client.GetStringAsync($"/api/evaluation/summary?zone={zone}&year=2024");
        // Per-mu figures print one way: at most 4 decimals and no trailing zeros (14.5, never 14.5000).
        Assert.DoesNotMatch(@"TaxPerMu"":-?\d+\.\d*0[,}]", summaryText);
        Assert.Matches(@"TaxPerMu"":-?\d+(\.\d{1,4})?[,}]", summaryText);
        var summary = JsonNode.Parse(summaryText)!.AsObject();
        var parkSummary = summary["parks"]!.AsArray().Single()!;
        Assert.Equal(1, (int)parkSummary["classes"]!["A"]!);
        Assert.Equal(4, (int)parkSummary["classes"]!["B"]!); // R2, R3, R5 and the tenant
        Assert.Equal(5.0, (double)parkSummary["benchmarkTaxPerMu"]!, 3);

        // Again, on the same data: the same grades, and no parcel changes.
        var history = await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE zone_code = @zone", new { zone });
        var again = await app.RunAsync("/api/evaluation/runs", new JsonObject { ["zone"] = zone, ["year"] = 2024 });
        Assert.Equal(0, (int)again["counts"]!["parcelsMarked"]!);
        Assert.Equal(history, await app.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE zone_code = @zone", new { zone }));
        Assert.Equal(0, await app.ScalarAsync<long>("""
            SELECT count(*) FROM (
                (SELECT credit_code, score, rank, class, low_efficiency, indicator_values, indicator_points FROM evaluation_result WHERE run_id = @a
                 EXCEPT SELECT credit_code, score, rank, class, low_efficiency, indicator_values, indicator_points FROM evaluation_result WHERE run_id = @b)
                UNION ALL
                (SELECT credit_code, score, rank, class, low_efficiency, indicator_values, indicator_points FROM evaluation_result WHERE run_id = @b
                 EXCEPT SELECT credit_code, score, rank, class, low_efficiency, indicator_values, indicator_points FROM evaluation_result WHERE run_id = @a)) difference
            """, new { a = (long)run["id"]!, b = (long)again["id"]! }));
        Assert.Equal(0, await app.ScalarAsync<long>("""
            SELECT count(*) FROM (
                (SELECT ordinal, indicator, benchmark FROM evaluation_benchmark WHERE run_id = @a
                 EXCEPT SELECT ordinal, indicator, benchmark FROM evaluation_benchmark WHERE run_id = @b)
                UNION ALL
                (SELECT ordinal, indicator, benchmark FROM evaluation_benchmark WHERE run_id = @b
                 EXCEPT SELECT ordinal, indicator, benchmark FROM evaluation_benchmark WHERE run_id = @a)) difference
            """, new { a = (long)run["id"]!, b = (long)again["id"]! }));
    }

    [Fact]
    public async Task Results_are_refused_to_roles_not_cleared_for_enterprise_figures()
    {
        var promoter = await app.ClientForAsync("promoter");
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync("/api/evaluation/results?zone=X&year=2024")).StatusCode);
        var viewer = await app.ClientForAsync("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/enterprises")).StatusCode);
    }
}
