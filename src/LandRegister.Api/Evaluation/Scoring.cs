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
public readonly record struct IndicatorScore(double? Value, double Benchmark, double Points);

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
        // Units by their place in the input (at), where their grades go.
        var notRanked = new List<(int At, string Reason)>();
        var vetoed = new List<int>();
        var (candidates, candidatesAt) = (new List<EvaluationUnit>(), new List<int>());
        for (var at = 0; at < units.Count; at++)
        {
            var u = units[at];
            if (u.LandMu <= 0 || !((scheme.Scope.AboveScale && u.AboveScale) || u.LandMu >= scheme.Scope.MinAreaMu)) continue;
            if (NotRankedBecause(scheme, u) is { } reason) notRanked.Add((at, reason));
            else if (scheme.Veto && u.Veto is not null) vetoed.Add(at);
            else
            {
                candidates.Add(u);
                candidatesAt.Add(at);
            }
        }
        // Each indicator's measure and benchmark, looked up once: the loop below runs for every candidate.
        var keys = scheme.Indicators.Select(i => i.Key).ToArray();
        var measures = scheme.Indicators.Select(i => Measures.All[i.Key]).ToArray();
        var benchmarks = scheme.Indicators.Select((indicator, k) => Benchmark(indicator, measures[k], candidates)).ToArray();

        // Ranked by total score, ties by credit code; the total sums the points in the scheme's order of indicators.
        var scored = new (int At, IndicatorScores Points, double Total)[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var (unit, points, total) = (candidates[c], new IndicatorScore[keys.Length], 0d);
            for (var k = 0; k < keys.Length; k++)
            {
                var (numerator, denominator) = measures[k];
                var value = denominator(unit.ThisYear, unit.LandMu) is > 0 and var d ? (numerator(unit.ThisYear, unit.LandMu) ?? 0) / d : (double?)null;
                points[k] = new IndicatorScore(Round(value), benchmarks[k].Rounded, Math.Round(scheme.Indicators[k].Points(value, benchmarks[k].Value), 4));
                total += points[k].Points;
            }
            scored[c] = (candidatesAt[c], new IndicatorScores(keys, points), total);
        }
        Array.Sort(scored, (a, b) => b.Total.CompareTo(a.Total) is var order and not 0 ? order : string.CompareOrdinal(units[a.At].CreditCode, units[b.At].CreditCode));

        var (graded, tenants) = (new Grade?[units.Count], new List<Grade>());
        // A unit's grade, and its merged tenants', who take its class.
        void Add(int at, Grade grade)
        {
            var unit = units[at];
            graded[at] = grade;
            foreach (var t in unit.Tenants)
                tenants.Add(new Grade(t.CreditCode, unit.CreditCode, Math.Round(t.LandMu, 4), null, null, Figures.None, NoPoints,
                    null, null, null, grade.Class, false, $"a tenant graded with its parcel's holder {unit.CreditCode}", t.ParkCode));
        }
        var note = benchmarks.Where(b => b.FromThisYear).Select(b => b.Note).FirstOrDefault();
        for (var i = 0; i < scored.Length; i++)
        {
            var (at, points, total) = scored[i];
            var rank = i + 1;
            var share = (double)rank / scored.Length;
            var cls = share <= scheme.Bands.A ? "A" : share <= scheme.Bands.B ? "B" : share <= scheme.Bands.C ? "C" : "D";
            Add(at, Graded(scheme, units[at], points, Math.Round(total, 4), rank, scored.Length, cls, note));
        }
        foreach (var at in vetoed)
            Add(at, Graded(scheme, units[at], NoPoints, null, null, scored.Length, "D", $"D by one-vote veto: {units[at].Veto}"));
        foreach (var (at, reason) in notRanked)
            Add(at, Graded(scheme, units[at], NoPoints, null, null, null, "T", $"not ranked: {reason}"));
        return InCodeOrder(graded, tenants);
    }

    /// <summary>
    /// The grades in credit-code order, as the results are written (their key's order). The evaluation's statement reads the
    /// units in that order (its plan walks the enterprise key; nothing asks it to), so their grades, in the units' places, are
    /// in order already: only the merged tenants' are sorted, and merged in. Units in any other order are sorted whole.
    /// Sorting 110,000 grades whose codes share their first 12 characters (a region's) took 0.1-0.15 s, a third of the grading.
    /// </summary>
    static List<Grade> InCodeOrder(Grade?[] graded, List<Grade> tenants)
    {
        var grades = new List<Grade>(graded.Length + tenants.Count);
        foreach (var grade in graded)
            if (grade is not null) grades.Add(grade);
        for (var i = 1; i < grades.Count; i++)
            if (ByCode(grades[i - 1], grades[i]) > 0)
            {
                grades.AddRange(tenants);
                grades.Sort(ByCode);
                return grades;
            }
        tenants.Sort(ByCode);
        var merged = new List<Grade>(grades.Count + tenants.Count);
        var (u, t) = (0, 0);
        while (u < grades.Count || t < tenants.Count)
            merged.Add(t == tenants.Count || (u < grades.Count && ByCode(grades[u], tenants[t]) <= 0) ? grades[u++] : tenants[t++]);
        return merged;
    }

    static int ByCode(Grade a, Grade b) => string.CompareOrdinal(a.CreditCode, b.CreditCode);

    static readonly IReadOnlyDictionary<string, IndicatorScore> NoPoints = new IndicatorScores([], []);

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

    sealed record BenchmarkValue(double Value, bool FromThisYear, string? Note)
    {
        public double Rounded { get; } = Math.Round(Value, 4);
    }

    /// <summary>A fixed value, or a multiple of the zone's aggregate average (Σ numerator ÷ Σ denominator) last year,
    /// or this year when there are no figures for last year.</summary>
    static BenchmarkValue Benchmark(SchemeIndicator indicator, (Func<Figures, double, double?> Numerator, Func<Figures, double, double?> Denominator) measure,
        List<EvaluationUnit> candidates)
    {
        if (indicator.Benchmark.Rule == "fixed") return new BenchmarkValue(indicator.Benchmark.Value!.Value, false, null);
        var (numerator, denominator) = measure;
        // Both years' sums in one pass over the candidates.
        var (lastNumerator, lastDenominator, thisNumerator, thisDenominator) = (0d, 0d, 0d, 0d);
        foreach (var u in candidates)
        {
            lastNumerator += numerator(u.LastYear, u.LandMu) ?? 0;
            lastDenominator += denominator(u.LastYear, u.LandMu) ?? 0;
            thisNumerator += numerator(u.ThisYear, u.LandMu) ?? 0;
            thisDenominator += denominator(u.ThisYear, u.LandMu) ?? 0;
        }
        var lastYear = lastDenominator > 0 ? lastNumerator / lastDenominator : 0;
        if (lastYear > 0) return new BenchmarkValue(indicator.Benchmark.Factor!.Value * lastYear, false, null);
        var thisYear = thisDenominator > 0 ? thisNumerator / thisDenominator : 0;
        return new BenchmarkValue(indicator.Benchmark.Factor!.Value * (thisYear > 0 ? thisYear : 1), true,
            $"{indicator.Key}: no figures for last year; benchmark from this year's zone average");
    }

    static Grade Graded(EvaluationScheme scheme, EvaluationUnit u, IReadOnlyDictionary<string, IndicatorScore> points,
        double? score, int? rank, int? ranked, string cls, string? note)
    {
        var taxPerMu = PerMu(u.ThisYear.TaxWan, u.LandMu);
        var before = scheme.LowEfficiency.ConsecutiveD - 1;
        var dRun = cls == "D" && u.PreviousClasses.Count >= before;
        for (var i = 0; dRun && i < before; i++) dRun = u.PreviousClasses[i] == "D";
        var lowTax = cls != "T" && scheme.LowEfficiency.TaxPerMuBelowWan is { } threshold && (taxPerMu ?? 0) < threshold;
        var low = dRun || lowTax;
        if (low) note = string.Join("; ", new[] { note, dRun ? $"class D {scheme.LowEfficiency.ConsecutiveD} year(s) running" : null,
            lowTax ? $"per-mu tax under {scheme.LowEfficiency.TaxPerMuBelowWan} 万元" : null }.Where(n => n is not null));
        return new Grade(u.CreditCode, null, Math.Round(u.LandMu, 4), Round(taxPerMu), Round(PerMu(u.ThisYear.SalesWan, u.LandMu)),
            u.ThisYear, points, score, rank, ranked, cls, low, note, u.ParkCode);
    }

    /// <summary>A figure per mu, as the tax_per_mu and sales_per_mu measures: null without land.</summary>
    static double? PerMu(double? figure, double mu) => mu > 0 ? (figure ?? 0) / mu : null;

    static double? Round(double? value) => value is null ? null : Math.Round(value.Value, 4);
}

/// <summary>
/// A grade's indicator scores by key, enumerated in the scheme's order, which the results' arrays keep (one element per
/// indicator, <see cref="EvaluationRun"/>): the keys shared by every grade of a run, the scores one small array per grade.
/// </summary>
sealed class IndicatorScores(string[] keys, IndicatorScore[] scores) : IReadOnlyDictionary<string, IndicatorScore>
{
    public IndicatorScore this[string key] => TryGetValue(key, out var score) ? score : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => keys;

    public IEnumerable<IndicatorScore> Values => scores;

    public int Count => keys.Length;

    public bool ContainsKey(string key) => Array.IndexOf(keys, key) >= 0;

    public bool TryGetValue(string key, out IndicatorScore value)
    {
        var i = Array.IndexOf(keys, key);
        value = i >= 0 ? scores[i] : default;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, IndicatorScore>> GetEnumerator()
    {
        for (var i = 0; i < keys.Length; i++) yield return new(keys[i], scores[i]);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
