using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Lifecycle;

namespace LandRegister.Tests.Statistics;

/// <summary>The figures of the yearly report: parcels by status and use per park, land revitalized per year and method.</summary>
public sealed class StatisticsTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static JsonObject Tally(JsonNode group, string list, string key) =>
        group[list]!.AsArray().Single(t => (string)t!["key"]! == key)!.AsObject();

    async Task<(string Zone, string Park, long Revitalized)> ZoneAsync()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        await app.CreateParcelAsync(Feature(Rectangle(119.300, 33.80, 100, 100), zone, park: park));
        await app.CreateParcelAsync(Feature(Rectangle(119.302, 33.80, 100, 100), zone, park: park));
        await app.CreateParcelAsync(Feature(Rectangle(119.304, 33.80, 100, 100), zone, status: "raw_land", plannedUse: "0901"));
        var used = Feature(Rectangle(119.306, 33.80, 200, 100), zone, status: "in_use", park: park);
        used["properties"]!["effectiveDate"] = "2024-05-01";
        var id = (long)(await app.CreateParcelAsync(used))["id"]!;
        var upgrade = To("revitalizing", "技改扩能");
        upgrade["method"] = "technical_upgrade";
        var done = To("revitalized", "技改完成");
        done["method"] = "technical_upgrade";
        await app.WalkAsync(id, upgrade.On("2025-03-01"), done.On("2025-09-01"));
        return (zone, park, id);
    }

    [Fact]
    public async Task Parcels_are_counted_by_status_and_use_per_park_and_for_the_zone_with_their_areas()
    {
        var (zone, park, _) = await ZoneAsync();
        var stats = await (await app.Client.GetAsync($"/api/statistics/parcels?zone={zone}")).JsonAsync();
        var all = stats["zone"]!;
        Assert.Equal(4, (int)all["count"]!);
        var mu = await app.ScalarAsync<double>("SELECT sum(area_m2) * 0.0015 FROM parcel WHERE zone_code = @zone", new { zone });
        Assert.Equal(mu, (double)all["areaMu"]!, 3);
        Assert.Equal(2, (int)Tally(all, "byStatus", "clean_land")["count"]!);
        Assert.Equal(1, (int)Tally(all, "byStatus", "revitalized")["count"]!);
        var industrial = Tally(all, "byPlannedUse", "1001");
        Assert.Equal(3, (int)industrial["count"]!);
        Assert.Equal("工业用地", (string)industrial["name"]!);
        Assert.Equal(1, (int)Tally(all, "byPlannedUse", "0901")["count"]!);

        var parks = stats["parks"]!.AsArray();
        Assert.Equal(3, (int)parks.Single(p => (string)p!["parkCode"]! == park)!["count"]!);
        Assert.Equal(1, (int)parks.Single(p => (string)p!["parkCode"]! == "none")!["count"]!);
        Assert.Equal((double)all["areaMu"]!, parks.Sum(p => (double)p!["areaMu"]!), 3);

        // As the zone stood at the start of 2025: the revitalized land was still in use.
        var then = await (await app.Client.GetAsync($"/api/statistics/parcels?zone={zone}&asOf=2025-01-01T00:00:00Z")).JsonAsync();
        Assert.Equal(1, (int)Tally(then["zone"]!, "byStatus", "in_use")["count"]!);
        Assert.DoesNotContain(then["zone"]!["byStatus"]!.AsArray(), t => (string)t!["key"]! == "revitalized");
        var onePark = await (await app.Client.GetAsync($"/api/statistics/parcels?zone={zone}&park={park}")).JsonAsync();
        Assert.Equal(3, (int)onePark["zone"]!["count"]!);
    }

    [Fact]
    public async Task Revitalized_land_is_counted_per_year_and_method()
    {
        var (zone, _, id) = await ZoneAsync();
        var stats = await (await app.Client.GetAsync($"/api/statistics/revitalized?zone={zone}")).JsonAsync();
        var year = stats["years"]!.AsArray().Single()!;
        Assert.Equal(2025, (int)year["year"]!);
        var method = Tally(year, "byMethod", "technical_upgrade");
        Assert.Equal(1, (int)method["count"]!);
        Assert.Equal("技改扩能", (string)method["name"]!);
        var mu = await app.ScalarAsync<double>("SELECT area_m2 * 0.0015 FROM parcel WHERE id = @id", new { id });
        Assert.Equal(mu, (double)method["areaMu"]!, 3);
        Assert.Empty((await (await app.Client.GetAsync($"/api/statistics/revitalized?zone={zone}&year=2024")).JsonAsync())["years"]!.AsArray());
    }

    [Fact]
    public async Task Underused_land_is_counted_as_it_stood_at_a_past_instant()
    {
        var zone = await app.ZoneAsync();
        var used = Feature(Rectangle(119.310, 33.80, 100, 100), zone, status: "in_use");
        used["properties"]!["effectiveDate"] = "2024-05-01";
        var id = (long)(await app.CreateParcelAsync(used))["id"]!;
        var designation = To("low_efficiency", "停产一年以上");
        designation["basis"] = "production_stopped";
        designation["evidenceRef"] = "涟开管〔2025〕12号";
        await app.WalkAsync(id, designation.On("2025-06-01"));

        var now = await (await app.Client.GetAsync($"/api/statistics/underused?zone={zone}")).JsonAsync();
        Assert.Equal(1, (int)now["lowEfficiency"]!["count"]!);
        Assert.Equal("manual", (string)now["lowEfficiency"]!["byReason"]![0]!["key"]!);
        var before = await (await app.Client.GetAsync($"/api/statistics/underused?zone={zone}&asOf=2025-05-31T00:00:00Z")).JsonAsync();
        Assert.Equal(0, (int)before["lowEfficiency"]!["count"]!);
        Assert.Equal("2025-05-31T00:00:00+00:00", (string)before["asOf"]!);
        var after = await (await app.Client.GetAsync($"/api/statistics/underused?zone={zone}&asOf=2025-07-01T00:00:00Z")).JsonAsync();
        Assert.Equal(1, (int)after["lowEfficiency"]!["count"]!);
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync($"/api/statistics/underused?zone={zone}&asOf=2999-01-01T00:00:00Z"),
            HttpStatusCode.UnprocessableEntity, "asOf");
    }

    [Fact]
    public async Task Every_reading_role_gets_the_figures_of_its_zones_only()
    {
        var (zone, _, _) = await ZoneAsync();
        var other = await app.ZoneAsync();
        var viewer = await app.ClientForAsync("viewer", zone);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/statistics/parcels")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/api/statistics/parcels?zone={other}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync($"/api/statistics/revitalized?zone={zone}&year=1900"),
            HttpStatusCode.UnprocessableEntity, "year");
    }
}

