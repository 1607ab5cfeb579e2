using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Demo;

public sealed class DemoApp : RegisterApp
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["LandRegister:LoadDemo"] = "true" };
}

/// <summary>The demo zone that <c>make run</c> loads: Lianshui's four parks, a few hundred parcels, three reserves.</summary>
public sealed class DemoDataTests(DemoApp app) : IClassFixture<DemoApp>
{
    [Fact]
    public async Task The_demo_parcels_are_served_by_the_api()
    {
        var response = await app.Client.GetAsync("/api/parcels?limit=5");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.JsonAsync();
        Assert.Equal(5, (int)page["numberReturned"]!);
        Assert.InRange((int)page["numberMatched"]!, 200, 400);
        Assert.Equal("LSKFQ", (string)page["features"]![0]!["properties"]!["zoneCode"]!);
    }

    [Fact]
    public async Task The_demo_zone_has_four_parks_and_every_status()
    {
        await using var conn = await app.OpenAsync();
        Assert.Equal(["LS-AIR", "LS-CORE", "LS-FOOD", "LS-NM"], await conn.QueryAsync<string>("SELECT code FROM park ORDER BY code"));
        var statuses = (await conn.QueryAsync<string>("SELECT DISTINCT status FROM parcel")).ToHashSet();
        Assert.Equal(9, statuses.Count);
        Assert.True(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM parcel WHERE status = 'raw_land'") >= 5);
        Assert.True(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM parcel WHERE actual_use <> planned_use") >= 3);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM parcel p JOIN park k ON k.code = p.park_code WHERE NOT ST_Within(p.geom, k.boundary)"));
    }

    [Fact]
    public async Task The_demo_zone_has_three_contiguous_clean_industrial_blocks_of_500_mu_one_of_679()
    {
        await using var conn = await app.OpenAsync();
        var blocks = (await conn.QueryAsync<double>("""
            WITH c AS (
                SELECT area_m2, ST_ClusterDBSCAN(geom, 0, 1) OVER () AS block
                FROM parcel WHERE status = 'clean_land' AND planned_use LIKE '1001%')
            SELECT sum(area_m2) * 0.0015 FROM c GROUP BY block HAVING count(*) > 1 AND sum(area_m2) * 0.0015 >= 500
            ORDER BY 1 DESC
            """)).ToList();
        Assert.Equal(3, blocks.Count);
        Assert.Equal(679, blocks[0], 0.5);
    }

    [Fact]
    public async Task The_three_demo_blocks_show_up_in_the_reserves_the_target_and_the_available_land_search()
    {
        var blocks = (await (await app.Client.GetAsync("/api/reserves")).JsonAsync())["features"]!.AsArray();
        Assert.Equal(3, blocks.Count);
        Assert.Equal(679, (double)blocks[0]!["properties"]!["areaMu"]!, 0);
        Assert.All(blocks, b => Assert.True((int)b!["properties"]!["parcelCount"]! > 1));

        var target = await (await app.Client.GetAsync($"/api/reserves/target?zone={Api.Demo.DemoData.ZoneCode}")).JsonAsync();
        Assert.True((bool)target["met"]!);
        Assert.Equal(3, target["blocks"]!.AsArray().Count);
        // Loaded today, the demo's land has stood since 2018: the 2024 target was met then, by valid time…
        var y2024 = await (await app.Client.GetAsync($"/api/reserves/target?zone={Api.Demo.DemoData.ZoneCode}&year=2024")).JsonAsync();
        Assert.True((bool)y2024["met"]!, y2024.ToJsonString());
        // …while the register, as it stood before the load, had recorded nothing.
        var loadedAt = await app.ScalarAsync<DateTime>("SELECT min(loaded_at) FROM demo_load");
        var before = Uri.EscapeDataString(new DateTimeOffset(loadedAt.AddMinutes(-1), TimeSpan.Zero).ToString("O"));
        var recorded = await (await app.Client.GetAsync($"/api/reserves/target?zone={Api.Demo.DemoData.ZoneCode}&year=2024&recordedAsOf={before}")).JsonAsync();
        Assert.False((bool)recorded["met"]!);
        Assert.Equal(0, (long)recorded["parcelsKnown"]!);

        var available = (await (await app.Client.GetAsync("/api/available-land?minAreaMu=500&includePremises=true&minFloorAreaM2=5000")).JsonAsync())["features"]!.AsArray();
        var found = available.Where(f => (string)f!["properties"]!["kind"]! == "block").Select(f => (string)f!["properties"]!["parcelCodes"]![0]!).ToHashSet();
        Assert.Equal(blocks.Select(b => (string)b!["properties"]!["parcelCodes"]![0]!).ToHashSet(), found);
        Assert.Contains(available, f => (string)f!["properties"]!["kind"]! == "premises");
    }

