using Microsoft.Net.Http.Headers;

namespace LandRegister.Api.Exports;

/// <summary>Marks a list endpoint that can answer as CSV or .xlsx (the OpenAPI document lists the two media types).</summary>
public sealed class ExportableMetadata;

/// <summary>
/// Which file a list request asks for: <c>format=csv|xlsx</c> (or <c>json</c>), else its <c>Accept</c> header (<c>text/csv</c>
/// or the .xlsx media type, by quality). An export holds every row the filters match: <c>limit</c> and <c>cursor</c> page
/// the JSON only.
/// </summary>
public static class Export
{
    public const string FormatDescription =
        "json (default), csv (UTF-8 with a byte-order mark) or xlsx: the whole list as a file, every row the filters match " +
        "(limit and cursor page the JSON only). Accept: text/csv or the .xlsx media type asks the same.";

    public const string ResultsFormatDescription =
        "json (default), csv (UTF-8 with a byte-order mark) or xlsx: the same results as a file. Accept: text/csv or the .xlsx media type asks the same.";

    static readonly string[] Formats = ["json", "csv", "xlsx"];

    public static RouteHandlerBuilder Exportable(this RouteHandlerBuilder endpoint) => endpoint.WithMetadata(new ExportableMetadata());

    /// <summary>The file asked for, or null for the JSON; an unknown <paramref name="format"/> is a 400 naming it.</summary>
    public static ExportFormat? Requested(HttpRequest request, string? format)
    {
        switch (format?.Trim().ToLowerInvariant())
        {
            case "csv": return ExportFormat.Csv;
            case "xlsx": return ExportFormat.Xlsx;
            case "json" or "geojson": return null;
            case null: break;
            default:
                var errors = new FieldErrors();
                errors.AddUnknown("format", $"unknown format '{format}'", Formats);
                throw errors.ToProblem();
        }
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)) return null;
        foreach (var type in accepted.OrderByDescending(a => a.Quality ?? 1))
        {
            if (type.Quality == 0) continue;
            if (type.MediaType.Equals(Spreadsheets.Csv, StringComparison.OrdinalIgnoreCase)) return ExportFormat.Csv;
            if (type.MediaType.Equals(Spreadsheets.Xlsx, StringComparison.OrdinalIgnoreCase)) return ExportFormat.Xlsx;
            if (type.MatchesAllTypes || type.MediaType.Value?.Contains("json", StringComparison.OrdinalIgnoreCase) == true) return null;
        }
        return null;
    }

    /// <summary>The rows as the file asked for.</summary>
    public static IResult File<T>(ExportFormat format, ExportTable<T> table, IAsyncEnumerable<T> rows) => new ExportFile<T>(format, table, rows);

    /// <summary>
    /// The rows of <paramref name="sql"/>, read one at a time on a connection of their own while the file is written, each
    /// turned into the list's item by <paramref name="item"/>.
    /// </summary>
    public static async IAsyncEnumerable<T> Query<TRow, T>(NpgsqlDataSource db, string sql, object args, Func<TRow, T> item)
    {
        await using var conn = await db.OpenConnectionAsync();
        await foreach (var row in conn.QueryUnbufferedAsync<TRow>(sql, args)) yield return item(row);
    }

    /// <summary>Rows already read, as the file asked for.</summary>
    public static IResult File<T>(ExportFormat format, ExportTable<T> table, IEnumerable<T> rows) =>
        new ExportFile<T>(format, table, rows.ToAsyncEnumerable());
}
