using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.Jobs;
using LandRegister.Api.Zones;
using Mapster;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Evaluation;

/// <summary>An evaluation to run: a zone's year (default: last year).</summary>
public sealed record EvaluationRequest(string? Zone, int? Year);

/// <summary>An enterprise's grade for the year, from the results the year's latest run made current.</summary>
/// <param name="HolderCode">For a tenant graded with its parcel's holder: the holder.</param>
/// <param name="Indicators">Per indicator: its value, the benchmark and the points earned.</param>
/// <param name="LandMu">The land its per-mu figures divide by, in mu, measured as <c>landBasis</c> says.</param>
/// <param name="Rank">Its rank among the <c>ranked</c> enterprises; none for classes T, vetoed D and tenants.</param>
/// <param name="LandBasis">How its land was measured: registered (title areas), drawn (the geometry's), or mixed; none without land.</param>
[Audience(Audience.Confidential)]
public sealed record EvaluationResult(
    string CreditCode, string? Name, string? HolderCode, decimal LandMu, decimal? TaxWan, decimal? SalesWan, decimal? EnergyTce,
    decimal? TaxPerMu, decimal? SalesPerMu, JsonObject Indicators, decimal? Score, int? Rank, int? Ranked, string Class,
    bool LowEfficiency, string? Note, string? ParkCode, string? LandBasis);

public sealed record EvaluationResults(string ZoneCode, int Year, long RunId, long NumberMatched, IReadOnlyList<EvaluationResult> Items, string? NextCursor);

/// <summary>
/// The grades of a park, or of the whole zone (<c>parkCode</c> null in <c>zone</c>): how many enterprises in each class,
/// and the per-mu tax of the ranked ones. <c>taxPerMu</c> is Σ tax ÷ Σ mu over the ranked enterprises, the figure
/// provinces compare (亩均税收); the mean and median are of their own per-mu taxes. Unranked enterprises (class T,
/// vetoed, tenants graded with their holder) have no figures and are counted apart, with their reasons.
/// </summary>
/// <param name="ReferenceTaxPerMuWan">The scheme's provincial or county reference, if it names one.</param>
/// <param name="GapToReferenceWan"><c>taxPerMu</c> less the reference: negative when below it.</param>
[Audience(Audience.Confidential)]
public sealed record ParkSummary(string? ParkCode, IReadOnlyDictionary<string, int> Classes, int LowEfficiency,
    int Ranked, decimal? TaxPerMu, decimal? MeanTaxPerMu, decimal? MedianTaxPerMu, decimal? BenchmarkTaxPerMu,
    int Unranked, IReadOnlyDictionary<string, int> UnrankedReasons, decimal? ReferenceTaxPerMuWan, decimal? GapToReferenceWan);

/// <param name="Zone">The whole zone's figures.</param>
public sealed record EvaluationSummary(string ZoneCode, int Year, long RunId, ParkSummary Zone, IReadOnlyList<ParkSummary> Parks);

