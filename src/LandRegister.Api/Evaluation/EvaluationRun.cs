using LandRegister.Api.Jobs;
using LandRegister.Api.Parcels;
using NpgsqlTypes;

namespace LandRegister.Api.Evaluation;

/// <summary>
/// One evaluation of a zone's year, as a background run: read the register, grade with <see cref="Scoring"/>, write the
/// results, mark and clear low-efficiency land, and make the results the year's — all in the run's transaction, so a
/// run that fails or is killed leaves the previous results in place.
/// </summary>
public sealed class EvaluationRun : IRun
{
    public static readonly RunKind Evaluation = new("evaluation", "/api/evaluation/runs", today => (today.Year - 1, null));

    public RunKind Kind => Evaluation;

    const string CopyResults = """
        COPY evaluation_result (run_id, zone_code, year, credit_code, holder_code, land_mu, tax_wan, sales_wan, energy_tce,
                                tax_per_mu, sales_per_mu, indicator_values, indicator_points, score, rank, ranked, class, low_efficiency,
                                note, park_code, land_basis)
        FROM STDIN (FORMAT BINARY)
        """;

    public async Task<object> RunAsync(RunWork work, CancellationToken ct)
    {
        var (run, conn, tx, phases) = work;
        var year = run.Year ?? throw new InvalidOperationException("an evaluation run needs a year");
        var scheme = await Schemes.EffectiveAsync(conn, run.ZoneCode, year, tx);

        var (units, land) = await EvaluationData.LoadAsync(conn, tx, run.ZoneCode, year, scheme.LowEfficiency.ConsecutiveD - 1, phases);

        await phases.EnterAsync("grading", 0.4);
        var grades = Scoring.Evaluate(scheme, units);

        await phases.EnterAsync("writing results", 0.6);
        await WriteAsync(conn, tx, run, grades, land, ct);

        await phases.EnterAsync("marking land", 0.8);
        // Only land its graded holder still holds, in use or marked by an evaluation of this very year, whose status
        // nobody has changed since the year ended: a re-grade of a past year never undoes what happened since.
        var low = grades.Where(g => g.LowEfficiency).Select(g => g.CreditCode).ToHashSet();
        var lowParcels = low.SelectMany(code => land[code].InUse.Select(id => (Id: id, Holder: code))).ToList();
        var clearedParcels = grades.Where(g => !g.LowEfficiency).SelectMany(g => land[g.CreditCode].LowEfficiency.Select(id => (Id: id, Holder: g.CreditCode))).ToList();
        var details = new Dictionary<string, object?> { ["run"] = run.Id, ["year"] = year };
        var grading = new ParcelWrites.Grading(year, RegisterClock.EndOfYear(year).ToUniversalTime(), run.Actor);
        await new RecordedChange("evaluation", $"{year} evaluation: the holder is low-efficiency", details).DescribeAsync(conn, tx);
        var marked = await ParcelWrites.GradeAsync(conn, tx, grading with
        {
            Ids = lowParcels.ConvertAll(p => p.Id).ToArray(), Holders = lowParcels.ConvertAll(p => p.Holder).ToArray(),
            From = ParcelStatus.InUse, To = ParcelStatus.LowEfficiency,
        }, ct);
        await new RecordedChange("evaluation", $"{year} evaluation: the holder is no longer low-efficiency", details).DescribeAsync(conn, tx);
        var cleared = await ParcelWrites.GradeAsync(conn, tx, grading with
        {
            Ids = clearedParcels.ConvertAll(p => p.Id).ToArray(), Holders = clearedParcels.ConvertAll(p => p.Holder).ToArray(),
            From = ParcelStatus.LowEfficiency, To = ParcelStatus.InUse,
        }, ct);

        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO evaluation_current (zone_code, year, run_id) VALUES (@zone, @year, @id)
            ON CONFLICT (zone_code, year) DO UPDATE SET run_id = excluded.run_id
            """, new { zone = run.ZoneCode, year, id = run.Id }, tx, cancellationToken: ct));
        return new
        {
            enterprises = units.Count + units.Sum(u => u.Tenants.Count), graded = grades.Count,
            classes = grades.GroupBy(g => g.Class).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            lowEfficiency = low.Count, parcelsMarked = marked, parcelsCleared = cleared, seconds = phases.Seconds(),
        };
    }

    /// <summary>
    /// The run's results, and its indicators' benchmarks once: every graded result has the same indicators, in the scheme's
    /// order, and its values and points are arrays in that order (<c>evaluation_benchmark</c>, migration 0024).
    /// </summary>
    static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, JobRunRow run, IReadOnlyList<Grade> grades,
        Dictionary<string, EvaluationData.Land> land, CancellationToken ct)
    {
        if (grades.FirstOrDefault(g => g.Indicators.Count > 0) is { } graded)
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO evaluation_benchmark (run_id, ordinal, indicator, benchmark)
                SELECT @run, b.ordinal, b.indicator, b.benchmark FROM unnest(@indicators, @benchmarks) WITH ORDINALITY AS b (indicator, benchmark, ordinal)
                """, new { run = run.Id, indicators = graded.Indicators.Keys.ToArray(), benchmarks = graded.Indicators.Values.Select(s => s.Benchmark).ToArray() },
                tx, cancellationToken: ct));
        await using var copy = await conn.BeginBinaryImportAsync(CopyResults, ct);
        foreach (var g in grades)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(run.Id, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(run.ZoneCode, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(run.Year!.Value, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(g.CreditCode, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, g.HolderCode, NpgsqlDbType.Text, ct);
            await copy.WriteAsync((decimal)g.LandMu, NpgsqlDbType.Numeric, ct);
            await WriteAsync(copy, Money(g.Figures.TaxWan), NpgsqlDbType.Numeric, ct);
            await WriteAsync(copy, Money(g.Figures.SalesWan), NpgsqlDbType.Numeric, ct);
            await WriteAsync(copy, Money(g.Figures.EnergyTce), NpgsqlDbType.Numeric, ct);
            await WriteAsync(copy, Ratio(g.TaxPerMu), NpgsqlDbType.Numeric, ct);
            await WriteAsync(copy, Ratio(g.SalesPerMu), NpgsqlDbType.Numeric, ct);
            if (g.Indicators.Count == 0)
            {
                await copy.WriteNullAsync(ct);
                await copy.WriteNullAsync(ct);
            }
            else
            {
                var (values, points, i) = (new double?[g.Indicators.Count], new double[g.Indicators.Count], 0);
                foreach (var score in g.Indicators.Values) (values[i], points[i++]) = (score.Value, score.Points);
                await copy.WriteAsync(values, NpgsqlDbType.Array | NpgsqlDbType.Double, ct);
                await copy.WriteAsync(points, NpgsqlDbType.Array | NpgsqlDbType.Double, ct);
            }
            await WriteAsync(copy, Ratio(g.Score), NpgsqlDbType.Numeric, ct);
            await WriteAsync(copy, g.Rank, NpgsqlDbType.Integer, ct);
            await WriteAsync(copy, g.Ranked, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(g.Class, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(g.LowEfficiency, NpgsqlDbType.Boolean, ct);
            await WriteAsync(copy, g.Note, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, g.ParkCode, NpgsqlDbType.Text, ct);
            await WriteAsync(copy, land.GetValueOrDefault(g.CreditCode)?.Basis, NpgsqlDbType.Text, ct);
        }
        await copy.CompleteAsync(ct);
    }

    static decimal? Money(double? value) => value is null ? null : Math.Round((decimal)value.Value, 2);

    static decimal? Ratio(double? value) => value is null ? null : Math.Round((decimal)value.Value, 4);

    static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);
}