    [Fact]
    public async Task The_demo_zone_has_factory_buildings_of_its_platform_company_standing_empty()
    {
        await using var conn = await app.OpenAsync();
        var vacancies = (await conn.QueryAsync<string>("SELECT DISTINCT vacancy FROM premises WHERE owner_kind = 'platform_company'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "vacant", "partly_leased", "leased" }, vacancies);
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM premises pr JOIN parcel p ON p.id = pr.parcel_id
            WHERE ST_Area(ST_Intersection(pr.footprint, p.geom)) < 0.99 * ST_Area(pr.footprint)
            """));
    }

    [Fact]
    public async Task The_demo_is_generated_the_same_way_every_time()
    {
        var again = await TestDatabase.CreateAsync();
        try
        {
            await using (var db = Npgsql.NpgsqlDataSource.Create(again))
                await LandRegister.Api.Demo.DemoData.LoadAsync(db, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            const string fingerprint = """
                SELECT md5(string_agg(p.code || h.status || coalesce(p.planned_use, '') || ST_AsText(p.geom, 7), ',' ORDER BY p.code))
                FROM parcel p JOIN parcel_history h ON h.parcel_id = p.id AND h.version = 1 -- as loaded, before the runs at start-up
                UNION ALL
                SELECT md5(string_agg(code || vacancy || floor_area_m2 || ST_AsText(footprint, 7), ',' ORDER BY code)) FROM premises
                """;
            await using var conn = new Npgsql.NpgsqlConnection(again);
            await using var first = await app.OpenAsync();
            Assert.Equal(await first.QueryAsync<string>(fingerprint), await conn.QueryAsync<string>(fingerprint));
        }
        finally
        {
            await TestDatabase.DropAsync(again);
        }
    }

    [Fact]
    public async Task Every_supplied_parcel_has_a_holder_with_figures_and_the_evaluation_keeps_the_low_efficiency_land()
    {
        await using var conn = await app.OpenAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM parcel p LEFT JOIN parcel_supply s ON s.id = p.supply_id LEFT JOIN enterprise e ON e.credit_code = s.recipient_credit_code
            WHERE p.zone_code = 'LSKFQ' AND p.status NOT IN ('raw_land', 'clean_land') AND e.credit_code IS NULL
            """));
        var before = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'LSKFQ' AND status = 'low_efficiency'");
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(180); await Task.Delay(250))
            if (await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = 'LSKFQ' AND year = 2025)")) break;
        var results = await (await app.Client.GetAsync("/api/evaluation/results?zone=LSKFQ&year=2025&limit=1000")).JsonAsync();
        Assert.True((int)results["numberMatched"]! >= 100, results.ToJsonString()[..Math.Min(400, results.ToJsonString().Length)]);
        Assert.Equal(14, before);
        Assert.Equal(before, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'LSKFQ' AND status = 'low_efficiency'"));
    }

