using System.ComponentModel;
using LandRegister.Api.Access;

namespace LandRegister.Api.Ledger;

/// <summary>
/// The ledger in its own layout (序号, 问题, 整改措施, 责任单位, 配合单位, 责任人, 完成时限, 整改进展, 整改状态, 类别; or the
/// English names), as .xlsx or CSV, in and out. An import matches rows to a source's items by number, so importing a file
/// twice changes nothing; every row's problems are reported, and nothing is written if any row is refused (unless
/// <c>atomic=false</c>). A row's status moves its item by the ledger's rules; completed rows keep the file itself as their
/// evidence; closing (已销号) is a reviewer's decision and is not imported.
/// </summary>
public static class LedgerTables
{
    internal static readonly (string Column, string Zh, string[] Aliases)[] Columns =
    [
        ("number", "序号", ["序号", "编号", "number", "no"]),
        ("problem", "问题", ["问题", "反馈问题", "问题描述", "problem"]),
        ("measures", "整改措施", ["整改措施", "measures"]),
        ("leadUnit", "责任单位", ["责任单位", "牵头单位", "leadunit"]),
        ("cooperatingUnits", "配合单位", ["配合单位", "cooperatingunits"]),
        ("responsiblePerson", "责任人", ["责任人", "responsibleperson"]),
        ("deadline", "完成时限", ["完成时限", "整改时限", "deadline"]),
        ("progress", "整改进展", ["整改进展", "整改情况", "progress"]),
        ("status", "整改状态", ["整改状态", "整改结果", "status"]),
        ("category", "类别", ["类别", "问题类别", "category"]),
    ];

    internal const string LongTermZh = "长期";

    public static void MapLedgerTables(this RouteGroupBuilder group)
    {
        group.MapLedgerImport();
        group.MapGet("/sources/{id:long}/export", ExportSource).WithName(nameof(ExportSource)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("A source's items in the ledger's layout, as .xlsx (default) or CSV");
        group.MapGet("/export", ExportItems).WithName(nameof(ExportItems)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("A filtered list of items in the ledger's layout, as .xlsx (default) or CSV");
    }

    // ----- export

    static string[] Header => Columns.Select(c => c.Zh).ToArray();

    static string[] Cells(LedgerItemRow i) =>
    [
        i.Number, i.Problem, string.Join("\n", i.Measures), i.LeadUnit, string.Join("、", i.CooperatingUnits), i.ResponsiblePerson ?? "",
        i.LongTerm && i.Deadline is null ? LongTermZh : i.Deadline?.ToString("yyyy-MM-dd") ?? "", i.LatestProgress ?? "",
        LedgerValues.Statuses[i.Status], LedgerValues.Categories[i.Category],
    ];

    static async Task<IResult> FileAsync(IEnumerable<LedgerItemRow> rows, string? format, string name)
    {
        var table = rows.Select(Cells).Prepend(Header);
        return format switch
        {
            null or "xlsx" => Results.File(await Spreadsheets.WriteXlsxAsync("整改台账", table), Spreadsheets.Xlsx, name + ".xlsx"),
            "csv" => Results.File(Spreadsheets.WriteCsv(table), Spreadsheets.Csv + "; charset=utf-8", name + ".csv"),
            _ => throw UnknownFormat(format),
        };
    }

    static ProblemException UnknownFormat(string format)
    {
        var errors = new FieldErrors();
        errors.AddUnknown("format", $"unknown format '{format}'", ["xlsx", "csv"]);
        return errors.ToProblem();
    }

    public static async Task<IResult> ExportSource(long id, Caller caller, NpgsqlDataSource db, [Description("xlsx (default) or csv.")] string? format = null)
    {
        if (format is not (null or "xlsx" or "csv")) throw UnknownFormat(format);
        await using var conn = await db.OpenConnectionAsync();
        await LedgerApi.SourceAsync(conn, id, caller);
        var rows = await conn.QueryAsync<LedgerItemRow>($"SELECT {LedgerItemRow.Columns} FROM ledger_item i WHERE i.source_id = @id ORDER BY i.id", new { id });
        return await FileAsync(rows, format, $"ledger-source-{id}");
    }

    public static async Task<IResult> ExportItems(
        Caller caller, NpgsqlDataSource db,
        [Description("Only this zone's items.")] string? zone = null,
        [Description("Only this source's items.")] long? source = null,
        [Description("Statuses, comma-separated.")] string? status = null,
        [Description("Categories, comma-separated.")] string? category = null,
        [Description("true: only overdue items.")] bool? overdue = null,
        [Description("xlsx (default) or csv.")] string? format = null)
    {
        if (format is not (null or "xlsx" or "csv")) throw UnknownFormat(format);
        var filter = LedgerApi.ItemFilter.Read(zone, source, status, category, overdue);
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<LedgerItemRow>(
            $"SELECT {LedgerItemRow.Columns} FROM ledger_item i WHERE {LedgerApi.ItemFilter.Where} ORDER BY {LedgerApi.ItemFilter.Order}", filter.Args(caller));
        return await FileAsync(rows, format, "ledger");
    }
}
