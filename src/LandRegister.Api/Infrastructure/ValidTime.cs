namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Valid time: when a change holds in the world, beside the record time at which the register learnt it. A change
/// given an effective date in the past holds from the start of that day (in the register's time zone); a change
/// effective today, or given none, holds from the moment it is recorded.
/// </summary>
public static class ValidTime
{
    /// <summary>The valid time of a change effective on <paramref name="effective"/>: null for "from when it is recorded".</summary>
    public static DateTimeOffset? From(DateOnly? effective) =>
        effective is { } day && day < RegisterClock.Today ? RegisterClock.StartOf(day).ToUniversalTime() : null;

    /// <summary>An effective date is a day that has come.</summary>
    public static void Check(DateOnly? effective, string field, FieldErrors errors)
    {
        if (effective > RegisterClock.Today) errors.Add(field, "must not be in the future: the register records what has happened");
        else if (effective < new DateOnly(1949, 10, 1)) errors.Add(field, "must be a date since 1949-10-01");
    }

    /// <summary>
    /// Checks an <c>asOf</c> (valid time) and <c>recordedAsOf</c> (record time) pair: neither in the future; a record
    /// time alone reads the world as it stood at that time. Returns both in UTC, the valid time null when neither is given.
    /// </summary>
    public static (DateTimeOffset? AsOf, DateTimeOffset? RecordedAsOf) CheckAsOf(DateTimeOffset? asOf, DateTimeOffset? recordedAsOf, FieldErrors errors)
    {
        var now = DateTimeOffset.UtcNow;
        if (asOf > now) errors.Add("asOf", "must not be in the future");
        if (recordedAsOf > now) errors.Add("recordedAsOf", "must not be in the future");
        return ((asOf ?? recordedAsOf)?.ToUniversalTime(), recordedAsOf?.ToUniversalTime());
    }
}