public static class EvaluationApi
{
    public static RouteGroupBuilder MapEvaluation(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/evaluation").WithTags("Evaluation");
        group.MapSchemes();
        group.MapPost("/runs", StartEvaluation).WithName(nameof(StartEvaluation)).RequireAuthorization(Permission.RunEvaluation)
            .Produces<JobRun>(202).WithSummary("Evaluate a zone's year in the background; poll the Location");
        group.MapGet("/runs/{id:long}", GetEvaluationRun).WithName(nameof(GetEvaluationRun)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("An evaluation run: queued, running with progress, succeeded or failed");
        group.MapGet("/results", GetEvaluationResults).WithName(nameof(GetEvaluationResults)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("A zone's grades for a year, best first; or all of them as CSV or .xlsx").Produces<EvaluationResults>().Exportable();
        group.MapGet("/summary", GetEvaluationSummary).WithName(nameof(GetEvaluationSummary)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("Per park and for the zone: enterprises by class, the per-mu tax of the ranked (Σ tax ÷ Σ mu, mean, median), the unranked");
        return group;
    }

    public static async Task<IResult> StartEvaluation(EvaluationRequest request, Caller caller, NpgsqlDataSource db, JobRuns runs)
    {
        var zone = ZoneScope.Of(request.Zone, caller);
        var year = request.Year ?? RegisterClock.Today.Year - 1;
        if (year < 2000 || year > RegisterClock.Today.Year) throw Problems.Invalid("year", $"between 2000 and {RegisterClock.Today.Year}");
        await using (var conn = await db.OpenConnectionAsync()) await ZoneScope.RequireAsync(conn, zone, caller);
        var run = await runs.StartAsync(EvaluationRun.Evaluation, zone, year, null, caller.Name);
        return TypedResults.Accepted(EvaluationRun.Evaluation.Location(run.Id), run.ToContract());
    }

    public static async Task<Ok<JobRun>> GetEvaluationRun(long id, Caller caller, JobRuns runs) =>
        TypedResults.Ok((await runs.GetAsync(id, caller, EvaluationRun.Evaluation.Name) ?? throw Problems.NotFound($"No evaluation run has the id {id}.")).ToContract());

    /// <summary>
    /// Result <c>r</c>'s indicators as one JSON object, <c>{"tax_per_mu": {"value": …, "benchmark": …, "points": …}}</c>, from its
    /// arrays and its run's benchmarks (migration 0024); <c>{}</c> for a result without points. Built for the JSON pages
    /// only: the CSV and .xlsx files leave the indicators out (<see cref="EvaluationExport"/>), and building them for every
    /// one of 109,444 results took 1.4-1.8 s of a 1.6-1.9 s statement in psql.
    /// </summary>
    const string Indicators = """
        coalesce((SELECT jsonb_object_agg(b.indicator, jsonb_build_object('value', r.indicator_values[b.ordinal], 'benchmark', b.benchmark,
                                                                          'points', r.indicator_points[b.ordinal]))
                  FROM evaluation_benchmark b WHERE b.run_id = r.run_id AND r.indicator_points IS NOT NULL), '{}')::text
        """;

    internal sealed class ResultRow
    {
        public string CreditCode { get; init; } = "";
        public string? Name { get; init; }
        public string? HolderCode { get; init; }
        public decimal LandMu { get; init; }
        public decimal? TaxWan { get; init; }
        public decimal? SalesWan { get; init; }
        public decimal? EnergyTce { get; init; }
        public decimal? TaxPerMu { get; init; }
        public decimal? SalesPerMu { get; init; }
        public string Indicators { get; init; } = "{}";
        public decimal? Score { get; init; }
        public int? Rank { get; init; }
        public int? Ranked { get; init; }
        public string Class { get; init; } = "";
        public bool LowEfficiency { get; init; }
        public string? Note { get; init; }
        public string? ParkCode { get; init; }
        public string? LandBasis { get; init; }

        public EvaluationResult ToContract() => this.Adapt<EvaluationResult>();
    }

    sealed class ResultMapping : IRegister
    {
        public void Register(TypeAdapterConfig config) =>
            config.NewConfig<ResultRow, EvaluationResult>().Map(d => d.Indicators, s => JsonNode.Parse(s.Indicators, null, default)!.AsObject());
    }

    static async Task<long> CurrentRunAsync(NpgsqlConnection conn, string zone, int year) =>
        await conn.QuerySingleOrDefaultAsync<long?>("SELECT run_id FROM evaluation_current WHERE zone_code = @zone AND year = @year", new { zone, year })
        ?? throw Problems.NotFound($"Zone {zone} has no evaluation results for {year}: start a run (POST /api/evaluation/runs).");

    public static async Task<IResult> GetEvaluationResults(
        Caller caller, NpgsqlDataSource db, HttpRequest request,
        [Description("The year evaluated.")] int year,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("A, B, C, D or T.")] string? @class = null,
        [Description("Only enterprises of this park.")] string? park = null,
        [Description("Only enterprises whose land is low-efficiency.")] bool? lowEfficiency = null,
        [Description("Page size, 1-1000 (default 100).")] int? limit = null,
        [Description("The nextCursor of the previous page.")] string? cursor = null,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(request, format);
        var code = ZoneScope.Of(zone, caller);
        if (@class is not null && @class is not ("A" or "B" or "C" or "D" or "T"))
        {
            var errors = new FieldErrors();
            errors.AddUnknown("class", $"unknown class '{@class}'", ["A", "B", "C", "D", "T"]);
            throw errors.ToProblem();
        }
        if (limit is < 1 or > 1000) throw Problems.Invalid("limit", "between 1 and 1000");
        var (afterRank, afterCode) = (int.MaxValue, "");
        if (cursor is not null)
        {
            var parts = cursor.Split(':', 2);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out afterRank))
                throw Problems.BadRequest("cursor", "not a cursor from a previous page");
            afterCode = parts[1];
        }
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var run = await CurrentRunAsync(conn, code, year);
        var take = limit ?? 100;
        var args = new { run, @class, park, lowEfficiency, cursor, afterRank, afterCode, take = export is null ? take + 1 : (int?)null };
        const string Filter = """
            r.run_id = @run AND (@class::text IS NULL OR r.class = @class) AND (@park::text IS NULL OR r.park_code = @park)
            AND (@lowEfficiency::boolean IS NULL OR r.low_efficiency = @lowEfficiency)
            """;
        var sql = $"""
            SELECT r.credit_code, e.name, r.holder_code, r.land_mu, r.tax_wan, r.sales_wan, r.energy_tce, r.tax_per_mu, r.sales_per_mu,
                   {(export is null ? Indicators : "'{}'")} AS indicators, r.score, r.rank, r.ranked, r.class, r.low_efficiency, r.note, r.park_code,
                   r.land_basis
            FROM evaluation_result r LEFT JOIN enterprise e ON e.credit_code = r.credit_code
            WHERE {Filter} AND (@cursor::text IS NULL OR (coalesce(r.rank, 2147483647), r.credit_code) > (@afterRank, @afterCode))
            ORDER BY coalesce(r.rank, 2147483647), r.credit_code
            LIMIT @take
            """;
        if (export is { } file) return Export.File(file, EvaluationExport.Results, Export.Query(db, sql, args, (ResultRow r) => r.ToContract()));
        var matched = await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM evaluation_result r WHERE {Filter}", args);
        var rows = (await conn.QueryAsync<ResultRow>(sql, args)).ToList();
        var next = rows.Count > take ? $"{rows[take - 1].Rank ?? int.MaxValue}:{rows[take - 1].CreditCode}" : null;
        return TypedResults.Ok(new EvaluationResults(code, year, run, matched, rows.Take(take).Select(r => r.ToContract()).ToList(), next));
    }

