
namespace LandRegister.Api.Evaluation;

/// <summary>
/// How a zone grades its enterprises for a year (亩均效益综合评价). The default follows Huai'an 2024:
/// per-mu tax 45, per-mu sales 35, tax per unit of energy 20, each against twice last year's zone average;
/// A the top 20%, B to 60%, C to 95%, D the rest; utilities and enterprises producing under two years not
/// ranked (T); land low-efficiency after class D two years running.
/// </summary>
/// <param name="Scope">Who is evaluated.</param>
/// <param name="Indicators">What is measured, its weight (the weights sum to 100) and its benchmark.</param>
/// <param name="Bands">Class cut-offs by rank, as cumulative shares of the ranked enterprises.</param>
/// <param name="NotRanked">Who is classed T instead of ranked.</param>
/// <param name="Veto">Whether a safety or environmental accident in the year makes the class D (一票否决).</param>
/// <param name="LowEfficiency">When an enterprise's land is marked low-efficiency.</param>
/// <param name="ReferenceTaxPerMuWan">
/// The provincial or county per-mu tax (万元/亩) the zone is compared with, if any: the summary gives the gap to it.
/// </param>
public sealed record EvaluationScheme(
    SchemeScope Scope, IReadOnlyList<SchemeIndicator> Indicators, ClassBands Bands, NotRanked NotRanked, bool Veto, LowEfficiencyRule LowEfficiency,
    double? ReferenceTaxPerMuWan = null)
{
    public static EvaluationScheme Default { get; } = new(
        new SchemeScope(AboveScale: true, MinAreaMu: 3),
        [
            new SchemeIndicator("tax_per_mu", 45, new Benchmark("zone_average_last_year", 2, null)),
            new SchemeIndicator("sales_per_mu", 35, new Benchmark("zone_average_last_year", 2, null)),
            new SchemeIndicator("tax_per_energy", 20, new Benchmark("zone_average_last_year", 2, null)),
        ],
        new ClassBands(0.20, 0.60, 0.95),
        new NotRanked(Utilities: true, MinYearsProducing: 2),
        Veto: true,
        new LowEfficiencyRule(ConsecutiveD: 2, TaxPerMuBelowWan: null));

    public void Validate()
    {
        var errors = new FieldErrors();
        if (Scope is null) errors.Add("scope", "required");
        else if (Scope.MinAreaMu is < 0 or > 10_000) errors.Add("scope.minAreaMu", "between 0 and 10000 mu");
        if (Indicators is not { Count: > 0 }) errors.Add("indicators", "at least one indicator");
        else
        {
            for (var i = 0; i < Indicators.Count; i++)
            {
                var indicator = Indicators[i];
                if (!Measures.All.ContainsKey(indicator.Key ?? ""))
                    errors.AddUnknown($"indicators[{i}].key", $"unknown indicator '{indicator.Key}'", Measures.All.Keys);
                if (indicator.Weight is <= 0 or > 100) errors.Add($"indicators[{i}].weight", "above 0, at most 100");
                if (indicator.Cap is < 1 or > 10) errors.Add($"indicators[{i}].cap", "a multiple of the weight from 1 to 10, e.g. 1.2");
                if (indicator.Benchmark is null) errors.Add($"indicators[{i}].benchmark", "required");
                else if (indicator.Benchmark.Rule == "fixed" && indicator.Benchmark.Value is not > 0)
                    errors.Add($"indicators[{i}].benchmark.value", "a fixed benchmark needs a value above 0");
                else if (indicator.Benchmark.Rule == "zone_average_last_year" && indicator.Benchmark.Factor is not > 0)
                    errors.Add($"indicators[{i}].benchmark.factor", "the multiple of last year's zone average, above 0");
                else if (indicator.Benchmark.Rule is not ("fixed" or "zone_average_last_year"))
                    errors.AddUnknown($"indicators[{i}].benchmark.rule", $"unknown benchmark rule '{indicator.Benchmark.Rule}'", ["zone_average_last_year", "fixed"]);
            }
            if (Indicators.GroupBy(i => i.Key).Any(g => g.Count() > 1)) errors.Add("indicators", "an indicator is named twice");
            if (Math.Abs(Indicators.Sum(i => i.Weight) - 100) > 1e-9) errors.Add("indicators", $"the weights must sum to 100, not {Indicators.Sum(i => i.Weight)}");
        }
        if (Bands is null || !(0 <= Bands.A && Bands.A <= Bands.B && Bands.B <= Bands.C && Bands.C <= 1))
            errors.Add("bands", "cumulative shares with 0 ≤ a ≤ b ≤ c ≤ 1, e.g. 0.2, 0.6, 0.95");
        if (NotRanked is null) errors.Add("notRanked", "required");
        else if (NotRanked.MinYearsProducing is < 0 or > 20) errors.Add("notRanked.minYearsProducing", "between 0 and 20");
        if (LowEfficiency is null) errors.Add("lowEfficiency", "required");
        else
        {
            if (LowEfficiency.ConsecutiveD is < 1 or > 10) errors.Add("lowEfficiency.consecutiveD", "between 1 and 10 years");
            if (LowEfficiency.TaxPerMuBelowWan is < 0) errors.Add("lowEfficiency.taxPerMuBelowWan", "must not be negative");
        }
        if (ReferenceTaxPerMuWan is < 0 or > 100_000) errors.Add("referenceTaxPerMuWan", "between 0 and 100000 万元 per mu");
        errors.ThrowIfAny();
    }
}

