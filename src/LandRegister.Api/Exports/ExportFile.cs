using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using MiniExcelLibs;
using MiniExcelLibs.Attributes;
using MiniExcelLibs.OpenXml;

namespace LandRegister.Api.Exports;

/// <summary>The formats a list can be downloaded in, besides its JSON.</summary>
public enum ExportFormat { Csv, Xlsx }

/// <summary>
/// A list written as a file while it is read: CSV (UTF-8 with a byte-order mark, so that Excel reads Chinese) or an .xlsx
/// workbook written by MiniExcel. Both start with two header rows, Chinese with units, then English; the workbook
/// freezes them, sets the column widths, writes numbers as numbers and days and instants as dates, and has a second
/// sheet describing each column. Rows are written as they come from the database: a million parcels take no more memory
/// than a hundred.
/// </summary>
public sealed class ExportFile<T>(ExportFormat format, ExportTable<T> table, IAsyncEnumerable<T> rows) : IResult
{
    /// <summary>China Standard Time: instants are written as the register's users read a clock.</summary>
    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public async Task ExecuteAsync(HttpContext http)
    {
        var columns = table.For(Caller.AudienceOf(http));
        var extension = format == ExportFormat.Csv ? "csv" : "xlsx";
        http.Response.ContentType = format == ExportFormat.Csv ? Spreadsheets.Csv + "; charset=utf-8" : Spreadsheets.Xlsx;
        http.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = $"{table.File}-{RegisterClock.Today:yyyy-MM-dd}.{extension}",
        }.ToString();
        http.Response.Headers.CacheControl = "no-store";
        var aborted = http.RequestAborted;
        if (format == ExportFormat.Csv) await WriteCsvAsync(http.Response.Body, columns, aborted);
        else await WriteXlsxAsync(http, columns, aborted);
    }

    async Task WriteCsvAsync(Stream body, IReadOnlyList<ExportTable<T>.Column> columns, CancellationToken aborted)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 1 << 16);
        var line = new StringBuilder(512);
        async Task WriteAsync(IEnumerable<string> cells)
        {
            line.Clear().AppendJoin(',', cells.Select(Spreadsheets.CsvField)).Append("\r\n");
            await writer.WriteAsync(line, aborted);
        }
        await WriteAsync(columns.Select(c => c.Header.ChineseHeader));
        await WriteAsync(columns.Select(c => c.Header.EnglishHeader));
        var cells = new string[columns.Count];
        await foreach (var row in rows.WithCancellation(aborted))
        {
            for (var i = 0; i < cells.Length; i++) cells[i] = CsvCell(columns[i].Kind, columns[i].Read(row));
            await WriteAsync(cells);
        }
    }

    /// <summary>
    /// A value as CSV text. Text that a spreadsheet would run as a formula (=, +, -, @, a tab or a return first) is
    /// written after an apostrophe, so a hostile name cannot become a formula in the bureau's Excel.
    /// </summary>
    public static string CsvCell(CellKind kind, object? value) => value switch
    {
        null => "",
        _ => kind switch
        {
            CellKind.Text => value.ToString() is { Length: > 0 } s && "=+-@\t\r".Contains(s[0]) ? "'" + s : value.ToString()!,
            CellKind.Number => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            CellKind.Date => ((DateOnly)value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            CellKind.Instant => Local(value).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            CellKind.Boolean => (bool)value ? "true" : "false",
            CellKind.List => string.Join("; ", ((System.Collections.IEnumerable)value).Cast<object>()
                .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        },
    };

    /// <summary>An instant as Beijing wall-clock time (JSON has it in UTC).</summary>
    static DateTime Local(object value) => value switch
    {
        DateTimeOffset o => o.ToOffset(Beijing).DateTime,
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).Add(Beijing),
        _ => throw new ArgumentException("not an instant", nameof(value)),
    };

    /// <summary>A value as MiniExcel writes it: numbers, dates and yes/no as such; text as text (never a formula).</summary>
    static object? XlsxCell(CellKind kind, object? value) => value switch
    {
        null => null,
        _ => kind switch
        {
            CellKind.Date => ((DateOnly)value).ToDateTime(TimeOnly.MinValue),
            CellKind.Instant => Local(value),
            CellKind.List => CsvCell(kind, value),
            _ => value,
        },
    };

    async Task WriteXlsxAsync(HttpContext http, IReadOnlyList<ExportTable<T>.Column> columns, CancellationToken aborted)
    {
        // MiniExcel finishes each part of the zip with a synchronous write; the body is streamed, never buffered.
        http.Features.Get<IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        var keys = columns.Select((_, i) => "c" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var configuration = new OpenXmlConfiguration
        {
            FreezeRowCount = 2, AutoFilter = false, TableStyles = TableStyles.Default, EnableWriteNullValueCell = false,
            DynamicColumns = columns.Select((c, i) => new DynamicExcelColumn(keys[i])
            {
                Name = c.Header.ChineseHeader, Width = c.Header.Width,
                Format = c.Kind switch { CellKind.Date => "yyyy-mm-dd", CellKind.Instant => "yyyy-mm-dd hh:mm:ss", _ => null },
            }).ToArray(),
        };
        var sheets = new Dictionary<string, object>
        {
            [table.Sheet] = Sheet(columns, keys, aborted),
            ["字段说明 Columns"] = Legend(columns),
        };
        await http.Response.Body.SaveAsAsync(sheets, configuration: configuration, cancellationToken: aborted);
    }

    async IAsyncEnumerable<IDictionary<string, object?>> Sheet(
        IReadOnlyList<ExportTable<T>.Column> columns, string[] keys, [EnumeratorCancellation] CancellationToken aborted)
    {
        var english = new Dictionary<string, object?>(keys.Length);
        for (var i = 0; i < keys.Length; i++) english[keys[i]] = columns[i].Header.EnglishHeader;
        yield return english;
        await foreach (var row in rows.WithCancellation(aborted))
        {
            var cells = new Dictionary<string, object?>(keys.Length);
            for (var i = 0; i < keys.Length; i++) cells[keys[i]] = XlsxCell(columns[i].Kind, columns[i].Read(row));
            yield return cells;
        }
    }

    static List<Dictionary<string, object?>> Legend(IReadOnlyList<ExportTable<T>.Column> columns) =>
        columns.Select((c, i) => new Dictionary<string, object?>
        {
            ["列 Column"] = ColumnName(i), ["表头 Header"] = c.Header.Chinese, ["English"] = c.Header.English,
            ["单位 Unit"] = c.Header.Unit, ["JSON"] = c.Header.Path,
        }).ToList();

    static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : ColumnName(index / 26 - 1) + (char)('A' + index % 26);
}