/// <summary>The demo zone's low-efficiency and idle land, as the report's inventory.</summary>
public sealed class UnderusedStatisticsTests(LandRegister.Tests.Demo.DemoApp app) : IClassFixture<LandRegister.Tests.Demo.DemoApp>
{
    [Fact]
    public async Task Low_efficiency_and_idle_land_are_counted_by_reason_with_fees_and_land_that_can_be_taken_back()
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(120); await Task.Delay(250))
            if (await app.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM idle_current WHERE zone_code = 'LSKFQ')")) break;
        var stats = await (await app.Client.GetAsync("/api/statistics/underused?zone=LSKFQ")).JsonAsync();

        var low = stats["lowEfficiency"]!;
        Assert.Equal(await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'LSKFQ' AND status = 'low_efficiency' AND retired_at IS NULL"),
            (long)low["count"]!);
        Assert.Equal((int)low["count"]!, low["byReason"]!.AsArray().Sum(r => (int)r!["count"]!));

        var idle = stats["idle"]!;
        await using var conn = await app.OpenAsync();
        var (count, fees, reclaimable) = await Dapper.SqlMapper.QuerySingleAsync<(long, decimal, long)>(conn, """
            SELECT count(*), coalesce(sum(f.fee_wan), 0), count(*) FILTER (WHERE f.reclaimable)
            FROM parcel p LEFT JOIN idle_current c ON c.zone_code = p.zone_code LEFT JOIN idle_finding f ON f.run_id = c.run_id AND f.parcel_id = p.id
            WHERE p.zone_code = 'LSKFQ' AND p.status = 'idle' AND p.retired_at IS NULL
            """);
        Assert.True(count >= 10);
        Assert.Equal(count, (long)idle["count"]!);
        Assert.Equal(fees, (decimal)idle["feesWan"]!);
        Assert.Equal(reclaimable, (long)idle["reclaimableCount"]!);
        Assert.All(idle["byReason"]!.AsArray(), r => Assert.Contains((string)r!["key"]!, new[] { "not_started", "stalled", "manual" }));

        // Fees are an enterprise's figure: a viewer sees the inventory without them.
        var viewer = await app.ClientForAsync("viewer");
        var seen = await (await viewer.GetAsync("/api/statistics/underused?zone=LSKFQ")).JsonAsync();
        Assert.Equal(count, (long)seen["idle"]!["count"]!);
        Assert.Null(seen["idle"]!["feesWan"]);
    }
}