    sealed record ClassRow(string? ParkCode, bool WholeZone, string Class, int Count, int Low);

    sealed record TaxRow(string? ParkCode, bool WholeZone, int Ranked, decimal? TaxPerMu, decimal? Mean, double? Median, decimal? Benchmark);

    sealed record ReasonRow(string? ParkCode, bool WholeZone, string Reason, int Count);

    /// <summary>Each figure per park and for the whole zone (the empty grouping set).</summary>
    const string SummarySql = """
        SELECT park_code, GROUPING(park_code) = 1 AS whole_zone, class, count(*)::int AS count, count(*) FILTER (WHERE low_efficiency)::int AS low
        FROM evaluation_result WHERE run_id = @run GROUP BY GROUPING SETS ((park_code, class), (class));

        SELECT park_code, GROUPING(park_code) = 1 AS whole_zone, count(*)::int AS ranked,
               round(sum(coalesce(tax_wan, 0)) / nullif(sum(land_mu), 0), 4) AS tax_per_mu, round(avg(tax_per_mu), 4) AS mean,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY tax_per_mu) AS median,
               (SELECT b.benchmark::numeric FROM evaluation_benchmark b WHERE b.run_id = @run AND b.indicator = 'tax_per_mu') AS benchmark
        FROM evaluation_result WHERE run_id = @run AND rank IS NOT NULL
        GROUP BY GROUPING SETS ((park_code), ());

        SELECT park_code, GROUPING(park_code) = 1 AS whole_zone, reason, count(*)::int AS count
        FROM (SELECT park_code,
                     CASE WHEN holder_code IS NOT NULL THEN 'a tenant graded with its parcel''s holder'
                          WHEN class = 'D' THEN 'class D by one-vote veto'
                          ELSE coalesce(regexp_replace(note, '^not ranked: ', ''), 'not ranked') END AS reason
              FROM evaluation_result WHERE run_id = @run AND rank IS NULL) unranked
        GROUP BY GROUPING SETS ((park_code, reason), (reason));
        """;

