using System.ComponentModel;
using System.Globalization;
using LandRegister.Api.Access;
using LandRegister.Api.Evaluation;
using LandRegister.Api.LandUses;
using LandRegister.Api.Leases;
using LandRegister.Api.Ledger;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using LandRegister.Api.Zones;

namespace LandRegister.Api.Statistics;

/// <summary>
/// A zone's year in one workbook (年度土地利用与亩均效益统计), the statistics endpoints' figures one sheet each, laid out as a
/// 亩均 statistical report has them: one row per park and a total row (合计), areas in mu. The land and the ledger are
/// read as they stood at the end of the year (valid time; now for the current year); the sheets a role may not read (enterprise grades,
/// the ledger, rent) are left out, and so are the idle-land fees for roles that do not see enterprise figures.
/// </summary>
public static class YearlyReport
{
    public static RouteHandlerBuilder MapYearlyReport(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/reports/{year:int}", GetYearlyReport).WithName(nameof(GetYearlyReport)).WithTags("Statistics")
            .RequireAuthorization(Permission.ReadRegister)
            .WithSummary("A zone's yearly statistics as one .xlsx workbook, a sheet per question")
            .Produces(200, contentType: Spreadsheets.Xlsx);

    const string Total = "合计";

    public static async Task<IResult> GetYearlyReport(
        int year, Caller caller, NpgsqlDataSource db, Replicas replicas, LandUseCodes uses, ReserveSettings settings, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var today = RegisterClock.Today;
        if (year < RegisterDates.Earliest.Year || year > today.Year)
            throw Problems.Invalid("year", $"a year from {RegisterDates.Earliest.Year} to {today.Year}");
        var code = ZoneScope.Of(zone, caller);
        // The end of the year in the register's time zone: the valid time the year's land is read at.
        DateTimeOffset? yearEnd = year == today.Year ? null : RegisterClock.EndOfYear(year);
        var lastDay = year == today.Year ? today : new DateOnly(year, 12, 31);
        var role = Roles.Find(caller.Role);
        bool May(string permission) => role?.Permissions.Contains(permission) == true;
        var confidential = Caller.AudienceOf(http) >= Audience.Confidential;

        var parcels = (await StatisticsApi.GetParcelStatistics(caller, replicas, http, uses, code, null, yearEnd)).Value!;
        var revitalized = (await StatisticsApi.GetRevitalizedStatistics(caller, replicas, http, code, null, year)).Value!;
        var underused = (await StatisticsApi.GetUnderusedStatistics(caller, replicas, http, code, null, yearEnd)).Value!;
        var reserves = (await ReservesApi.GetReserveTarget(caller, db, uses, settings, http.Response, code, year)).Value!;

        var sheets = new Dictionary<string, List<Dictionary<string, object?>>>
        {
            ["说明 About"] = About(code, year, yearEnd, lastDay),
            ["一、土地状况 Status"] = StatusSheet(parcels),
            ["二、规划用途 Planned use"] = UseSheet(parcels),
            ["三、盘活 Revitalized"] = RevitalizedSheet(revitalized),
            ["四、低效闲置 Underused"] = UnderusedSheet(underused, confidential),
            ["五、连片净地 Reserves"] = ReserveSheet(reserves),
        };
        if (May(Permission.ReadEnterprises) && await EvaluatedAsync(db, code, year))
            sheets["六、亩均评价 Evaluation"] = EvaluationSheet((await EvaluationApi.GetEvaluationSummary(caller, db, year, code)).Value!);
        if (May(Permission.ReadLedger))
            sheets["七、整改台账 Ledger"] = LedgerSheet((await StatisticsApi.GetLedgerStatistics(caller, replicas, http, code, null, yearEnd)).Value!);
        if (May(Permission.ReadLeases) && confidential)
            sheets["八、欠租账龄 Arrears"] = ArrearsSheet(await Arrears.ReportAsync(caller, db, code, lastDay));

        var workbook = await Spreadsheets.WriteXlsxAsync(sheets.ToDictionary(s => s.Key, s => Table(s.Value)));
        return Results.File(workbook, Spreadsheets.Xlsx, $"report-{code}-{year}.xlsx");
    }

    /// <summary>A sheet's rows as a table: a header of every key (in the order the rows first name them), then each row's values.</summary>
    static IReadOnlyList<object?[]> Table(List<Dictionary<string, object?>> rows)
    {
        var keys = rows.SelectMany(r => r.Keys).Distinct().ToArray();
        return [keys, .. rows.Select(r => keys.Select(k => r.GetValueOrDefault(k)).ToArray())];
    }

    static async Task<bool> EvaluatedAsync(NpgsqlDataSource db, string zone, int year)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = @zone AND year = @year)", new { zone, year });
    }

    static List<Dictionary<string, object?>> About(string zone, int year, DateTimeOffset? yearEnd, DateOnly lastDay) =>
    [
        new() { ["项目 Item"] = "开发区 Zone", ["内容 Value"] = zone },
        new() { ["项目 Item"] = "年度 Year", ["内容 Value"] = year },
        new() { ["项目 Item"] = "统计时点 Land as of", ["内容 Value"] = yearEnd is null ? $"{lastDay:yyyy-MM-dd}（当前 now）" : $"{lastDay:yyyy-MM-dd} 24:00" },
        new() { ["项目 Item"] = "闲置土地认定 Idle-land findings", ["内容 Value"] = "统计时点前最近一次认定 the latest run assessing a day by then" },
        new() { ["项目 Item"] = "面积单位 Area unit", ["内容 Value"] = "亩 mu (1 亩 = 666.67 m²)" },
        new() { ["项目 Item"] = "金额单位 Money unit", ["内容 Value"] = "万元 10,000 yuan；租金 rent: 元 yuan" },
        new() { ["项目 Item"] = "生成时间 Generated", ["内容 Value"] = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, RegisterClock.TimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) },
    ];

    static string Park(string? code) => code is null ? Total : code == "none" ? "园区外" : code;

    /// <summary>One row per park and the total: count and area, then each status's count and area.</summary>
    static List<Dictionary<string, object?>> StatusSheet(ParcelStatistics stats) =>
        stats.Parks.Append(stats.Zone).Select(group =>
        {
            var row = new Dictionary<string, object?> { ["园区"] = Park(group.WholeZone ? null : group.ParkCode), ["宗数"] = group.Count, ["面积（亩）"] = group.AreaMu };
            foreach (var status in ParcelStatus.All)
            {
                var tally = group.ByStatus.FirstOrDefault(t => t.Key == status);
                row[$"{ParcelStatus.Names[status]}宗数"] = tally?.Count ?? 0;
                row[$"{ParcelStatus.Names[status]}面积（亩）"] = tally?.AreaMu ?? 0;
            }
            return row;
        }).ToList();

    static List<Dictionary<string, object?>> UseSheet(ParcelStatistics stats) =>
        stats.Parks.Append(stats.Zone).SelectMany(group => group.ByPlannedUse.Select(t => new Dictionary<string, object?>
        {
            ["园区"] = Park(group.WholeZone ? null : group.ParkCode), ["用途代码"] = t.Key, ["用途名称"] = t.Name, ["宗数"] = t.Count, ["面积（亩）"] = t.AreaMu,
        })).ToList();

    static List<Dictionary<string, object?>> RevitalizedSheet(RevitalizedStatistics stats)
    {
        var rows = stats.Years.SelectMany(y => y.ByMethod).Select(t => new Dictionary<string, object?>
        {
            ["盘活方式代码"] = t.Key, ["盘活方式"] = t.Name, ["宗数"] = t.Count, ["面积（亩）"] = t.AreaMu,
        }).ToList();
        rows.Add(new() { ["盘活方式代码"] = Total, ["盘活方式"] = null, ["宗数"] = rows.Sum(r => (int)r["宗数"]!), ["面积（亩）"] = rows.Sum(r => (double)r["面积（亩）"]!) });
        return rows;
    }

    static List<Dictionary<string, object?>> UnderusedSheet(UnderusedStatistics stats, bool fees)
    {
        Dictionary<string, object?> Row(string kind, Tally t) => new() { ["类别"] = kind, ["认定原因代码"] = t.Key, ["认定原因"] = t.Name, ["宗数"] = t.Count, ["面积（亩）"] = t.AreaMu };
        var rows = stats.LowEfficiency.ByReason.Select(t => Row("低效用地", t))
            .Append(Row("低效用地", new Tally(Total, null, stats.LowEfficiency.Count, stats.LowEfficiency.AreaMu)))
            .Concat(stats.Idle.ByReason.Select(t => Row("闲置土地", t)))
            .Append(Row("闲置土地", new Tally(Total, null, stats.Idle.Count, stats.Idle.AreaMu)))
            .Append(Row("可无偿收回", new Tally("reclaimable", "闲置满两年", stats.Idle.ReclaimableCount, stats.Idle.ReclaimableAreaMu)))
            .ToList();
        if (fees) rows.Add(new() { ["类别"] = "闲置费（万元）", ["认定原因代码"] = "fees", ["认定原因"] = null, ["宗数"] = null, ["面积（亩）"] = stats.Idle.FeesWan });
        return rows;
    }

    static List<Dictionary<string, object?>> ReserveSheet(ReserveTargetStatus status)
    {
        var rows = status.Blocks.Select(b => new Dictionary<string, object?>
        {
            ["地块组"] = b.BlockId, ["面积（亩）"] = b.AreaMu, ["宗地数"] = b.ParcelCodes.Length, ["园区"] = string.Join("、", b.ParkCodes),
            ["宗地编号"] = string.Join("、", b.ParcelCodes),
        }).ToList();
        rows.Add(new()
        {
            ["地块组"] = $"目标：{status.Target.MinBlocks}块×{status.Target.MinAreaMu.ToString(CultureInfo.InvariantCulture)}亩",
            ["面积（亩）"] = status.Blocks.Sum(b => b.AreaMu), ["宗地数"] = status.Blocks.Sum(b => b.ParcelCodes.Length),
            ["园区"] = status.Met ? "达标 met" : "未达标 not met", ["宗地编号"] = null,
        });
        return rows;
    }

    static List<Dictionary<string, object?>> EvaluationSheet(EvaluationSummary summary) =>
        summary.Parks.Append(summary.Zone).Select(p => new Dictionary<string, object?>
        {
            ["园区"] = Park(p == summary.Zone ? null : p.ParkCode ?? "none"),
            ["A类"] = p.Classes.GetValueOrDefault("A"), ["B类"] = p.Classes.GetValueOrDefault("B"), ["C类"] = p.Classes.GetValueOrDefault("C"),
            ["D类"] = p.Classes.GetValueOrDefault("D"), ["T类（不参评）"] = p.Unranked, ["参评企业"] = p.Ranked, ["低效用地企业"] = p.LowEfficiency,
            ["亩均税收（万元/亩）"] = p.TaxPerMu, ["亩均税收均值（万元/亩）"] = p.MeanTaxPerMu, ["亩均税收中位数（万元/亩）"] = p.MedianTaxPerMu,
            ["评价基准（万元/亩）"] = p.BenchmarkTaxPerMu, ["参考值（万元/亩）"] = p.ReferenceTaxPerMuWan, ["与参考值差距（万元/亩）"] = p.GapToReferenceWan,
        }).ToList();

    static List<Dictionary<string, object?>> LedgerSheet(LedgerStatistics stats) =>
        stats.ByStatus.Select(t => new Dictionary<string, object?>
            {
                ["分组"] = "整改状态", ["代码"] = t.Key, ["名称"] = LedgerValues.Statuses.GetValueOrDefault(t.Key), ["事项数"] = t.Count, ["逾期"] = t.Overdue,
            })
            .Concat(stats.ByCategory.Select(t => new Dictionary<string, object?>
            {
                ["分组"] = "类别", ["代码"] = t.Key, ["名称"] = LedgerValues.Categories.GetValueOrDefault(t.Key), ["事项数"] = t.Count, ["逾期"] = t.Overdue,
            }))
            .Append(new() { ["分组"] = Total, ["代码"] = null, ["名称"] = null, ["事项数"] = stats.Items, ["逾期"] = stats.Overdue })
            .ToList();

    static List<Dictionary<string, object?>> ArrearsSheet(Arrears.ArrearsReport report) =>
        report.ByPark.Select(g => (Name: Park(g.Name.Length == 0 ? "none" : g.Name), g.Owed)).Append((Name: Total, Owed: report.Total))
            .Select(g => new Dictionary<string, object?>
            {
                ["园区"] = g.Name, ["30天以内（元）"] = g.Owed.Days0To30, ["31-90天（元）"] = g.Owed.Days31To90, ["91-180天（元）"] = g.Owed.Days91To180,
                ["181-365天（元）"] = g.Owed.Days181To365, ["1年以上（元）"] = g.Owed.Over365, ["合计（元）"] = g.Owed.TotalYuan,
            }).ToList();
}
