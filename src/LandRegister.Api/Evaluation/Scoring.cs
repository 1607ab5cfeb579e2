namespace LandRegister.Api.Evaluation;

/// <summary>An enterprise as the evaluation sees it: its land, its figures this year and last, and what decides its class.</summary>
/// <param name="LandMu">Land it holds, plus its share of parcels without a holder it rents, in mu.</param>
/// <param name="ThisYear">Its figures for the year evaluated, with those of the tenants merged into it.</param>
/// <param name="LastYear">The same for the year before (for benchmarks).</param>
/// <param name="YearsProducing">Years since production started, or null when not recorded.</param>
/// <param name="PreviousClasses">Its classes in the years before, the most recent first.</param>
/// <param name="Tenants">Tenants merged into it: they take its class.</param>
public sealed record EvaluationUnit(
    string CreditCode, double LandMu, Figures ThisYear, Figures LastYear, bool AboveScale, bool Utility, int? YearsProducing,
    string? Veto, string? ParkCode, IReadOnlyList<string> PreviousClasses, IReadOnlyList<MergedTenant> Tenants);

/// <summary>A tenant without land of its own, graded with the holder of the parcel it rents (docs/domain.md).</summary>
public sealed record MergedTenant(string CreditCode, double LandMu, string? ParkCode);

/// <summary>One indicator of one unit: its value, the benchmark, and the points it earned (weight × value ÷ benchmark, capped as the scheme says).</summary>
public sealed record IndicatorScore(double? Value, double Benchmark, double Points);

/// <summary>A unit's (or merged tenant's) grade for the year.</summary>
public sealed record Grade(
    string CreditCode, string? HolderCode, double LandMu, double? TaxPerMu, double? SalesPerMu, Figures Figures,
    IReadOnlyDictionary<string, IndicatorScore> Indicators, double? Score, int? Rank, int? Ranked, string Class,
    bool LowEfficiency, string? Note, string? ParkCode);

/// <summary>
/// The per-mu evaluation as a pure function: scope, the not-ranked class T, vetoes, benchmarks, scores, ranks,
/// classes and the low-efficiency rule. Ties in score are broken by credit code, so a rerun on the same data
/// gives the same grades.
/// </summary>
public static class Scoring
{
    public static IReadOnlyList<Grade> Evaluate(EvaluationScheme scheme, IReadOnlyList<EvaluationUnit> units)
    {
        var notRanked = new List<(EvaluationUnit Unit, string Reason)>();
        var vetoed = new List<EvaluationUnit>();
        var candidates = new List<EvaluationUnit>();
        foreach (var u in units)
        {
            if (u.LandMu <= 0 || !((scheme.Scope.AboveScale && u.AboveScale) || u.LandMu >= scheme.Scope.MinAreaMu)) continue;
            if (NotRankedBecause(scheme, u) is { } reason) notRanked.Add((u, reason));
            else if (scheme.Veto && u.Veto is not null) vetoed.Add(u);
            else candidates.Add(u);
        }
        var benchmarks = scheme.Indicators.ToDictionary(i => i.Key, i => Benchmark(i, candidates));

        // Ranked by total score, ties by credit code; the total sums the points in the scheme's order of indicators.
        var scored = new (EvaluationUnit Unit, Dictionary<string, IndicatorScore> Points, double Total)[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var (unit, points, total) = (candidates[c], new Dictionary<string, IndicatorScore>(scheme.Indicators.Count), 0d);
            foreach (var indicator in scheme.Indicators)
            {
                var score = Score(indicator, benchmarks[indicator.Key].Value, unit);
                points[indicator.Key] = score;
                total += score.Points;
            }
            scored[c] = (unit, points, total);
        }
        Array.Sort(scored, (a, b) => b.Total.CompareTo(a.Total) is var order and not 0 ? order : string.CompareOrdinal(a.Unit.CreditCode, b.Unit.CreditCode));

        var grades = new List<Grade>(units.Count);
        // A unit's grade, and its merged tenants', who take its class.
        void Add(EvaluationUnit unit, Grade grade)
        {
            grades.Add(grade);
            foreach (var t in unit.Tenants)
                grades.Add(new Grade(t.CreditCode, unit.CreditCode, Math.Round(t.LandMu, 4), null, null, Figures.None, NoPoints,
                    null, null, null, grade.Class, false, $"a tenant graded with its parcel's holder {unit.CreditCode}", t.ParkCode));
        }
        var note = benchmarks.Values.Where(b => b.FromThisYear).Select(b => b.Note).FirstOrDefault();
        for (var i = 0; i < scored.Length; i++)
        {
            var (unit, points, total) = scored[i];
            var rank = i + 1;
            var share = (double)rank / scored.Length;
            var cls = share <= scheme.Bands.A ? "A" : share <= scheme.Bands.B ? "B" : share <= scheme.Bands.C ? "C" : "D";
            Add(unit, Graded(scheme, unit, points, Math.Round(total, 4), rank, scored.Length, cls, note));
        }
        foreach (var unit in vetoed)
            Add(unit, Graded(scheme, unit, NoPoints, null, null, scored.Length, "D", $"D by one-vote veto: {unit.Veto}"));
        foreach (var (unit, reason) in notRanked)
            Add(unit, Graded(scheme, unit, NoPoints, null, null, null, "T", $"not ranked: {reason}"));
        grades.Sort((a, b) => string.CompareOrdinal(a.CreditCode, b.CreditCode));
        return grades;
    }

