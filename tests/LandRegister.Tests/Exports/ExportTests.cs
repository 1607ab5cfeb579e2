using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Demo;
using LandRegister.Tests.Support;
using MiniExcelLibs;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Exports;

/// <summary>
/// Every list of the demo zone downloaded as .xlsx and CSV and read back: each cell against the JSON list, typed (numbers
/// as numbers, days and instants as dates), under two header rows, Chinese then English.
/// </summary>
public sealed class ExportTests(DemoApp app) : IClassFixture<DemoApp>
{
    const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>The JSON list (every row in one page) and where its items are.</summary>
    public static TheoryData<string, string> Lists => new()
    {
        { "/api/parcels?zone=LSKFQ&limit=10000", "features" },
        { "/api/parcels?zone=LSKFQ&status=clean_land,idle&minAreaMu=10&limit=10000", "features" },
        { "/api/evaluation/results?zone=LSKFQ&year=2025&limit=1000", "items" },
        { "/api/idle-land/findings?zone=LSKFQ&limit=1000", "items" },
        { "/api/reserves?zone=LSKFQ", "features" },
        { "/api/available-land?zone=LSKFQ&includePremises=true&limit=500", "features" },
        { "/api/premises?zone=LSKFQ&limit=1000", "features" },
        { "/api/ledger/items?zone=LSKFQ&limit=500", "items" },
        { "/api/leases?zone=LSKFQ&limit=1000", "items" },
        { "/api/leases/arrears?zone=LSKFQ", "lessees" },
    };

