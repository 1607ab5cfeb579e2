using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Worksheets;

namespace LandRegister.Api.Infrastructure;

/// <summary>A table read from a CSV or .xlsx file: its header and its rows, each with the line it came from.</summary>
public sealed record SheetRow(int Line, string[] Cells);

/// <summary>
/// Tables people keep in spreadsheets, read and written: CSV (RFC 4180, UTF-8, with or without a byte-order mark) and the
/// first sheet of an .xlsx workbook. The yearly figures and the rectification ledger come and go this way.
/// </summary>
public static class Spreadsheets
{
    public const string Csv = "text/csv";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static List<SheetRow> ReadCsv(string text)
    {
        var rows = new List<SheetRow>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        var (line, rowLine, quoted, i) = (1, 1, false, 0);
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; cell.Append(c); }
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                cells.Add(cell.ToString());
                cell.Clear();
                rows.Add(new SheetRow(rowLine, cells.ToArray()));
                cells.Clear();
                rowLine = ++line;
            }
            else cell.Append(c);
        }
        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            rows.Add(new SheetRow(rowLine, cells.ToArray()));
        }
        return rows;
    }

    /// <summary>The first worksheet; a row's line is its spreadsheet row number.</summary>
    public static List<SheetRow> ReadXlsx(Stream stream)
    {
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart ?? throw new InvalidDataException("the file has no workbook");
        var first = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("the workbook has no sheet");
        var sheet = (WorksheetPart)workbook.GetPartById(first.Id!);
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
        var rows = new List<SheetRow>();
        foreach (var row in sheet.Worksheet.Descendants<Row>())
        {
            var values = new SortedDictionary<int, string>();
            foreach (var c in row.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>())
            {
                var column = ColumnIndex(c.CellReference?.Value) ?? values.Count;
                var raw = c.CellValue?.Text ?? c.InlineString?.InnerText ?? "";
                values[column] = c.DataType?.Value == CellValues.SharedString && int.TryParse(raw, out var s) && s < shared.Length ? shared[s] : raw;
            }
            var width = values.Count == 0 ? 0 : values.Keys.Max() + 1;
            rows.Add(new SheetRow((int)(row.RowIndex?.Value ?? (uint)rows.Count + 1),
                Enumerable.Range(0, width).Select(i => values.GetValueOrDefault(i, "")).ToArray()));
        }
        return rows;
    }

    static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var index = 0;
        foreach (var ch in reference.TakeWhile(char.IsLetter)) index = index * 26 + (char.ToUpperInvariant(ch) - 'A' + 1);
        return index - 1;
    }

    /// <summary>A table sent as a request's body, with the bytes and media type it came as.</summary>
    public sealed record Upload(List<SheetRow> Rows, byte[] Bytes, string Type);

    /// <summary>A table sent as the request's body: CSV (UTF-8) or .xlsx, by its Content-Type (415 otherwise, 400 unreadable).</summary>
    public static async Task<Upload> ReadRequestAsync(HttpRequest request)
    {
        var type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not (Xlsx or Csv or "application/csv" or "text/plain"))
            throw new ProblemException(415, "Unsupported media type.", $"Send the table as {Csv} (UTF-8) or {Xlsx}.",
                new Dictionary<string, string[]> { ["Content-Type"] = [$"'{type}' is not text/csv or .xlsx"] });
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var bytes = buffer.ToArray();
        if (type == Xlsx)
        {
            try { return new Upload(ReadXlsx(new MemoryStream(bytes)), bytes, Xlsx); }
            catch (Exception e) when (e is InvalidDataException or DocumentFormat.OpenXml.Packaging.OpenXmlPackageException or FileFormatException)
            {
                throw Problems.BadRequest("body", $"not a readable .xlsx workbook: {e.Message}");
            }
        }
        try { return new Upload(ReadCsv(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes)), bytes, Csv); }
        catch (DecoderFallbackException) { throw Problems.BadRequest("body", "the CSV file is not UTF-8"); }
    }

    /// <summary>A header as written by people: 入库税收（万元）, Tax_Wan, tax wan… all read as "入库税收" / "taxwan".</summary>
    public static string Normalize(string header)
    {
        var text = header.Trim().TrimStart('\uFEFF');
        var paren = text.IndexOfAny(['(', '（']);
        if (paren > 0) text = text[..paren];
        return new string(text.Where(c => !char.IsWhiteSpace(c) && c != '_' && c != '-').ToArray()).ToLowerInvariant();
    }

    /// <summary>A date as people type it in a sheet: yyyy-MM-dd, yyyy/M/d, or the day number a spreadsheet stores.</summary>
    public static bool TryDate(string text, out DateOnly value)
    {
        var t = text.Trim();
        if (DateOnly.TryParseExact(t, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
            return true;
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial is > 18_000 and < 80_000)
        {
            value = DateOnly.FromDateTime(DateTime.FromOADate(serial));
            return true;
        }
        return false;
    }

    /// <summary>The rows as CSV, UTF-8 with a byte-order mark (so that spreadsheet programs read Chinese right).</summary>
    public static byte[] WriteCsv(IEnumerable<string[]> rows)
    {
        var text = new StringBuilder("\uFEFF");
        foreach (var row in rows)
        {
            text.AppendJoin(',', row.Select(CsvField));
            text.Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A CSV field (RFC 4180): quoted, its quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string CsvField(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;

    /// <summary>The style of a workbook's header rows: bold on a light blue.</summary>
    public static Style HeaderStyle => new() { Font = { Bold = true }, Fill = { Color = System.Drawing.Color.FromArgb(0xDD, 0xEB, 0xF7) } };

    /// <summary>The rows as the one sheet of an .xlsx workbook, every cell text, the first row a header.</summary>
    public static Task<byte[]> WriteXlsxAsync(string sheetName, IEnumerable<string[]> rows) =>
        WriteXlsxAsync(new Dictionary<string, IReadOnlyList<object?[]>> { [sheetName] = rows.Select(r => r.Cast<object?>().ToArray()).ToList() });

    /// <summary>
    /// Small tables as the sheets of an .xlsx workbook, in order (SpreadCheetah, as the lists' exports): each sheet's first
    /// row a frozen header, numbers as numbers, each column as wide as its widest cell.
    /// </summary>
    public static async Task<byte[]> WriteXlsxAsync(IReadOnlyDictionary<string, IReadOnlyList<object?[]>> sheets)
    {
        using var stream = new MemoryStream();
        await using (var workbook = await Spreadsheet.CreateNewAsync(stream))
        {
            var header = workbook.AddStyle(HeaderStyle);
            foreach (var (name, rows) in sheets)
            {
                var options = new WorksheetOptions { FrozenRows = 1 };
                var widths = rows.SelectMany(r => r.Select((cell, i) => (i, Width: DisplayWidth(cell))))
                    .GroupBy(c => c.i, c => c.Width).Select(g => (Column: g.Key, Width: g.Max()));
                foreach (var (column, width) in widths) options.Column(column + 1).Width = Math.Clamp(width + 2, 8, 60);
                await workbook.StartWorksheetAsync(name, options);
                for (var i = 0; i < rows.Count; i++)
                {
                    var cells = rows[i].Select(DataCellOf).ToArray();
                    if (i == 0) await workbook.AddRowAsync(cells.Select(c => new SpreadCheetah.Cell(c, header)).ToArray());
                    else await workbook.AddRowAsync(cells);
                }
            }
            await workbook.FinishAsync();
        }
        return stream.ToArray();
    }

    static DataCell DataCellOf(object? value) => value switch
    {
        null => default,
        string s => new DataCell(s),
        int i => new DataCell(i),
        long l => new DataCell(l),
        decimal d => new DataCell(d),
        double d => new DataCell(d),
        bool b => new DataCell(b),
        _ => new DataCell(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    /// <summary>The width of a cell's text in a spreadsheet's columns: a CJK character takes two.</summary>
    static int DisplayWidth(object? value) =>
        (Convert.ToString(value, CultureInfo.InvariantCulture) ?? "").Split('\n').Max(line => line.Sum(c => c >= '\u2E80' ? 2 : 1));

    /// <summary>A column's letters in a spreadsheet (0: A, 26: AA).</summary>
    public static string ColumnName(int index) => index < 26 ? ((char)('A' + index)).ToString() : ColumnName(index / 26 - 1) + (char)('A' + index % 26);

    public static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text.Trim(), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out value);
}
