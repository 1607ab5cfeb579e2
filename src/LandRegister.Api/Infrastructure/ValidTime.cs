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
        else if (effective < RegisterDates.Earliest) errors.Add(field, RegisterDates.SinceEarliest);
    }

    /// <summary>A day a run or a report is computed at: since 1949-10-01 and not after today; a 422 naming it otherwise.</summary>
    public static void RequireDay(DateOnly? day, string field)
    {
        if (day > RegisterClock.Today) throw Problems.Invalid(field, "must not be in the future");
        if (day < RegisterDates.Earliest) throw Problems.Invalid(field, RegisterDates.SinceEarliest);
    }

    /// <summary>
    /// Checks an <c>asOf</c> (valid time) and <c>recordedAsOf</c> (record time) pair: neither in the future; a record
    /// time alone reads the world as it stood at that time. Returns both in UTC, the valid time null when neither is given.
    /// </summary>
    public static (DateTimeOffset? AsOf, DateTimeOffset? RecordedAsOf) CheckAsOf(DateTimeOffset? asOf, DateTimeOffset? recordedAsOf, FieldErrors errors)
    {
        var now = DateTimeOffset.UtcNow;
        var earliest = RegisterClock.StartOf(RegisterDates.Earliest);
        if (asOf > now) errors.Add("asOf", "must not be in the future");
        else if (asOf < earliest) errors.Add("asOf", RegisterDates.SinceEarliest);
        if (recordedAsOf > now) errors.Add("recordedAsOf", "must not be in the future");
        else if (recordedAsOf < earliest) errors.Add("recordedAsOf", RegisterDates.SinceEarliest);
        return ((asOf ?? recordedAsOf)?.ToUniversalTime(), recordedAsOf?.ToUniversalTime());
    }
}

/// <summary>
/// The dates the register accepts at all: from the founding of the People's Republic (no land record of a development
/// zone is older) to <see cref="YearsAhead"/> years ahead (the longest land-use term is 70 years). Days that must have
/// come (effective dates, payments, the day a run is computed at) are checked against today where they are read.
/// </summary>
public static class RegisterDates
{
    public static readonly DateOnly Earliest = new(1949, 10, 1);
    public const int YearsAhead = 100;
    public const string SinceEarliest = "must be a date since 1949-10-01";
    public const string OutOfRange = "must be a date from 1949-10-01 to 100 years from today";

    public static DateOnly Latest => RegisterClock.Today.AddYears(YearsAhead);

    public static bool InRange(DateOnly day) => day >= Earliest && day <= Latest;
}

/// <summary>Reads every DateOnly of a JSON body as yyyy-MM-dd within <see cref="RegisterDates"/>' range.</summary>
public sealed class RegisterDateConverter : System.Text.Json.Serialization.JsonConverter<DateOnly>
{
    public override DateOnly Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        if (reader.TokenType != System.Text.Json.JsonTokenType.String
            || !DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
            throw new System.Text.Json.JsonException(); // "could not be converted to DateOnly": a date (YYYY-MM-DD) is expected
        return RegisterDates.InRange(day) ? day : throw new System.Text.Json.JsonException(RegisterDates.OutOfRange);
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateOnly value, System.Text.Json.JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}
