using System.ComponentModel;
using System.Security.Cryptography;
using LandRegister.Api.Access;
using LandRegister.Api.Docs;
using Microsoft.AspNetCore.Http.Features;
using static LandRegister.Api.Ledger.LedgerTables;

namespace LandRegister.Api.Ledger;

/// <summary>One row of a ledger file an import refused: its line, its number if it had one, and every reason.</summary>
public sealed record LedgerRowProblem(int Line, string? Number, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>What an import did: items created, changed, left as they were, and progress entries added.</summary>
public sealed record LedgerImportReport(int Rows, int Created, int Changed, int Unchanged, int ProgressEntries, IReadOnlyList<LedgerRowProblem> Rejected);

/// <summary>
/// A ledger file (LedgerTables' layout) imported into a source: rows matched to its items by number, so importing a file
/// twice changes nothing; every row's problems reported, nothing written if any row is refused (unless
/// <c>atomic=false</c>); a row's status moves its item by the ledger's rules; completed rows keep the file itself as
/// their evidence; closing (已销号) is a reviewer's decision and is not imported.
/// </summary>
public static class LedgerImport
{
    public static void MapLedgerImport(this RouteGroupBuilder group) =>
        group.MapPost("/sources/{id:long}/import", ImportLedger).WithName(nameof(ImportLedger)).RequireAuthorization(Permission.EditLedger)
            .TakesFile("The ledger in its own layout: CSV (UTF-8) or .xlsx", Spreadsheets.Csv, Spreadsheets.Xlsx)
            .WithSummary("Import a source's items from its ledger (.xlsx or CSV, Chinese or English headers); all or nothing by default");

    /// <summary>A row as read: the item's members, its status and its progress text.</summary>
    sealed record Row(int Line, LedgerItemInput Item, string Status, string? Progress);

    public static async Task<IResult> ImportLedger(long id, Caller caller, NpgsqlDataSource db, RegisterLimits limits, HttpContext http,
        [Description("true (default): import nothing if any row is refused; false: import the good rows and report the rest.")] bool? atomic = null)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxImportBodyBytes;
        var (sheet, bytes, type) = await Spreadsheets.ReadRequestAsync(http.Request);

        await using var conn = await db.OpenConnectionAsync();
        var source = await LedgerApi.SourceAsync(conn, id, caller);
        var (rows, rejected) = Read(sheet);
        var existing = (await conn.QueryAsync<LedgerItemRow>($"SELECT {LedgerItemRow.Columns} FROM ledger_item i WHERE i.source_id = @id", new { id }))
            .ToDictionary(i => i.Number);
        foreach (var row in rows.ToList())
        {
            var from = existing.GetValueOrDefault(row.Item.Number!)?.Status ?? LedgerValues.NotStarted;
            var problem = StatusProblem(from, row.Status);
            if (problem is null) continue;
            rejected.Add(new LedgerRowProblem(row.Line, row.Item.Number, new Dictionary<string, string[]> { [$"rows[{row.Line}].status"] = [problem] }));
            rows.Remove(row);
        }
        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        if ((atomic ?? true) && rejected.Count > 0)
            throw new ProblemException(422, "The ledger was refused; nothing was imported.",
                $"{rejected.Count} of {rows.Count + rejected.Count} rows were refused (the first: line {rejected[0].Line}). Fix them, or send atomic=false.",
                rejected.SelectMany(r => r.Errors).ToDictionary(e => e.Key, e => e.Value),
                new Dictionary<string, object?> { ["rejected"] = rejected });

        var (created, changed, unchanged, entries) = (0, 0, 0, 0);
        await using var tx = await new RecordedChange("imported", $"ledger import into source {id}").BeginAsync(conn);
        foreach (var row in rows)
        {
            var itemId = existing.TryGetValue(row.Item.Number!, out var current) ? current.Id : 0;
            if (current is null)
            {
                itemId = await conn.ExecuteScalarAsync<long>(LedgerWrites.Insert, LedgerWrites.Args(row.Item with { SourceId = id }, source.ZoneCode, caller.Name), tx);
                created++;
            }
            else if (Differs(current, row.Item))
            {
                await conn.ExecuteAsync(LedgerWrites.Update, LedgerWrites.Args(row.Item, source.ZoneCode, caller.Name, itemId), tx);
                changed++;
            }
            else unchanged++;

            var status = current?.Status ?? LedgerValues.NotStarted;
            var text = string.IsNullOrWhiteSpace(row.Progress) ? null : row.Progress.Trim();
            if (row.Status == status && (text is null || text == current?.LatestProgress)) continue;
            long[] evidence = [];
            if (row.Status == LedgerValues.Completed && status != LedgerValues.Completed)
                evidence = [await conn.ExecuteScalarAsync<long>("""
                    INSERT INTO ledger_evidence (item_id, file_name, media_type, size_bytes, sha256, content, description, uploaded_by)
                    VALUES (@itemId, @name, @type, @size, @sha256, @bytes, '导入的整改台账', @by) RETURNING id
                    """, new
                {
                    itemId, name = type == Spreadsheets.Xlsx ? "整改台账.xlsx" : "整改台账.csv", type, size = (long)bytes.Length,
                    sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes, by = caller.Name,
                }, tx)];
            await conn.ExecuteAsync("""
                UPDATE ledger_item SET status = @to, completed_by = CASE WHEN @to = 'completed' AND status <> 'completed' THEN @by ELSE completed_by END,
                                       updated_by = @by
                WHERE id = @itemId AND status <> @to
                """, new { itemId, to = row.Status, by = caller.Name }, tx);
            await conn.ExecuteAsync("""
                INSERT INTO ledger_progress (item_id, entry_date, text, status_from, status_to, evidence_ids, actor)
                VALUES (@itemId, @today, @text, @from, @to, @evidence, @by)
                """, new { itemId, today = RegisterClock.Today, text = text ?? "按整改台账导入", from = status, to = row.Status, evidence, by = caller.Name }, tx);
            entries++;
        }
        await tx.CommitAsync();
        return TypedResults.Ok(new LedgerImportReport(rows.Count + rejected.Count, created, changed, unchanged, entries, rejected));
    }

    /// <summary>Why a row's status cannot be reached from the item's, or null.</summary>
    static string? StatusProblem(string from, string to)
    {
        if (from == to) return null;
        if (to == LedgerValues.Closed) return "closing (已销号) is a reviewer's decision in the register: POST /api/ledger/items/{id}/close";
        if (from == LedgerValues.Closed) return "the item is closed (已销号): a reviewer reopens it first";
        return LedgerRules.NextByProgress(from).Contains(to) ? null : $"an item cannot go from {from} to {to}";
    }

    static bool Differs(LedgerItemRow i, LedgerItemInput r) =>
        i.Problem != r.Problem || !i.Measures.SequenceEqual(r.Measures!) || i.LeadUnit != r.LeadUnit || !i.CooperatingUnits.SequenceEqual(r.CooperatingUnits!)
        || i.ResponsiblePerson != r.ResponsiblePerson || i.Deadline != r.Deadline || i.LongTerm != r.LongTerm || i.Category != r.Category;

    /// <summary>The sheet's rows as items; every problem of every row, by line and column.</summary>
    static (List<Row> Rows, List<LedgerRowProblem> Rejected) Read(List<SheetRow> sheet)
    {
        var rows = new List<Row>();
        var rejected = new List<LedgerRowProblem>();
        var header = sheet.FirstOrDefault(r => r.Cells.Any(c => !string.IsNullOrWhiteSpace(c)))
            ?? throw Problems.Invalid("body", "the file has no header row");
        var index = new Dictionary<string, int>();
        for (var i = 0; i < header.Cells.Length; i++)
        {
            var name = Spreadsheets.Normalize(header.Cells[i]);
            var column = Columns.FirstOrDefault(c => c.Aliases.Any(a => Spreadsheets.Normalize(a) == name)).Column;
            if (column is not null) index.TryAdd(column, i);
        }
        var missing = new[] { "number", "problem", "measures", "leadUnit", "deadline" }.Where(c => !index.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw Problems.Invalid("header", $"missing columns: {string.Join(", ", missing.Select(m => $"{Columns.First(c => c.Column == m).Zh} ({m})"))}");
        var seen = new Dictionary<string, int>();
        foreach (var line in sheet.SkipWhile(r => r != header).Skip(1).Where(r => r.Cells.Any(c => !string.IsNullOrWhiteSpace(c))))
        {
            string Cell(string column) => index.TryGetValue(column, out var i) && i < line.Cells.Length ? line.Cells[i].Trim() : "";
            var errors = new FieldErrors();
            var prefix = $"rows[{line.Line}].";
            var number = Cell("number");
            if (number.Length == 0) errors.Add(prefix + "number", "required");
            else if (!seen.TryAdd(number, line.Line)) errors.Add(prefix + "number", $"the same number as line {seen[number]}");
            var deadlineText = Cell("deadline");
            DateOnly? deadline = null;
            var longTerm = deadlineText is LongTermZh or "长期坚持" || deadlineText.Equals("long-term", StringComparison.OrdinalIgnoreCase);
            if (!longTerm)
            {
                if (Spreadsheets.TryDate(deadlineText, out var due)) deadline = due;
                else errors.Add(prefix + "deadline", $"a date (yyyy-MM-dd) or {LongTermZh}");
            }
            var statusText = Cell("status");
            var status = statusText.Length == 0 ? LedgerValues.NotStarted
                : LedgerValues.Statuses.FirstOrDefault(s => s.Key == statusText || s.Value == statusText).Key;
            if (status is null) errors.AddUnknown(prefix + "status", $"unknown status '{statusText}'", LedgerValues.Statuses.Values.Concat(LedgerValues.Statuses.Keys));
            var categoryText = Cell("category");
            var category = categoryText.Length == 0 ? "other"
                : LedgerValues.Categories.FirstOrDefault(c => c.Key == categoryText || c.Value == categoryText).Key;
            if (category is null) errors.AddUnknown(prefix + "category", $"unknown category '{categoryText}'", LedgerValues.Categories.Values.Concat(LedgerValues.Categories.Keys));
            var item = new LedgerItemInput(
                Number: number, Problem: Cell("problem"),
                Measures: Cell("measures").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                LeadUnit: Cell("leadUnit"),
                CooperatingUnits: Cell("cooperatingUnits").Split(['、', ',', '，', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ResponsiblePerson: Cell("responsiblePerson") is { Length: > 0 } person ? person : null,
                Deadline: deadline, LongTerm: longTerm, Category: category ?? "other");
            if (!errors.Any)
                try { item.Validate(creating: false); }
                catch (ProblemException e) { foreach (var (field, reasons) in e.Errors) foreach (var r in reasons) errors.Add(prefix + field, r); }
            foreach (var (field, text) in new[] { ("problem", item.Problem), ("leadUnit", item.LeadUnit) })
                if (string.IsNullOrWhiteSpace(text)) errors.Add(prefix + field, "required");
            if (item.Measures is { Length: 0 }) errors.Add(prefix + "measures", "required: at least one measure");
            var progress = Cell("progress");
            if (progress.Length > 4000 || !Text.IsProse(progress)) errors.Add(prefix + "progress", "at most 4000 characters, without control characters");
            if (errors.Any)
                rejected.Add(new LedgerRowProblem(line.Line, number.Length == 0 ? null : number,
                    errors.All.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray())));
            else rows.Add(new Row(line.Line, item, status!, progress.Length == 0 ? null : progress));
        }
        return (rows, rejected);
    }
}