    /// <summary>A per-mu figure as the summary prints it: 4 decimals at most, no trailing zeros (14.5, not 14.5000).</summary>
    static decimal? Figure(decimal? value) => value is { } v ? Math.Round(v, 4) / 1.0000000000000000000000000000m : null;

    public static async Task<Ok<EvaluationSummary>> GetEvaluationSummary(
        Caller caller, NpgsqlDataSource db, [Description("The year evaluated (default: the zone's latest evaluated year).")] int? year = null,
        [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var evaluated = year ?? await conn.ExecuteScalarAsync<int?>("SELECT max(year) FROM evaluation_current WHERE zone_code = @code", new { code })
            ?? throw Problems.NotFound($"Zone {code} has no evaluation results yet: start a run (POST /api/evaluation/runs).");
        return await SummaryAsync(conn, code, evaluated);
    }

    static async Task<Ok<EvaluationSummary>> SummaryAsync(NpgsqlConnection conn, string code, int year)
    {
        var run = await CurrentRunAsync(conn, code, year);
        var reference = (decimal?)(await Schemes.EffectiveAsync(conn, code, year)).ReferenceTaxPerMuWan;
        await using var grid = await conn.QueryMultipleAsync(SummarySql, new { run });
        var classes = (await grid.ReadAsync<ClassRow>()).ToList();
        var tax = (await grid.ReadAsync<TaxRow>()).ToList();
        var reasons = (await grid.ReadAsync<ReasonRow>()).ToList();

        ParkSummary Of(string? park, bool whole)
        {
            bool Here(string? p, bool w) => w == whole && (whole || p == park);
            var c = classes.Where(r => Here(r.ParkCode, r.WholeZone)).ToList();
            var t = tax.FirstOrDefault(r => Here(r.ParkCode, r.WholeZone));
            var u = reasons.Where(r => Here(r.ParkCode, r.WholeZone)).ToList();
            return new ParkSummary(whole ? null : park, c.OrderBy(r => r.Class).ToDictionary(r => r.Class, r => r.Count), c.Sum(r => r.Low),
                t?.Ranked ?? 0, Figure(t?.TaxPerMu), Figure(t?.Mean), Figure((decimal?)t?.Median), Figure(t?.Benchmark),
                u.Sum(r => r.Count), u.OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal).ToDictionary(r => r.Reason, r => r.Count),
                Figure(reference), reference is { } level && t?.TaxPerMu is { } perMu ? Figure(perMu - level) : null);
        }

        var parks = classes.Where(c => !c.WholeZone).Select(c => c.ParkCode).Distinct().OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => Of(p, false)).ToList();
        return TypedResults.Ok(new EvaluationSummary(code, year, run, Of(null, true), parks));
    }
}
