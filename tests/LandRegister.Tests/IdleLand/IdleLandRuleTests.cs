using LandRegister.Api.IdleLand;

namespace LandRegister.Tests.IdleLand;

public sealed class IdleLandRuleTests
{
    static readonly DateOnly StartBy = new(2022, 3, 1);

    static Construction NotStarted(decimal? price = 1000) => new(StartBy, false, null, null, null, price);

    [Fact]
    public void Land_not_started_a_year_after_the_agreed_start_is_idle_and_owes_a_fifth_of_its_price()
    {
        Assert.Null(IdleLandRule.Assess(NotStarted(), [], new DateOnly(2023, 2, 28)));
        var finding = IdleLandRule.Assess(NotStarted(), [], new DateOnly(2023, 3, 1))!;
        Assert.Equal("not_started", finding.Rule);
        Assert.Equal(365, finding.DaysSinceClockStart);
        Assert.Equal(0, finding.DaysIdle); // idle from this very day: the year before was the year of grace
        Assert.Equal(31, IdleLandRule.Assess(NotStarted(), [], new DateOnly(2023, 4, 1))!.DaysIdle);
        Assert.Equal(200m, finding.FeeWan);
        Assert.False(finding.Reclaimable);
    }

    [Fact]
    public void Two_years_idle_can_be_taken_back()
    {
        Assert.False(IdleLandRule.Assess(NotStarted(), [], new DateOnly(2024, 2, 29))!.Reclaimable);
        Assert.True(IdleLandRule.Assess(NotStarted(), [], new DateOnly(2024, 3, 1))!.Reclaimable);
    }

    [Fact]
    public void Delays_the_government_caused_stop_the_clock()
    {
        // Land delivered 90 days late (2022-03-01 .. 2022-05-29), plus a plan revision overlapping it by 10 days.
        Exemption[] exemptions = [new(new DateOnly(2022, 3, 1), new DateOnly(2022, 5, 29)), new(new DateOnly(2022, 5, 20), new DateOnly(2022, 6, 8))];
        Assert.Equal(100, IdleLandRule.ExemptDays(exemptions, StartBy, new DateOnly(2023, 3, 1)));
        Assert.Null(IdleLandRule.Assess(NotStarted(), exemptions, new DateOnly(2023, 6, 8)));
        var finding = IdleLandRule.Assess(NotStarted(), exemptions, new DateOnly(2023, 6, 9))!;
        Assert.Equal(100, finding.ExemptDays);
        Assert.Equal(365, finding.DaysSinceClockStart);
        Assert.Equal(0, finding.DaysIdle);
        // An exemption still running stops the clock up to today.
        Assert.Null(IdleLandRule.Assess(NotStarted(), [new Exemption(new DateOnly(2022, 6, 1), null)], new DateOnly(2025, 1, 1)));
    }

    [Theory]
    [InlineData(0.2, 0.5, true)]    // under a third developed
    [InlineData(0.5, 0.2, true)]    // under a quarter invested
    [InlineData(0.4, 0.3, false)]   // enough of both: stopped, but not idle land
    public void Started_land_is_idle_when_little_was_done_and_work_stopped_a_year_ago(double developed, double invested, bool idle)
    {
        var stalled = new Construction(StartBy, true, developed, invested, new DateOnly(2023, 1, 10), 800);
        Assert.Null(IdleLandRule.Assess(stalled, [], new DateOnly(2024, 1, 9)));
        var finding = IdleLandRule.Assess(stalled, [], new DateOnly(2024, 1, 10));
        Assert.Equal(idle, finding is not null);
        if (finding is not null) Assert.Equal(("stalled", new DateOnly(2023, 1, 10), 160m), (finding.Rule, finding.ClockFrom, finding.FeeWan!.Value));
    }

    [Fact]
    public void Started_land_where_work_goes_on_is_not_idle() =>
        Assert.Null(IdleLandRule.Assess(new Construction(StartBy, true, 0.1, 0.1, null, 800), [], new DateOnly(2030, 1, 1)));

    [Theory]
    [InlineData(null, null, "developedShare,investedShare")]
    [InlineData(0.5, null, "investedShare")]   // enough developed; the investment, unknown, might be under a quarter
    [InlineData(null, 0.4, "developedShare")]
    public void Stopped_land_whose_shares_are_not_known_is_not_determinable_and_says_what_is_missing(double? developed, double? invested, string missing)
    {
        var stopped = new Construction(StartBy, true, developed, invested, new DateOnly(2023, 1, 10), 800);
        Assert.Null(IdleLandRule.Assess(stopped, [], new DateOnly(2024, 1, 9)));
        var finding = IdleLandRule.Assess(stopped, [], new DateOnly(2024, 1, 10))!;
        Assert.Equal(IdleFinding.NotDeterminable, finding.Rule);
        Assert.False(finding.Idle);
        Assert.Null(finding.FeeWan);
        Assert.False(finding.Reclaimable);
        Assert.Equal(missing, string.Join(",", finding.Missing!));
    }

    [Fact]
    public void A_known_share_under_its_threshold_is_stalled_even_when_the_other_is_not_known() =>
        Assert.Equal("stalled", IdleLandRule.Assess(new Construction(StartBy, true, 0.1, null, new DateOnly(2023, 1, 10), 800), [], new DateOnly(2024, 2, 1))!.Rule);
}
