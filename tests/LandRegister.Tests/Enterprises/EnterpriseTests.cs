using System.Net;
using System.Text.Json.Nodes;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Enterprises;

public sealed class EnterpriseTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static string Code(int n)
    {
        var first17 = $"91320826MA{n:D7}";
        return first17 + LandRegister.Api.Enterprises.CreditCode.CheckCharacter(first17);
    }

    static int next = Random.Shared.Next(1_000_000, 8_000_000);

    async Task<(string Zone, string[] Codes)> EnterprisesAsync(int count)
    {
        var zone = await app.ZoneAsync();
        var codes = new string[count];
        for (var i = 0; i < count; i++)
        {
            codes[i] = Code(Interlocked.Increment(ref next));
            var response = await app.PostAsync("/api/enterprises", new JsonObject { ["creditCode"] = codes[i], ["zoneCode"] = zone, ["name"] = $"企业{i}" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        return (zone, codes);
    }

    [Theory]
    [InlineData("91350100M000100Y44", "ends in 3")]      // wrong check character
    [InlineData("91350100I000100Y43", "not a unified")]  // I is not in the alphabet
    [InlineData("91350100M000100Y4", "not a unified")]   // 17 characters
    [InlineData("91350100M000100Y433", "not a unified")] // 19 characters
    public async Task A_bad_credit_code_is_refused_with_the_reason(string code, string reason)
    {
        var zone = await app.ZoneAsync();
        var problem = await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/enterprises", new JsonObject { ["creditCode"] = code, ["zoneCode"] = zone, ["name"] = "x" }),
            HttpStatusCode.UnprocessableEntity, "creditCode");
        Assert.Contains(reason, ProblemAssert.Reason(problem, "creditCode"));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM enterprise WHERE zone_code = @zone", new { zone }));
    }

    [Fact]
    public async Task An_enterprise_lists_the_land_it_rents_and_a_tenancy_on_an_unknown_parcel_is_refused()
    {
        var zone = await app.ZoneAsync();
        var parcel = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.3, 33.8, 200, 200), zone, status: "in_use")))["id"]!;
        var code = Code(Interlocked.Increment(ref next));
        var created = await app.PostAsync("/api/enterprises", new JsonObject
        {
            ["creditCode"] = code, ["zoneCode"] = zone, ["name"] = "涟水玻纤", ["ownershipType"] = "private", ["mainProducts"] = new JsonArray("玻璃纤维"),
            ["tenancies"] = new JsonArray(new JsonObject { ["parcelId"] = parcel, ["floorAreaM2"] = 3000 }),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var land = (await (await app.Client.GetAsync($"/api/enterprises/{code}")).JsonAsync())["land"]!.AsArray().Single()!;
        Assert.Equal("tenant", (string)land["role"]!);
        Assert.Equal(3000, (double)land["floorAreaM2"]!);

        await ProblemAssert.IsProblemAsync(await app.PostAsync("/api/enterprises", new JsonObject
        {
            ["creditCode"] = Code(Interlocked.Increment(ref next)), ["zoneCode"] = zone, ["name"] = "x",
            ["tenancies"] = new JsonArray(new JsonObject { ["parcelId"] = 987654321, ["share"] = 0.5 }),
        }), HttpStatusCode.UnprocessableEntity, "tenancies[0].parcelId");
        await ProblemAssert.IsProblemAsync(await app.PostAsync("/api/enterprises", new JsonObject
        {
            ["creditCode"] = code, ["zoneCode"] = zone, ["name"] = "again",
        }), HttpStatusCode.Conflict, "creditCode");
    }

    static string Csv(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    Task<HttpResponseMessage> ImportAsync(string csv, string query = "") =>
        app.SendAsync(HttpMethod.Post, $"/api/indicators/import{query}", csv, "text/csv");

    [Fact]
    public async Task A_csv_with_chinese_headers_imports_and_importing_it_again_changes_nothing()
    {
        var (_, codes) = await EnterprisesAsync(2);
        var csv = Csv("统一社会信用代码,年度,入库税收（万元）,开票销售（万元）,综合能耗（吨标煤）,从业人员,一票否决",
            $"{codes[0]},2024,120.5,3000,800,120,", $"{codes[1]},2024,\"1,234\",500,100,30,安全事故", $"{codes[1]},2023,10,400,90,28,");
        var problem = await ProblemAssert.IsProblemAsync(await ImportAsync(csv), HttpStatusCode.UnprocessableEntity, "line 3");
        Assert.Contains("入库税收（万元）", ProblemAssert.Reason(problem, "line 3"));

        var fixedCsv = csv.Replace("\"1,234\"", "1234");
        var first = await (await ImportAsync(fixedCsv)).JsonAsync();
        Assert.Equal(3, (int)first["inserted"]!);
        var again = await (await ImportAsync(fixedCsv)).JsonAsync();
        Assert.Equal(0, (int)again["inserted"]!);
        Assert.Equal(0, (int)again["updated"]!);
        Assert.Equal(3, (int)again["unchanged"]!);
        var history = await (await app.Client.GetAsync($"/api/enterprises/{codes[1]}/indicators")).JsonAsync();
        Assert.Equal("safety_accident", (string)history["years"]![1]!["veto"]!);
        Assert.Equal(1234, (double)history["years"]![1]!["taxWan"]!);
    }

    [Fact]
    public async Task Every_bad_row_is_reported_with_its_line_and_column_and_nothing_is_written()
    {
        var (_, codes) = await EnterprisesAsync(1);
        var csv = Csv("creditCode,year,taxWan,salesWan,energyTce",
            $"{codes[0]},2024,10,100,5",
            "91350100M000100Y44,2024,1,1,1",
            $"{codes[0]},1999,1,1,1",
            $"{codes[0]},2023,-5,abc,1",
            $"{codes[0]},2024,11,100,5",
            "91350100M000100Y43,2024,1,1,1");
        var problem = await ProblemAssert.IsProblemAsync(await ImportAsync(csv), HttpStatusCode.UnprocessableEntity, "line 3");
        var rejected = problem["rejected"]!.AsArray().Select(r => ((int)r!["line"]!, (string)r["column"]!)).ToList();
        Assert.Contains((3, "creditCode"), rejected);
        Assert.Contains((4, "year"), rejected);
        Assert.Contains((5, "taxWan"), rejected);
        Assert.Contains((5, "salesWan"), rejected);
        Assert.Contains((6, "year"), rejected);        // the same enterprise and year as line 2
        Assert.Contains((7, "creditCode"), rejected);  // a valid code, but no such enterprise
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM enterprise_indicator WHERE credit_code = @c", new { c = codes[0] }));

        var partial = await (await ImportAsync(csv, "?atomic=false")).JsonAsync();
        Assert.Equal(1, (int)partial["inserted"]!);
        Assert.Equal(6, partial["rejected"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_xlsx_workbook_with_english_headers_imports()
    {
        var (_, codes) = await EnterprisesAsync(1);
        var workbook = Workbook(["Credit code", "Year", "Tax (wan)", "Sales (wan)", "Energy (tce)"], [codes[0], "2024", "55.5", "900", "70"]);
        using var content = new ByteArrayContent(workbook);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(LandRegister.Api.Infrastructure.Spreadsheets.Xlsx);
        var response = await app.Client.PostAsync("/api/indicators/import", content);
        var report = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal(1, (int)report["inserted"]!);
        Assert.Equal(55.5m, await app.ScalarAsync<decimal>("SELECT tax_wan FROM enterprise_indicator WHERE credit_code = @c", new { c = codes[0] }));
    }

    [Theory]
    [InlineData("text/csv", "creditCode,taxWan\r\n", "header")]
    [InlineData("application/json", "{}", "Content-Type")]
    public async Task A_file_the_import_cannot_read_is_refused(string type, string body, string field)
    {
        var response = await app.SendAsync(HttpMethod.Post, "/api/indicators/import", body, type);
        Assert.True(response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(response, response.StatusCode, field);
    }

    /// <summary>A one-sheet workbook with inline strings, as spreadsheet programs write it.</summary>
    static byte[] Workbook(params string[][] rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            for (var r = 0; r < rows.Length; r++)
            {
                var row = new Row { RowIndex = (uint)r + 1 };
                for (var c = 0; c < rows[r].Length; c++)
                    row.Append(new Cell
                    {
                        CellReference = $"{(char)('A' + c)}{r + 1}", DataType = CellValues.InlineString,
                        InlineString = new InlineString(new Text(rows[r][c])),
                    });
                data.Append(row);
            }
            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "2024" }));
        }
        return stream.ToArray();
    }
}
