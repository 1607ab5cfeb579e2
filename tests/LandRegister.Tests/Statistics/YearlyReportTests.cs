using System.Net;
using Dapper;
using LandRegister.Tests.Demo;
using LandRegister.Tests.Support;
using MiniExcelLibs;

namespace LandRegister.Tests.Statistics;

/// <summary>The demo zone's figures: they add up, they agree with SQL, and the yearly workbook holds them sheet by sheet.</summary>
public sealed class YearlyReportTests(DemoApp app) : IClassFixture<DemoApp>
{
    async Task WaitForTheDemoRunsAsync()
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(180); await Task.Delay(250))
            if (await app.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = 'LSKFQ' AND year = 2025)")
                && await app.ScalarAsync<long>("SELECT count(*) FROM job_run WHERE status IN ('queued', 'running')") == 0)
                return;
        Assert.Fail("the demo's runs did not finish");
    }

    [Fact]
    public async Task The_demo_zones_counts_and_areas_by_status_add_up_to_its_totals()
    {
        var stats = await (await app.Client.GetAsync("/api/statistics/parcels?zone=LSKFQ")).JsonAsync();
        var zone = stats["zone"]!;
        var live = await app.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'LSKFQ' AND retired_at IS NULL");
        var mu = await app.ScalarAsync<double>("SELECT sum(area_m2) * 0.0015 FROM parcel WHERE zone_code = 'LSKFQ' AND retired_at IS NULL");
        Assert.Equal(live, (long)zone["count"]!);
        Assert.Equal(mu, (double)zone["areaMu"]!, 2);
        Assert.Equal(live, zone["byStatus"]!.AsArray().Sum(t => (long)t!["count"]!));
        Assert.Equal(mu, zone["byStatus"]!.AsArray().Sum(t => (double)t!["areaMu"]!), 1);
        Assert.Equal(live, zone["byPlannedUse"]!.AsArray().Sum(t => (long)t!["count"]!));
        Assert.Equal(live, stats["parks"]!.AsArray().Sum(p => (long)p!["count"]!));
        Assert.True(zone["byStatus"]!.AsArray().Count >= 8, zone.ToJsonString());
    }

    [Fact]
    public async Task The_per_mu_tax_of_the_zone_and_its_parks_is_the_sum_of_tax_over_the_sum_of_land()
    {
        await WaitForTheDemoRunsAsync();
        var summary = await (await app.Client.GetAsync("/api/evaluation/summary?zone=LSKFQ&year=2025")).JsonAsync();
        await using var conn = await app.OpenAsync();
        var bySql = (await conn.QueryAsync<(string? Park, decimal TaxPerMu)>("""
            SELECT r.park_code, round(sum(coalesce(r.tax_wan, 0)) / sum(r.land_mu), 4)
            FROM evaluation_result r JOIN evaluation_current c ON c.run_id = r.run_id
            WHERE c.zone_code = 'LSKFQ' AND c.year = 2025 AND r.rank IS NOT NULL
            GROUP BY ROLLUP (r.park_code)
            """)).ToList();
        Assert.Equal(bySql.Single(r => r.Park is null).TaxPerMu, (decimal)summary["zone"]!["taxPerMu"]!);
        foreach (var park in summary["parks"]!.AsArray().Where(p => p!["taxPerMu"] is not null))
            Assert.Equal(bySql.Single(r => r.Park == (string?)park!["parkCode"]).TaxPerMu, (decimal)park!["taxPerMu"]!);

        // The workbook's evaluation sheet carries the same figures.
        var sheet = await SheetAsync(app.Client, "六、亩均评价 Evaluation");
        Assert.Equal((double)(decimal)summary["zone"]!["taxPerMu"]!, (double)sheet.Single(r => (string)r["园区"]! == "合计")["亩均税收（万元/亩）"]!, 6);
    }

    static async Task<List<IDictionary<string, object?>>> SheetAsync(HttpClient client, string name)
    {
        var response = await client.GetAsync("/api/reports/2025?zone=LSKFQ");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var workbook = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        return workbook.Query(useHeaderRow: true, sheetName: name).Cast<IDictionary<string, object?>>().ToList();
    }

    static async Task<List<string>> SheetNamesAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/reports/2025?zone=LSKFQ");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var workbook = await response.Content.ReadAsByteArrayAsync();
        Workbooks.AssertValid(workbook).Dispose();
        return MiniExcel.GetSheetNames(new MemoryStream(workbook));
    }

    [Fact]
    public async Task The_yearly_workbook_counts_the_land_as_it_stood_at_the_end_of_the_year_park_by_park()
    {
        await WaitForTheDemoRunsAsync();
        Assert.Equal(["说明 About", "一、土地状况 Status", "二、规划用途 Planned use", "三、盘活 Revitalized", "四、低效闲置 Underused",
            "五、连片净地 Reserves", "六、亩均评价 Evaluation", "七、整改台账 Ledger", "八、欠租账龄 Arrears"], await SheetNamesAsync(app.Client));
        var status = await SheetAsync(app.Client, "一、土地状况 Status");
        var endOf2025 = await (await app.Client.GetAsync("/api/statistics/parcels?zone=LSKFQ&asOf=2025-12-31T15:59:59Z")).JsonAsync();
        var total = status.Single(r => (string)r["园区"]! == "合计");
        Assert.Equal((double)(int)endOf2025["zone"]!["count"]!, (double)total["宗数"]!);
        Assert.Equal((double)total["宗数"]!, status.Where(r => (string)r["园区"]! != "合计").Sum(r => (double)r["宗数"]!));
        foreach (var row in status)
            Assert.Equal((double)row["宗数"]!, row.Where(c => c.Key.EndsWith("宗数") && c.Key != "宗数").Sum(c => (double)c.Value!));
        var clean = endOf2025["zone"]!["byStatus"]!.AsArray().Single(t => (string)t!["key"]! == "clean_land")!;
        Assert.Equal((double)clean["areaMu"]!, (double)total["净地面积（亩）"]!, 6);
        var reserves = await SheetAsync(app.Client, "五、连片净地 Reserves");
        Assert.Equal(4, reserves.Count); // the demo's three blocks and the target row
    }

    [Fact]
    public async Task A_viewers_workbook_has_no_enterprise_ledger_or_rent_sheet_and_no_fees()
    {
        var viewer = await app.ClientForAsync("viewer", "LSKFQ");
        Assert.Equal(6, (await SheetNamesAsync(viewer)).Count);
        var underused = await SheetAsync(viewer, "四、低效闲置 Underused");
        Assert.DoesNotContain(underused, r => (string?)r["认定原因代码"] == "fees");
        Assert.Contains(await SheetAsync(app.Client, "四、低效闲置 Underused"), r => (string?)r["认定原因代码"] == "fees");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await viewer.GetAsync("/api/reports/1900?zone=LSKFQ")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/reports/2025?zone=OTHER")).StatusCode);
    }
}
