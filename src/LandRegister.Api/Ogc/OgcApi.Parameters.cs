using System.Globalization;

namespace LandRegister.Api.Ogc;

/// <summary>Reading the OGC API's query parameters: unknown ones refused, each malformed one named.</summary>
public static partial class OgcApi
{
    /// <summary>Refuses parameters the operation does not know: a client that sends one expects it to filter.</summary>
    static void OnlyKnown(HttpRequest request, params string[] known)
    {
        var errors = new FieldErrors();
        foreach (var key in request.Query.Keys.Where(k => !known.Contains(k)))
            errors.AddUnreadable(key, $"unknown parameter; this operation takes {(known.Length == 0 ? "none" : string.Join(", ", known))}");
        if (request.Query.TryGetValue("f", out var f) && f.ToString() is not ("json" or "geojson" or "application/json" or "application/geo+json"))
            errors.AddUnknown("f", $"unknown format '{f}'", ["json", "geojson"]);
        errors.ThrowIfAny();
    }

    /// <summary>
    /// <c>datetime</c>: an instant reads the register as it was then (from the history); an interval
    /// (<c>start/end</c>, either end <c>..</c> or empty) keeps the parcels that existed during it, as they were at its end.
    /// QGIS 3.22 writes an open start as the year 0000 (<c>0000-01-01T00:00:00Z/…</c>), which no calendar type holds: it
    /// is read as open.
    /// </summary>
    internal static (DateTimeOffset? AsOf, DateTimeOffset? From, DateTimeOffset? To) DateTimeFilter(string? value)
    {
        if (string.IsNullOrEmpty(value)) return (null, null, null);
        var parts = value.Split('/');
        if (parts.Length == 1) return (Instant(parts[0]) is var at && at < DateTimeOffset.UtcNow ? at : null, null, null);
        if (parts.Length != 2) throw Problems.BadRequest("datetime", "an instant or an interval start/end (RFC 3339; '..' for an open end)");
        var from = parts[0] is "" or ".." || parts[0].StartsWith("0000-", StringComparison.Ordinal) ? (DateTimeOffset?)null : Instant(parts[0]);
        var to = parts[1] is "" or ".." ? (DateTimeOffset?)null : Instant(parts[1]);
        if (from > to) throw Problems.BadRequest("datetime", "the interval ends before it starts");
        return (to is { } end && end < DateTimeOffset.UtcNow ? end : null, from, to);
    }

    internal static DateTimeOffset Instant(string text, string field = "datetime")
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)) return instant;
        throw Problems.BadRequest(field, $"'{text}' is not an RFC 3339 date or date-time");
    }

    static int? Integer(string? text, string field) =>
        text is null ? null : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Problems.BadRequest(field, "must be an integer");

    internal static double? Number(string? text, string field) =>
        text is null ? null : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
            ? n : throw Problems.BadRequest(field, "must be a number");

    internal static bool? Boolean(string? text, string field) =>
        text is null ? null : bool.TryParse(text, out var b) ? b : throw Problems.BadRequest(field, "must be true or false");
}