/// <summary>Above-scale enterprises (if <paramref name="AboveScale"/>), plus any enterprise on at least <paramref name="MinAreaMu"/> mu.</summary>
public sealed record SchemeScope(bool AboveScale, double MinAreaMu);

/// <param name="Key">tax_per_mu, sales_per_mu, revenue_per_mu, value_added_per_mu, tax_per_energy, value_added_per_energy, labour_productivity or rnd_share.</param>
/// <param name="Weight">Points for reaching the benchmark; the score is Σ weight × value ÷ benchmark.</param>
/// <param name="Cap">
/// The most points the indicator can give, as a multiple of its weight (many 亩均 schemes cap at 1.2, so that one
/// outstanding figure cannot make up for the others); none when absent.
/// </param>
public sealed record SchemeIndicator(string Key, double Weight, Benchmark Benchmark, double? Cap = null)
{
    /// <summary>The points a value earns against the benchmark: weight × value ÷ benchmark, at most <see cref="Cap"/> × weight.</summary>
    public double Points(double? value, double benchmark)
    {
        var points = Weight * (value ?? 0) / benchmark;
        return Cap is { } cap ? Math.Min(points, cap * Weight) : points;
    }
}

/// <summary>What a value is measured against: a multiple of last year's zone average, or a fixed value.</summary>
/// <param name="Rule">zone_average_last_year or fixed.</param>
public sealed record Benchmark(string Rule, double? Factor, double? Value);

/// <summary>Rank r of N ranked enterprises is class A if r/N ≤ a, else B if r/N ≤ b, else C if r/N ≤ c, else D.</summary>
public sealed record ClassBands(double A, double B, double C);

public sealed record NotRanked(bool Utilities, int MinYearsProducing);

/// <summary>Land is low-efficiency when its holder is class D this year and the years before (<paramref name="ConsecutiveD"/> in all), or its per-mu tax is under a threshold.</summary>
public sealed record LowEfficiencyRule(int ConsecutiveD, double? TaxPerMuBelowWan);

/// <summary>A unit's figures for a year, in 万元, tonnes of coal equivalent and people.</summary>
public sealed record Figures(double? TaxWan, double? SalesWan, double? RevenueWan, double? ValueAddedWan, double? Employees, double? EnergyTce, double? RndWan)
{
    public static Figures None { get; } = new(null, null, null, null, null, null, null);

    public static Figures operator +(Figures a, Figures b) => new(
        Add(a.TaxWan, b.TaxWan), Add(a.SalesWan, b.SalesWan), Add(a.RevenueWan, b.RevenueWan), Add(a.ValueAddedWan, b.ValueAddedWan),
        Add(a.Employees, b.Employees), Add(a.EnergyTce, b.EnergyTce), Add(a.RndWan, b.RndWan));

    static double? Add(double? x, double? y) => x is null && y is null ? null : (x ?? 0) + (y ?? 0);
}

/// <summary>The indicators a scheme may use: each a ratio of two of a unit's figures (or of its land).</summary>
public static class Measures
{
    public static IReadOnlyDictionary<string, (Func<Figures, double, double?> Numerator, Func<Figures, double, double?> Denominator)> All { get; } =
        new Dictionary<string, (Func<Figures, double, double?>, Func<Figures, double, double?>)>
        {
            ["tax_per_mu"] = ((f, _) => f.TaxWan, (_, mu) => mu),
            ["sales_per_mu"] = ((f, _) => f.SalesWan, (_, mu) => mu),
            ["revenue_per_mu"] = ((f, _) => f.RevenueWan, (_, mu) => mu),
            ["value_added_per_mu"] = ((f, _) => f.ValueAddedWan, (_, mu) => mu),
            ["tax_per_energy"] = ((f, _) => f.TaxWan, (f, _) => f.EnergyTce),
            ["value_added_per_energy"] = ((f, _) => f.ValueAddedWan, (f, _) => f.EnergyTce),
            ["labour_productivity"] = ((f, _) => f.ValueAddedWan, (f, _) => f.Employees),
            ["rnd_share"] = ((f, _) => f.RndWan, (f, _) => f.RevenueWan),
        };
}