    [Fact]
    public async Task The_idle_land_rule_has_run_on_the_demo_zone_at_start_up_and_lists_its_idle_land()
    {
        JsonObject findings;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            var response = await app.Client.GetAsync("/api/idle-land/findings?zone=LSKFQ");
            findings = await response.JsonAsync();
            if (response.IsSuccessStatusCode || waited.Elapsed > TimeSpan.FromSeconds(120)) break;
        }
        var items = findings["items"]?.AsArray();
        Assert.True(items is { Count: >= 10 }, findings.ToJsonString()[..Math.Min(400, findings.ToJsonString().Length)]);
    }

    [Fact]
    public async Task The_demo_ledgers_hold_both_reports_with_targets_the_register_measures()
    {
        var sources = (await (await app.Client.GetAsync("/api/ledger/sources")).JsonAsync())["items"]!.AsArray();
        Assert.Equal(["LSKFQ", "YZJK"], sources.Select(s => (string)s!["zoneCode"]!).Order());

        var page = await (await app.Client.GetAsync("/api/ledger/items?zone=LSKFQ&limit=100")).JsonAsync();
        var items = page["items"]!.AsArray().ToDictionary(i => (string)i!["number"]!, i => i!);
        Assert.Equal(26, items.Count);
        var section6 = items["6"]["targets"]![0]!;
        Assert.Equal(("parcels_in_status", 6.0, 9.0, false),
            ((string)section6["kind"]!, (double)section6["value"]!, (double)section6["of"]!, (bool)section6["met"]!));
        Assert.Equal((8.0, 12.0), ((double)items["2-(2)"]["targets"]![0]!["value"]!, (double)items["2-(2)"]["targets"]![0]!["of"]!));
        Assert.True((bool)items["1"]["targets"]![0]!["met"]!, items["1"].ToJsonString());
        // Marked completed in the report, while the register still holds land used otherwise than planned.
        Assert.Equal("completed", (string)items["5-(1)"]["status"]!);
        Assert.True((bool)items["5-(1)"]["inconsistent"]!);
        Assert.True((bool)items["6"]["overdue"]!);

        var yongzhou = await (await app.Client.GetAsync("/api/ledger/items?zone=YZJK&limit=100")).JsonAsync();
        var statuses = yongzhou["items"]!.AsArray().GroupBy(i => (string)i!["status"]!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(26, statuses.Values.Sum());
        Assert.Equal(10, statuses["completed"]);
        Assert.Equal(16, statuses["phase_completed"]);
    }

    [Fact]
    public async Task The_demo_platform_company_has_leases_four_lessees_in_arrears_and_a_school_in_an_industrial_building()
    {
        var arrears = await (await app.Client.GetAsync("/api/leases/arrears?zone=LSKFQ")).JsonAsync();
        Assert.Equal(4, arrears["lessees"]!.AsArray().Count);
        Assert.True((double)arrears["total"]!["over365"]! > 0, arrears.ToJsonString());
        await using var conn = await app.OpenAsync();
        Assert.Equal(300000m, await conn.ExecuteScalarAsync<decimal>("SELECT amount_yuan FROM rent_payment WHERE reference = 'DEMO-RECOVERED-300000'"));
        Assert.Equal(["call", "call", "lawsuit", "lawyers_letter", "letter", "letter", "letter", "visit"],
            await conn.QueryAsync<string>("SELECT kind FROM lease_collection ORDER BY kind"));
        var school = (await (await app.Client.GetAsync("/api/leases?zone=LSKFQ&useMismatch=true")).JsonAsync())["items"]!.AsArray();
        Assert.Equal("0804", (string)Assert.Single(school)!["useCode"]!);
        // Vacancy follows the leases: no leased building has more free floor area than its leases leave.
        Assert.Equal(0, await conn.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM premises pr JOIN (SELECT premises_id, sum(area_m2) AS leased FROM lease WHERE status = 'active' GROUP BY 1) l
                ON l.premises_id = pr.id
            WHERE pr.vacant_floor_area_m2 <> pr.floor_area_m2 - l.leased
            """));
        var rent = (await (await app.Client.GetAsync("/api/ledger/items?zone=LSKFQ&category=rent")).JsonAsync())["items"]!.AsArray()
            .Single(i => (string)i!["number"]! == "13-(2)")!;
        Assert.Equal((0.0, 4.0), ((double)rent["targets"]![0]!["value"]!, (double)rent["targets"]![0]!["of"]!));
    }
}
