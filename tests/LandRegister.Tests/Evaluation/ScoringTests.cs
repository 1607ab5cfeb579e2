using LandRegister.Api.Evaluation;

namespace LandRegister.Tests.Evaluation;

/// <summary>
/// The hand-checked example, graded by the pure scoring under the default scheme (Huai'an 2024).
///
/// Eight ranked enterprises R1-R8 on 200 mu in all. Last year each had tax 2.5, sales 50 and energy 25 per mu
/// (R7 and R8 shifted between them, sums unchanged), so the zone's aggregate averages were 500 / 200 = 2.5 万元/亩
/// tax, 10000 / 200 = 50 万元/亩 sales and 500 / 5000 = 0.1 万元/tce; the benchmarks are twice that: 5, 100, 0.2.
///
///                 land  tax  sales  energy   tax/mu → ×45/5   sales/mu → ×35/100   tax/tce → ×20/0.2    score  rank class
///   R1             20   100   1000    500     5     → 45       50      → 17.5       0.2    → 20           82.5    1    A
///   R2             40   120   2400    800     3     → 27       60      → 21         0.15   → 15           63      2    B
///   R3 (+tenant)   20    60    900    300     3     → 27       45      → 15.75      0.2    → 20           62.75   3    B
///   R5             10    15    400    100     1.5   → 13.5     40      → 14         0.15   → 15           42.5    4    B
///   R4             30    60   1200    600     2     → 18       40      → 14         0.1    → 10           42      5    C
///   R6             20    20    600    400     1     → 9        30      → 10.5       0.05   → 5            24.5    6    C
///   R7             50    40   1500   1000     0.8   → 7.2      30      → 10.5       0.04   → 4            21.7    7    C
///   R8             10     2     60     50     0.2   → 1.8       6      → 2.1        0.04   → 4             7.9    8    D
///
/// Ranks by share of 8: 1/8 ≤ 0.2 → A; 2/8..4/8 ≤ 0.6 → B; 5/8..7/8 ≤ 0.95 → C; 8/8 → D. R3's tenant (no land of its
/// own) is graded B with R3, whose figures include its own. T1 is a utility and T2 started production last year:
/// both class T. OUT is not above scale and has 2 mu (under 3): not evaluated. R8 was D last year too, so its land
/// is low-efficiency.
/// </summary>
public sealed class ScoringTests
{
    static Figures F(double tax, double sales, double energy) => new(tax, sales, null, null, null, energy, null);

    public static IReadOnlyList<EvaluationUnit> Units() =>
    [
        Unit("R1", 20, F(100, 1000, 500), F(50, 1000, 500)),
        Unit("R2", 40, F(120, 2400, 800), F(100, 2000, 1000)),
        Unit("R3", 20, F(60, 900, 300), F(50, 1000, 500), tenants: [new MergedTenant("TENANT", 5, "P")]),
        Unit("R4", 30, F(60, 1200, 600), F(75, 1500, 750)),
        Unit("R5", 10, F(15, 400, 100), F(25, 500, 250)),
        Unit("R6", 20, F(20, 600, 400), F(50, 1000, 500)),
        Unit("R7", 50, F(40, 1500, 1000), F(145, 2900, 1250)),
        Unit("R8", 10, F(2, 60, 50), F(5, 100, 250), previous: ["D"]),
        Unit("T1", 15, F(1, 10, 900), F(1, 10, 900), utility: true),
        Unit("T2", 12, F(5, 50, 10), F(0, 0, 0), yearsProducing: 1),
        Unit("OUT", 2, F(1, 10, 5), F(1, 10, 5), aboveScale: false),
    ];

    static EvaluationUnit Unit(string code, double mu, Figures thisYear, Figures lastYear, bool utility = false, int? yearsProducing = 10,
        bool aboveScale = true, string[]? previous = null, MergedTenant[]? tenants = null) =>
        new(code, mu, thisYear, lastYear, aboveScale, utility, yearsProducing, null, "P", previous ?? [], tenants ?? []);

