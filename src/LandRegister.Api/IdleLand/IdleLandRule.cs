namespace LandRegister.Api.IdleLand;

/// <summary>A period during which the government caused the delay, so the idle-land clock stops.</summary>
public sealed record Exemption(DateOnly From, DateOnly? To);

/// <summary>What the register knows of a supplied parcel's construction.</summary>
/// <param name="ConstructionStartBy">The start agreed in the contract or allocation decision.</param>
/// <param name="Started">Whether construction has started.</param>
/// <param name="DevelopedShare">Share of the area due that is developed (0-1), from the latest progress report.</param>
/// <param name="InvestedShare">Share of the total investment made (0-1).</param>
/// <param name="StoppedSince">Since when work has stopped, if it has.</param>
/// <param name="PriceWan">The land price, for the idle-land fee.</param>
public sealed record Construction(
    DateOnly ConstructionStartBy, bool Started, double? DevelopedShare, double? InvestedShare, DateOnly? StoppedSince, decimal? PriceWan);

/// <summary>A parcel found idle.</summary>
/// <param name="Rule">not_started; stalled (started, under 1/3 developed or 25% invested, stopped); or
/// stalled_not_determinable (stopped for the year, but the shares the rule weighs are not known): not idle, not cleared.</param>
/// <param name="ClockFrom">Where the clock starts: the agreed start, or the day work stopped.</param>
/// <param name="DaysSinceClockStart">Days from <paramref name="ClockFrom"/> to <c>asOf</c>, the exempt days taken off: the year of grace included.</param>
/// <param name="DaysIdle">Days the land has been idle under the rule on <c>asOf</c>: since the year of grace ended.</param>
/// <param name="FeeWan">The idle-land fee, 20% of the land price.</param>
/// <param name="Reclaimable">Idle for two years: the land can be taken back without compensation.</param>
/// <param name="Missing">What the register would need to apply the rule (developedShare, investedShare), for a finding not determinable.</param>
public sealed record IdleFinding(string Rule, DateOnly ClockFrom, int DaysSinceClockStart, int DaysIdle, int ExemptDays, decimal? FeeWan, bool Reclaimable,
    IReadOnlyList<string>? Missing = null)
{
    public const string NotDeterminable = "stalled_not_determinable";

    /// <summary>Idle under the rule (not merely not determinable).</summary>
    public bool Idle => Rule != NotDeterminable;
}

/// <summary>
/// The idle-land rule of MLR Order 53 (闲置土地处置办法, 2012): supplied land is idle when construction has not
/// started one year after the agreed start, or when it started but under a third of the area due is developed or
/// under a quarter of the investment made and work has stopped for a year. Days the government caused the delay
/// (art. 8) do not count. At one year the holder owes a fee of 20% of the land price; at two the land can be
/// taken back without compensation.
/// </summary>
public static class IdleLandRule
{
    public const decimal FeeShare = 0.20m;

    public static IdleFinding? Assess(Construction c, IReadOnlyList<Exemption> exemptions, DateOnly asOf)
    {
        string rule;
        DateOnly clockFrom;
        if (!c.Started)
        {
            rule = "not_started";
            clockFrom = c.ConstructionStartBy;
        }
        else if (c.StoppedSince is { } stopped && (c.DevelopedShare < 1d / 3 || c.InvestedShare < 0.25))
        {
            rule = "stalled";
            clockFrom = stopped;
        }
        else if (c.StoppedSince is { } halted && (c.DevelopedShare is null || c.InvestedShare is null))
        {
            // Stopped, and what is known does not make it stalled: the share not known might.
            rule = IdleFinding.NotDeterminable;
            clockFrom = halted;
        }
        else return null;

        var exempt = ExemptDays(exemptions, clockFrom, asOf);
        // The clock runs one calendar year, moved on by the exempt days.
        var idleFrom = clockFrom.AddDays(exempt).AddYears(1);
        if (asOf < idleFrom) return null;
        var sinceClockStart = asOf.DayNumber - clockFrom.DayNumber - exempt;
        var reclaimable = asOf >= clockFrom.AddDays(exempt).AddYears(2);
        if (rule == IdleFinding.NotDeterminable)
            return new IdleFinding(rule, clockFrom, sinceClockStart, asOf.DayNumber - idleFrom.DayNumber, exempt, null, false,
                [.. c.DevelopedShare is null ? new[] { "developedShare" } : [], .. c.InvestedShare is null ? new[] { "investedShare" } : []]);
        return new IdleFinding(rule, clockFrom, sinceClockStart, asOf.DayNumber - idleFrom.DayNumber, exempt,
            c.PriceWan is { } price ? Math.Round(price * FeeShare, 2) : null, reclaimable);
    }

    /// <summary>Days of [from, asOf) covered by at least one exemption (overlapping exemptions count once).</summary>
    public static int ExemptDays(IReadOnlyList<Exemption> exemptions, DateOnly from, DateOnly asOf)
    {
        var days = 0;
        var covered = from;
        foreach (var e in exemptions.OrderBy(e => e.From))
        {
            var start = e.From > covered ? e.From : covered;
            var end = e.To is { } to && to.AddDays(1) < asOf ? to.AddDays(1) : asOf;
            if (end <= start) continue;
            days += end.DayNumber - start.DayNumber;
            covered = end;
        }
        return days;
    }
}