    static readonly IReadOnlyDictionary<string, IndicatorScore> NoPoints = new Dictionary<string, IndicatorScore>();

    /// <summary>
    /// Why a unit is class T, if it is: a utility, producing for under the scheme's years, or not producing at all
    /// (no start of production recorded: land bought and still being built on is not yet yielding, and the
    /// idle-land rule, not the ranking, judges it). The reason is the result's note, so the unranked stay visible.
    /// </summary>
    static string? NotRankedBecause(EvaluationScheme scheme, EvaluationUnit u) =>
        scheme.NotRanked.Utilities && u.Utility ? "a utility"
        : u.YearsProducing is not { } years ? "not producing: no start of production recorded"
        : years < scheme.NotRanked.MinYearsProducing ? $"producing for {years} year(s), under {scheme.NotRanked.MinYearsProducing}"
        : null;

    sealed record BenchmarkValue(double Value, bool FromThisYear, string? Note);

    /// <summary>A fixed value, or a multiple of the zone's aggregate average (Σ numerator ÷ Σ denominator) last year,
    /// or this year when there are no figures for last year.</summary>
    static BenchmarkValue Benchmark(SchemeIndicator indicator, List<EvaluationUnit> candidates)
    {
        if (indicator.Benchmark.Rule == "fixed") return new BenchmarkValue(indicator.Benchmark.Value!.Value, false, null);
        var (numerator, denominator) = Measures.All[indicator.Key];
        double Average(Func<EvaluationUnit, Figures> year)
        {
            var den = candidates.Sum(u => denominator(year(u), u.LandMu) ?? 0);
            return den > 0 ? candidates.Sum(u => numerator(year(u), u.LandMu) ?? 0) / den : 0;
        }
        var lastYear = Average(u => u.LastYear);
        if (lastYear > 0) return new BenchmarkValue(indicator.Benchmark.Factor!.Value * lastYear, false, null);
        var thisYear = Average(u => u.ThisYear);
        return new BenchmarkValue(indicator.Benchmark.Factor!.Value * (thisYear > 0 ? thisYear : 1), true,
            $"{indicator.Key}: no figures for last year; benchmark from this year's zone average");
    }

    static IndicatorScore Score(SchemeIndicator indicator, double benchmark, EvaluationUnit u)
    {
        var value = Measures.Value(indicator.Key, u.ThisYear, u.LandMu);
        return new IndicatorScore(value is null ? null : Math.Round(value.Value, 4), Math.Round(benchmark, 4),
            Math.Round(indicator.Points(value, benchmark), 4));
    }

    static Grade Graded(EvaluationScheme scheme, EvaluationUnit u, IReadOnlyDictionary<string, IndicatorScore> points,
        double? score, int? rank, int? ranked, string cls, string? note)
    {
        var taxPerMu = Measures.Value("tax_per_mu", u.ThisYear, u.LandMu);
        var before = scheme.LowEfficiency.ConsecutiveD - 1;
        var dRun = cls == "D" && u.PreviousClasses.Count >= before;
        for (var i = 0; dRun && i < before; i++) dRun = u.PreviousClasses[i] == "D";
        var lowTax = cls != "T" && scheme.LowEfficiency.TaxPerMuBelowWan is { } threshold && (taxPerMu ?? 0) < threshold;
        var low = dRun || lowTax;
        if (low) note = string.Join("; ", new[] { note, dRun ? $"class D {scheme.LowEfficiency.ConsecutiveD} year(s) running" : null,
            lowTax ? $"per-mu tax under {scheme.LowEfficiency.TaxPerMuBelowWan} 万元" : null }.Where(n => n is not null));
        return new Grade(u.CreditCode, null, Math.Round(u.LandMu, 4), Round(taxPerMu), Round(Measures.Value("sales_per_mu", u.ThisYear, u.LandMu)),
            u.ThisYear, points, score, rank, ranked, cls, low, note, u.ParkCode);
    }

    static double? Round(double? value) => value is null ? null : Math.Round(value.Value, 4);
}