    [Fact]
    public void The_hand_checked_zone_is_graded_as_worked_out()
    {
        var grades = Scoring.Evaluate(EvaluationScheme.Default, Units()).ToDictionary(g => g.CreditCode);
        var expected = new (string Code, double Score, int Rank, string Class)[]
        {
            ("R1", 82.5, 1, "A"), ("R2", 63, 2, "B"), ("R3", 62.75, 3, "B"), ("R5", 42.5, 4, "B"),
            ("R4", 42, 5, "C"), ("R6", 24.5, 6, "C"), ("R7", 21.7, 7, "C"), ("R8", 7.9, 8, "D"),
        };
        foreach (var (code, score, rank, cls) in expected)
        {
            Assert.Equal(score, grades[code].Score!.Value, 4);
            Assert.Equal(rank, grades[code].Rank);
            Assert.Equal(8, grades[code].Ranked);
            Assert.Equal(cls, grades[code].Class);
        }
        Assert.Equal(5, grades["R1"].Indicators["tax_per_mu"].Benchmark, 4);
        Assert.Equal(100, grades["R1"].Indicators["sales_per_mu"].Benchmark, 4);
        Assert.Equal(0.2, grades["R1"].Indicators["tax_per_energy"].Benchmark, 4);
        Assert.Equal(15.75, grades["R3"].Indicators["sales_per_mu"].Points, 4);

        Assert.Equal("B", grades["TENANT"].Class);
        Assert.Equal("R3", grades["TENANT"].HolderCode);
        Assert.Null(grades["TENANT"].Rank);
        Assert.Equal("T", grades["T1"].Class);
        Assert.Contains("utility", grades["T1"].Note);
        Assert.Equal("T", grades["T2"].Class);
        Assert.False(grades.ContainsKey("OUT"));

        Assert.True(grades["R8"].LowEfficiency);
        Assert.Equal(["R8"], grades.Values.Where(g => g.LowEfficiency).Select(g => g.CreditCode));
    }

    [Fact]
    public void Grading_the_same_zone_twice_gives_the_same_grades_in_credit_code_order()
    {
        // The units in code order (but for one out of scope) with a merged tenant, then reversed.
        var grades = Scoring.Evaluate(EvaluationScheme.Default, Units());
        Assert.Equal(grades, Scoring.Evaluate(EvaluationScheme.Default, Units().Reverse().ToList()), new GradeComparer());
        Assert.Equal(grades.Select(g => g.CreditCode).Order(StringComparer.Ordinal), grades.Select(g => g.CreditCode));
    }

    sealed class GradeComparer : IEqualityComparer<Grade>
    {
        public bool Equals(Grade? a, Grade? b) => a!.CreditCode == b!.CreditCode && a.Score == b.Score && a.Rank == b.Rank && a.Class == b.Class;
        public int GetHashCode(Grade g) => g.CreditCode.GetHashCode();
    }

    [Fact]
    public void A_veto_makes_the_class_D_without_a_rank()
    {
        var units = Units().Select(u => u.CreditCode == "R1" ? u with { Veto = "safety_accident" } : u).ToList();
        var grades = Scoring.Evaluate(EvaluationScheme.Default, units).ToDictionary(g => g.CreditCode);
        Assert.Equal("D", grades["R1"].Class);
        Assert.Null(grades["R1"].Rank);
        Assert.Equal(1, grades["R2"].Rank);
        Assert.Equal(7, grades["R2"].Ranked);
    }