    async Task<JsonArray> ItemsAsync(HttpClient client, string url, string items)
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            // The demo's evaluation and idle-land runs start with the app: compare once they are done.
            if (await app.ScalarAsync<long>("SELECT count(*) FROM job_run WHERE status IN ('queued', 'running')") > 0
                && waited.Elapsed < TimeSpan.FromSeconds(180)) continue;
            var response = await client.GetAsync(url);
            if (response.IsSuccessStatusCode)
            {
                var list = await response.JsonAsync();
                var rows = list[items]!.AsArray();
                if (list["numberMatched"] is { } matched) Assert.Equal((long)matched, rows.Count);
                if (rows.Count > 0) return rows;
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(180), $"{url}: {response.StatusCode}");
        }
    }

    static JsonNode? At(JsonNode item, string path) =>
        path.Split('.').Aggregate((JsonNode?)item, (node, name) => node is JsonObject o && o.TryGetPropertyValue(name, out var v) ? v : null);

    static async Task<byte[]> DownloadAsync(HttpClient client, string url, string? format, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, format is null ? url : $"{url}&format={format}");
        if (accept is not null) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        Assert.Equal(format == "csv" || accept == "text/csv" ? "text/csv" : Xlsx, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        return bytes;
    }

    /// <summary>The sheets of a workbook: each row a list of cells (A, B, …), nulls where empty.</summary>
    static List<object?[]> Sheet(byte[] workbook, string? name = null)
    {
        var rows = new MemoryStream(workbook).Query(useHeaderRow: false, sheetName: name).Cast<IDictionary<string, object?>>().ToList();
        return rows.ConvertAll(r => r.Values.ToArray());
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_as_xlsx_holds_every_row_of_its_json_cell_by_cell_typed(string url, string items)
    {
        var json = await ItemsAsync(app.Client, url, items);
        var workbook = await DownloadAsync(app.Client, url, "xlsx");
        var names = MiniExcel.GetSheetNames(new MemoryStream(workbook));
        Assert.Equal(2, names.Count);
        Assert.Equal("字段说明 Columns", names[1]);
        var legend = Sheet(workbook, names[1]).Skip(1).ToList();
        var paths = legend.Select(r => (string)r[4]!).ToList();
        var sheet = Sheet(workbook, names[0]);
        Assert.Equal(legend.Select(r => Header((string)r[1]!, (string?)r[3])), sheet[0].Select(c => (string)c!));
        Assert.Equal(legend.Select(r => (string)r[2]!), sheet[1].Select(c => ((string)c!).Split(" (")[0]));
        Assert.Equal(json.Count, sheet.Count - 2);
        for (var i = 0; i < json.Count; i++)
            for (var c = 0; c < paths.Count; c++)
                AssertCell(At(json[i]!, paths[c]), sheet[i + 2][c], $"row {i + 3}, {paths[c]}");
    }

    static string Header(string chinese, string? unit) => unit is null ? chinese : $"{chinese}（{unit}）";

    static void AssertCell(JsonNode? expected, object? cell, string where)
    {
        switch (expected)
        {
            case null:
                Assert.True(cell is null or "", $"{where}: {cell} for null");
                break;
            case JsonArray list:
                Assert.Equal(string.Join("; ", list.Select(v => v!.ToString())), cell as string ?? "");
                break;
            case JsonValue v when v.TryGetValue<bool>(out var flag):
                Assert.Equal(flag, Assert.IsType<bool>(cell));
                break;
            case JsonValue v when v.TryGetValue<double>(out var number):
                Assert.True(cell is double, $"{where}: {cell} ({cell?.GetType().Name}) is not a number");
                Assert.Equal(number, (double)cell!, 9);
                break;
            case JsonValue v when v.GetValue<string>() is var text && DateOnly.TryParseExact(text, "yyyy-MM-dd", out var day):
                Assert.Equal(day.ToDateTime(TimeOnly.MinValue), Assert.IsType<DateTime>(cell));
                break;
            case JsonValue v when DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
                                  && v.GetValue<string>().Contains('T'):
                var local = instant.ToOffset(Beijing).DateTime;
                Assert.True(cell is DateTime, $"{where}: {cell} is not a date");
                Assert.InRange(((DateTime)cell! - local).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(5));
                break;
            default:
                Assert.Equal(expected.GetValue<string>(), cell);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_as_csv_is_utf8_with_a_byte_order_mark_and_the_same_cells(string url, string items)
    {
        var json = await ItemsAsync(app.Client, url, items);
        var workbook = Sheet(await DownloadAsync(app.Client, url, "xlsx"));
        var bytes = await DownloadAsync(app.Client, url, null, accept: "text/csv");
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var csv = Spreadsheets.ReadCsv(Encoding.UTF8.GetString(bytes));
        Assert.Equal(json.Count + 2, csv.Count);
        Assert.Equal(workbook[0].Select(c => (string)c!), csv[0].Cells);
        Assert.Equal(workbook[1].Select(c => (string)c!), csv[1].Cells);
        for (var i = 2; i < csv.Count; i++)
            for (var c = 0; c < csv[i].Cells.Length; c++)
                if (workbook[i][c] is double number) Assert.Equal(number, double.Parse(csv[i].Cells[c], CultureInfo.InvariantCulture), 9);
                else Assert.Equal(CsvText(workbook[i][c]), csv[i].Cells[c]);
    }

    /// <summary>A workbook cell as the CSV writes it.</summary>
    static string CsvText(object? cell) => cell switch
    {
        null => "",
        bool b => b ? "true" : "false",
        DateTime { TimeOfDay.Ticks: 0 } d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        string s when s.Length > 0 && "=+-@".Contains(s[0]) => "'" + s,
        _ => cell.ToString()!,
    };

    [Fact]
    public async Task An_export_shows_a_role_only_the_columns_its_json_shows()
    {
        var viewer = await app.ClientForAsync("viewer", "LSKFQ");
        var parcels = Sheet(await DownloadAsync(viewer, "/api/parcels?zone=LSKFQ", "xlsx"));
        Assert.Contains("宗地编号", parcels[0]);
        Assert.Contains("面积（亩）", parcels[0]);
        Assert.DoesNotContain("名称", parcels[0]);
        Assert.DoesNotContain("登记人", parcels[0]);
        var promoter = await app.ClientForAsync("promoter", "LSKFQ");
        var premises = Sheet(await DownloadAsync(promoter, "/api/premises?zone=LSKFQ", "xlsx"));
        Assert.Contains("产权人", premises[0]);
        Assert.DoesNotContain("统一社会信用代码", premises[0]);
        Assert.Equal(HttpStatusCode.Forbidden, (await promoter.GetAsync("/api/evaluation/results?zone=LSKFQ&year=2025&format=xlsx")).StatusCode);
    }

    /// <summary>
    /// A workbook Excel opens without repair: valid Open XML (the SDK's validator), its two header rows frozen, each
    /// column as wide as the table says, days and instants styled as dates.
    /// </summary>
    [Fact]
    public async Task A_workbook_is_valid_open_xml_with_its_header_rows_frozen_and_its_columns_sized()
    {
        var workbook = await DownloadAsync(app.Client, "/api/parcels?zone=LSKFQ", "xlsx");
        using var document = Workbooks.AssertValid(workbook);
        var part = document.WorkbookPart!;
        var first = part.Workbook.Sheets!.Elements<DocumentFormat.OpenXml.Spreadsheet.Sheet>().First();
        var sheet = ((DocumentFormat.OpenXml.Packaging.WorksheetPart)part.GetPartById(first.Id!)).Worksheet;
        var pane = sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Pane>().Single();
        Assert.Equal(2, pane.VerticalSplit!.Value);
        Assert.Equal(DocumentFormat.OpenXml.Spreadsheet.PaneStateValues.Frozen, pane.State!.Value);
        var widths = sheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Column>().Select(c => c.Width!.Value).ToList();
        var columns = LandRegister.Api.Parcels.ParcelExport.Table.For(LandRegister.Api.Access.Audience.Confidential);
        Assert.Equal(columns.Select(c => c.Header.Width), widths);
        var formats = part.WorkbookStylesPart!.Stylesheet.NumberingFormats!.Elements<DocumentFormat.OpenXml.Spreadsheet.NumberingFormat>()
            .Select(f => f.FormatCode!.Value).ToList();
        Assert.Contains("yyyy-mm-dd", formats);
        Assert.Contains("yyyy-mm-dd hh:mm:ss", formats);
    }

    [Fact]
    public async Task Text_that_a_spreadsheet_would_run_as_a_formula_stays_text()
    {
        var zone = await app.ZoneAsync();
        var feature = Feature(Rectangle(119.40, 33.90, 100, 100), zone);
        feature["properties"]!["name"] = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
        await app.CreateParcelAsync(feature);
        var csv = Spreadsheets.ReadCsv(Encoding.UTF8.GetString(await DownloadAsync(app.Client, $"/api/parcels?zone={zone}", "csv")));
        var name = Array.IndexOf(csv[0].Cells, "名称");
        Assert.Equal("'=HYPERLINK(\"http://example.invalid\",\"点击\")", csv[2].Cells[name]);
        var workbook = await DownloadAsync(app.Client, $"/api/parcels?zone={zone}", "xlsx");
        Assert.Equal("=HYPERLINK(\"http://example.invalid\",\"点击\")", Sheet(workbook)[2][name]);
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(workbook));
        await using var xml = zip.GetEntry("xl/worksheets/sheet1.xml")!.Open();
        var sheet = await System.Xml.Linq.XDocument.LoadAsync(xml, System.Xml.Linq.LoadOptions.None, CancellationToken.None);
        Assert.Contains(sheet.Descendants(), e => e.Name.LocalName == "c"); // the sheet's cells are read, whatever their prefix
        Assert.DoesNotContain(sheet.Descendants(), e => e.Name.LocalName == "f");
    }

    [Fact]
    public async Task A_format_the_register_does_not_write_is_a_problem_naming_it()
    {
        var response = await app.Client.GetAsync("/api/parcels?zone=LSKFQ&format=pdf");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "format");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/parcels?zone=LSKFQ&limit=1");
        request.Headers.Accept.ParseAdd("application/geo+json, text/csv;q=0.5");
        var json = await app.Client.SendAsync(request);
        Assert.Equal("application/geo+json", json.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_parcels_as_they_stood_at_a_past_date_export_with_their_status_then()
    {
        var past = "/api/parcels?zone=LSKFQ&asOf=2019-01-01T00:00:00Z&limit=10000";
        var json = await ItemsAsync(app.Client, past, "features");
        var sheet = Sheet(await DownloadAsync(app.Client, past, "xlsx"));
        var status = Array.IndexOf(sheet[0], "状态");
        Assert.Equal(json.Select(f => (string)f!["properties"]!["status"]!), sheet.Skip(2).Select(r => (string)r[status]!));
    }
}