/// <summary>The demo zone's rectification ledger in figures.</summary>
public sealed class LedgerStatisticsTests(LandRegister.Tests.Demo.DemoApp app) : IClassFixture<LandRegister.Tests.Demo.DemoApp>
{
    [Fact]
    public async Task Ledger_items_are_counted_by_status_and_category_with_those_overdue()
    {
        var stats = await (await app.Client.GetAsync("/api/statistics/ledger?zone=LSKFQ")).JsonAsync();
        await using var conn = await app.OpenAsync();
        var (items, overdue) = await Dapper.SqlMapper.QuerySingleAsync<(long, long)>(conn, """
            SELECT count(*), count(*) FILTER (WHERE deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date AND status NOT IN ('completed', 'closed'))
            FROM ledger_item WHERE zone_code = 'LSKFQ'
            """);
        Assert.True(items > 0);
        Assert.Equal(items, (long)stats["items"]!);
        Assert.Equal(overdue, (long)stats["overdue"]!);
        Assert.Equal(items, stats["byStatus"]!.AsArray().Sum(t => (long)t!["count"]!));
        Assert.Equal(overdue, stats["byCategory"]!.AsArray().Sum(t => (long)t!["overdue"]!));

        // Before the ledger was written there were no items; as of now, the same figures.
        var empty = await (await app.Client.GetAsync("/api/statistics/ledger?zone=LSKFQ&asOf=2000-01-01T00:00:00Z")).JsonAsync();
        Assert.Equal(0, (int)empty["items"]!);
        var latest = await Dapper.SqlMapper.ExecuteScalarAsync<DateTime>(conn, "SELECT max(valid_from) FROM ledger_item_history WHERE zone_code = 'LSKFQ'");
        var asNow = await (await app.Client.GetAsync(
            $"/api/statistics/ledger?zone=LSKFQ&asOf={latest.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.ffffff}Z")).JsonAsync();
        Assert.Equal(items, (long)asNow["items"]!);
        static string[] Counts(JsonNode list) => list.AsArray().Select(t => $"{t!["key"]}:{t["count"]}").ToArray();
        Assert.Equal(Counts(stats["byStatus"]!), Counts(asNow["byStatus"]!));

        var viewer = await app.ClientForAsync("viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/statistics/ledger?zone=LSKFQ")).StatusCode);
    }

    [Fact]
    public async Task The_items_that_name_a_parcel_are_listed_for_its_details_panel()
    {
        await using var conn = await app.OpenAsync();
        var parcel = await Dapper.SqlMapper.ExecuteScalarAsync<long>(conn,
            "SELECT p FROM ledger_item, unnest(parcel_ids) p WHERE zone_code = 'LSKFQ' GROUP BY p ORDER BY count(*) DESC, p LIMIT 1");
        var expected = (await Dapper.SqlMapper.QueryAsync<long>(conn,
            "SELECT id FROM ledger_item WHERE zone_code = 'LSKFQ' AND @parcel = ANY(parcel_ids) ORDER BY id", new { parcel })).ToList();
        Assert.NotEmpty(expected);
        var items = await (await app.Client.GetAsync($"/api/ledger/items?zone=LSKFQ&parcel={parcel}")).JsonAsync();
        Assert.Equal(expected, items["items"]!.AsArray().Select(i => (long)i!["id"]!).Order());
        Assert.All(items["items"]!.AsArray(), i => Assert.Contains(parcel, i!["parcelIds"]!.AsArray().Select(p => (long)p!)));
    }
}