    [Fact]
    public void D_one_year_only_is_not_yet_low_efficiency_but_a_tax_threshold_can_make_it_so()
    {
        var once = Units().Select(u => u with { PreviousClasses = [] }).ToList();
        Assert.DoesNotContain(Scoring.Evaluate(EvaluationScheme.Default, once), g => g.LowEfficiency);
        var strict = EvaluationScheme.Default with { LowEfficiency = new LowEfficiencyRule(2, TaxPerMuBelowWan: 1.2) };
        var low = Scoring.Evaluate(strict, once).Where(g => g.LowEfficiency).Select(g => g.CreditCode).Order().ToArray();
        Assert.Equal(["R6", "R7", "R8"], low); // per-mu tax 1, 0.8 and 0.2 万元
    }

    [Fact]
    public void Without_figures_for_last_year_the_benchmark_is_this_years_average()
    {
        var units = Units().Select(u => u with { LastYear = Figures.None }).ToList();
        var r1 = Scoring.Evaluate(EvaluationScheme.Default, units).Single(g => g.CreditCode == "R1");
        // This year: tax 417 on 200 mu → 2.085 万元/亩, doubled.
        Assert.Equal(4.17, r1.Indicators["tax_per_mu"].Benchmark, 4);
        Assert.Contains("this year's", r1.Note);
    }

    [Fact]
    public void An_enterprise_with_no_start_of_production_is_not_ranked_and_its_land_not_marked()
    {
        List<EvaluationUnit> units = [.. Units(), Unit("BUILDING", 30, F(0, 0, 0), F(0, 0, 0), yearsProducing: null, previous: ["D"])];
        var grades = Scoring.Evaluate(EvaluationScheme.Default, units).ToDictionary(g => g.CreditCode);
        Assert.Equal("T", grades["BUILDING"].Class);
        Assert.Null(grades["BUILDING"].Rank);
        Assert.False(grades["BUILDING"].LowEfficiency);
        Assert.Contains("not producing", grades["BUILDING"].Note);
        // The others are ranked as before.
        Assert.Equal(Scoring.Evaluate(EvaluationScheme.Default, Units()).Where(g => g.Class != "T").Select(g => (g.CreditCode, g.Class)),
            grades.Values.Where(g => g.Class != "T").OrderBy(g => g.CreditCode, StringComparer.Ordinal).Select(g => (g.CreditCode, g.Class)));
    }

    [Fact]
    public void A_capped_indicator_gives_at_most_its_cap_times_its_weight()
    {
        var scheme = EvaluationScheme.Default with
        {
            Indicators = [new SchemeIndicator("tax_per_mu", 100, new Benchmark("fixed", null, 5), Cap: 1.2)],
        };
        var grades = Scoring.Evaluate(scheme,
        [
            Unit("STAR", 10, F(150, 100, 10), F(150, 100, 10)),   // 15 万元/亩: 300 points uncapped
            Unit("PAR", 10, F(50, 100, 10), F(50, 100, 10)),      // 5 万元/亩: the benchmark, 100 points
            Unit("LOW", 10, F(20, 100, 10), F(20, 100, 10)),      // 2 万元/亩: 40 points
        ]).ToDictionary(g => g.CreditCode);
        Assert.Equal(120, grades["STAR"].Score);
        Assert.Equal(120, grades["STAR"].Indicators["tax_per_mu"].Points);
        Assert.Equal(100, grades["PAR"].Score);
        Assert.Equal(40, grades["LOW"].Score);
        Assert.Equal(300, Scoring.Evaluate(scheme with { Indicators = [scheme.Indicators[0] with { Cap = null }] },
            [Unit("STAR", 10, F(150, 100, 10), F(150, 100, 10))]).Single().Score);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(11.0)]
    public void A_cap_under_the_weight_or_absurdly_high_is_refused(double cap)
    {
        var scheme = EvaluationScheme.Default with
        {
            Indicators = [new SchemeIndicator("tax_per_mu", 100, new Benchmark("fixed", null, 5), Cap: cap)],
        };
        var refused = Assert.Throws<LandRegister.Api.Infrastructure.ProblemException>(scheme.Validate);
        Assert.Contains("indicators[0].cap", refused.Errors.Keys);
    }
}
