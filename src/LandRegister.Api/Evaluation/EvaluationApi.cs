using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using LandRegister.Api.Access;
using LandRegister.Api.Zones;
using LandRegister.Api.Jobs;
using Mapster;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Evaluation;

/// <summary>An evaluation to run: a zone's year (default: last year).</summary>
public sealed record EvaluationRequest(string? Zone, int? Year);

/// <summary>An enterprise's grade for the year, from the results the year's latest run made current.</summary>
/// <param name="HolderCode">For a tenant graded with its parcel's holder: the holder.</param>
/// <param name="Indicators">Per indicator: its value, the benchmark and the points earned.</param>
/// <param name="Rank">Its rank among the <c>ranked</c> enterprises; none for classes T, vetoed D and tenants.</param>
[Audience(Audience.Confidential)]
public sealed record EvaluationResult(
    string CreditCode, string? Name, string? HolderCode, decimal LandMu, decimal? TaxWan, decimal? SalesWan, decimal? EnergyTce,
    decimal? TaxPerMu, decimal? SalesPerMu, JsonObject Indicators, decimal? Score, int? Rank, int? Ranked, string Class,
    bool LowEfficiency, string? Note, string? ParkCode);

public sealed record EvaluationResults(string ZoneCode, int Year, long RunId, long NumberMatched, IReadOnlyList<EvaluationResult> Items, string? NextCursor);

/// <summary>A park's grades: how many enterprises in each class, and its per-mu tax against the benchmark.</summary>
[Audience(Audience.Confidential)]
public sealed record ParkSummary(string? ParkCode, IReadOnlyDictionary<string, int> Classes, int LowEfficiency,
    decimal? MeanTaxPerMu, decimal? MedianTaxPerMu, decimal? BenchmarkTaxPerMu);

public sealed record EvaluationSummary(string ZoneCode, int Year, long RunId, IReadOnlyList<ParkSummary> Parks);

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
            .WithSummary("A zone's grades for a year, best first");
        group.MapGet("/summary", GetEvaluationSummary).WithName(nameof(GetEvaluationSummary)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("Per park: enterprises by class, mean and median per-mu tax against the benchmark");
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

    public static async Task<Ok<EvaluationResults>> GetEvaluationResults(
        Caller caller, NpgsqlDataSource db,
        [Description("The year evaluated.")] int year,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("A, B, C, D or T.")] string? @class = null,
        [Description("Only enterprises of this park.")] string? park = null,
        [Description("Only enterprises whose land is low-efficiency.")] bool? lowEfficiency = null,
        [Description("Page size, 1-1000 (default 100).")] int? limit = null,
        [Description("The nextCursor of the previous page.")] string? cursor = null)
    {
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
        var args = new { run, @class, park, lowEfficiency, cursor, afterRank, afterCode, take = take + 1 };
        const string Filter = """
            r.run_id = @run AND (@class::text IS NULL OR r.class = @class) AND (@park::text IS NULL OR r.park_code = @park)
            AND (@lowEfficiency::boolean IS NULL OR r.low_efficiency = @lowEfficiency)
            """;
        var matched = await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM evaluation_result r WHERE {Filter}", args);
        var rows = (await conn.QueryAsync<ResultRow>($"""
            SELECT r.credit_code, e.name, r.holder_code, r.land_mu, r.tax_wan, r.sales_wan, r.energy_tce, r.tax_per_mu, r.sales_per_mu,
                   r.indicators::text AS indicators, r.score, r.rank, r.ranked, r.class, r.low_efficiency, r.note, r.park_code
            FROM evaluation_result r LEFT JOIN enterprise e ON e.credit_code = r.credit_code
            WHERE {Filter} AND (@cursor::text IS NULL OR (coalesce(r.rank, 2147483647), r.credit_code) > (@afterRank, @afterCode))
            ORDER BY coalesce(r.rank, 2147483647), r.credit_code
            LIMIT @take
            """, args)).ToList();
        var next = rows.Count > take ? $"{rows[take - 1].Rank ?? int.MaxValue}:{rows[take - 1].CreditCode}" : null;
        return TypedResults.Ok(new EvaluationResults(code, year, run, matched, rows.Take(take).Select(r => r.ToContract()).ToList(), next));
    }

    sealed record SummaryRow(string? ParkCode, string Class, int Count, int Low);

    sealed record TaxRow(string? ParkCode, decimal? Mean, double? Median, decimal? Benchmark);

    public static async Task<Ok<EvaluationSummary>> GetEvaluationSummary(
        Caller caller, NpgsqlDataSource db, [Description("The year evaluated.")] int year,
        [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var run = await CurrentRunAsync(conn, code, year);
        var classes = (await conn.QueryAsync<SummaryRow>("""
            SELECT park_code, class, count(*)::int AS count, count(*) FILTER (WHERE low_efficiency)::int AS low
            FROM evaluation_result WHERE run_id = @run GROUP BY park_code, class
            """, new { run })).ToList();
        var tax = (await conn.QueryAsync<TaxRow>("""
            SELECT park_code, round(avg(tax_per_mu), 4) AS mean,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY tax_per_mu) AS median,
                   max((indicators -> 'tax_per_mu' ->> 'benchmark')::numeric) AS benchmark
            FROM evaluation_result WHERE run_id = @run AND holder_code IS NULL AND tax_per_mu IS NOT NULL
            GROUP BY park_code
            """, new { run })).ToDictionary(t => t.ParkCode ?? "");
        var parks = classes.GroupBy(c => c.ParkCode).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var t = tax.GetValueOrDefault(g.Key ?? "");
            return new ParkSummary(g.Key, g.OrderBy(c => c.Class).ToDictionary(c => c.Class, c => c.Count), g.Sum(c => c.Low),
                t?.Mean, t?.Median is { } m ? Math.Round((decimal)m, 4) : null, t?.Benchmark);
        }).ToList();
        return TypedResults.Ok(new EvaluationSummary(code, year, run, parks));
    }
}
