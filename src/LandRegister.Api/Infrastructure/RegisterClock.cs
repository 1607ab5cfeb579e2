namespace LandRegister.Api.Infrastructure;

/// <summary>
/// The register's one clock. Dates are those of the zones it serves, in one time zone (<c>LandRegister:TimeZone</c>,
/// default Asia/Shanghai, China Standard Time): "today", a year's end, and the schedules of the nightly jobs.
/// </summary>
public static class RegisterClock
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public static TimeZoneInfo TimeZone { get; private set; } = TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZone);

    /// <summary>Reads <c>LandRegister:TimeZone</c>; an unknown zone stops the start with the key named.</summary>
    public static void Configure(IConfiguration config)
    {
        var id = config["LandRegister:TimeZone"] is { Length: > 0 } configured ? configured : DefaultTimeZone;
        TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)
            ? zone
            : throw new InvalidOperationException($"LandRegister:TimeZone: '{id}' is not a time zone of this machine (e.g. Asia/Shanghai).");
    }

    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZone));

    /// <summary>The day an instant falls on in the register's time zone.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>The first instant of a day in the register's time zone.</summary>
    public static DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    /// <summary>The last instant of a year in the register's time zone (the end-of-year state audits ask about).</summary>
    public static DateTimeOffset EndOfYear(int year) => StartOf(new DateOnly(year + 1, 1, 1)).AddTicks(-10);
}
