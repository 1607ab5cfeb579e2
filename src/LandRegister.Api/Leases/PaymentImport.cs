using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Docs;
using Microsoft.AspNetCore.Http.HttpResults;
using LandRegister.Api.Enterprises;
using LandRegister.Api.Zones;

namespace LandRegister.Api.Leases;

/// <summary>
/// A bank statement imported as payments: columns date (日期), payer (付款人), amount (金额, 元), reference (摘要/流水号),
/// and optionally the lease (租约) or the payer's credit code (统一社会信用代码). Each line is matched to a lease (the one
/// named, else the lessee's whose payer name or credit code it is, the one with the oldest open bill) and allocated to
/// its oldest bills; a line matching no lease is kept as an unmatched payment. All or nothing: a statement with a bad
/// line writes nothing and names every bad line. A line whose reference is already recorded is skipped, so importing a
/// statement twice records it once.
/// </summary>
public static class PaymentImport
{
    static readonly Dictionary<string, string> Headers = new()
    {
        ["日期"] = "date", ["付款日期"] = "date", ["交易日期"] = "date", ["date"] = "date", ["paidon"] = "date",
        ["付款人"] = "payer", ["付款方"] = "payer", ["对方户名"] = "payer", ["payer"] = "payer",
        ["金额"] = "amount", ["付款金额"] = "amount", ["amount"] = "amount", ["amountyuan"] = "amount",
        ["摘要"] = "reference", ["流水号"] = "reference", ["交易流水号"] = "reference", ["reference"] = "reference",
        ["租约"] = "lease", ["租约编号"] = "lease", ["lease"] = "lease", ["leaseid"] = "lease",
        ["统一社会信用代码"] = "credit_code", ["creditcode"] = "credit_code",
    };

    public static void MapPaymentImport(this RouteGroupBuilder group) =>
        group.MapPost("/payments/import", ImportPayments).WithName(nameof(ImportPayments)).RequireAuthorization(Permission.EditLeases)
            .TakesFile("The bank statement: CSV (UTF-8) or .xlsx", Spreadsheets.Csv, Spreadsheets.Xlsx)
            .WithSummary("Import a bank statement (CSV or .xlsx: date, payer, amount, reference): all or nothing, each line matched to a lease");

    public sealed record ImportedPayments(int Recorded, int Skipped, int Unmatched, decimal AmountYuan, IReadOnlyList<RentPayment> Payments);

    sealed record Line(int Number, DateOnly Date, string Payer, decimal Amount, string? Reference, long? Lease, string? CreditCode);

    sealed record LesseeLease(long Id, string LesseeName, string? LesseeCreditCode);

    public static async Task<Created<ImportedPayments>> ImportPayments(Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var code = ZoneScope.Of(zone, caller);
        var rows = (await Spreadsheets.ReadRequestAsync(http.Request)).Rows;
        if (rows.Count == 0) throw Problems.BadRequest("body", "the statement is empty: a header row (date, payer, amount, reference) and one line per payment");
        var columns = rows[0].Cells.Select((h, i) => (Name: Headers.GetValueOrDefault(Spreadsheets.Normalize(h)), i))
            .Where(c => c.Name is not null).GroupBy(c => c.Name!).ToDictionary(g => g.Key, g => g.First().i);
        var errors = new FieldErrors();
        foreach (var needed in new[] { "date", "payer", "amount" })
            if (!columns.ContainsKey(needed)) errors.Add($"columns.{needed}", "missing: the header needs date (日期), payer (付款人) and amount (金额)");
        errors.ThrowIfAny();
        string Cell(SheetRow row, string name) => columns.TryGetValue(name, out var i) && i < row.Cells.Length ? row.Cells[i].Trim() : "";

        var lines = new List<Line>();
        var references = new HashSet<string>();
        foreach (var row in rows.Skip(1).Where(r => r.Cells.Any(c => c.Trim().Length > 0)))
        {
            var at = $"rows[{row.Line}]";
            if (!Spreadsheets.TryDate(Cell(row, "date"), out var date)) errors.Add($"{at}.date", $"'{Cell(row, "date")}' is not a date (yyyy-MM-dd)");
            else if (date > RegisterClock.Today) errors.Add($"{at}.date", "must not be in the future");
            var payer = Cell(row, "payer");
            if (payer.Length is 0 or > 200) errors.Add($"{at}.payer", "required, at most 200 characters");
            else if (!Text.IsPlain(payer)) errors.Add($"{at}.payer", Text.ControlCharacters);
            if (!Spreadsheets.TryNumber(Cell(row, "amount").Replace(",", ""), out var amount) || amount <= 0 || decimal.Round(amount, 2) != amount)
                errors.Add($"{at}.amount", $"'{Cell(row, "amount")}' is not an amount of 元 above 0 (at most 2 decimals)");
            var reference = Cell(row, "reference") is { Length: > 0 } r ? r : null;
            if (reference is { Length: > 100 }) errors.Add($"{at}.reference", "at most 100 characters");
            else if (reference is not null && !references.Add(reference)) errors.Add($"{at}.reference", $"'{reference}' appears twice in the statement");
            long? lease = null;
            if (Cell(row, "lease") is { Length: > 0 } l)
            {
                if (long.TryParse(l, out var id)) lease = id;
                else errors.Add($"{at}.lease", $"'{l}' is not a lease id");
            }
            var credit = Cell(row, "credit_code") is { Length: > 0 } c ? c : null;
            if (credit is not null && CreditCode.Check(credit) is { } problem) errors.Add($"{at}.creditCode", problem);
            lines.Add(new Line(row.Line, date, payer, amount, reference, lease, credit));
        }
        if (lines.Count == 0) errors.Add("body", "the statement has no payment lines");
        if (errors.Any)
            throw new ProblemException(422, "The statement was refused; nothing was recorded.", $"{errors.Count} problem(s) in the statement; fix them and send it again.",
                errors.All.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray()));

        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        await using var tx = await conn.BeginTransactionAsync();
        var leases = (await conn.QueryAsync<LesseeLease>("""
            SELECT l.id, l.lessee_name, l.lessee_credit_code FROM lease l
            WHERE l.zone_code = @code AND l.status <> 'draft'
            ORDER BY (SELECT min(b.due_on) FROM rent_bill b WHERE b.lease_id = l.id AND b.settled_on IS NULL AND b.closed_by IS NULL) NULLS LAST, l.id
            """, new { code }, tx)).ToList();
        var unknown = lines.Where(l => l.Lease is { } id && leases.All(x => x.Id != id)).ToList();
        if (unknown.Count > 0)
            throw new ProblemException(422, "The statement was refused; nothing was recorded.", "Some lines name leases of no lease of this zone.",
                unknown.ToDictionary(l => $"rows[{l.Number}].lease", l => new[] { $"no lease of zone {code} has the id {l.Lease}" }));
        var known = (await conn.QueryAsync<string>("SELECT reference FROM rent_payment WHERE zone_code = @code AND reference = ANY(@refs)",
            new { code, refs = lines.Select(l => l.Reference).OfType<string>().ToArray() }, tx)).ToHashSet();
        var ids = new List<long>();
        var skipped = 0;
        foreach (var line in lines)
        {
            if (line.Reference is not null && known.Contains(line.Reference)) { skipped++; continue; }
            var lease = line.Lease ?? leases.FirstOrDefault(x => line.CreditCode is not null ? x.LesseeCreditCode == line.CreditCode
                                                                                             : x.LesseeName == line.Payer || x.LesseeCreditCode == line.Payer)?.Id;
            ids.Add(await PaymentWrites.InsertAsync(conn, tx, code, lease, line.Date, line.Payer, line.Amount, line.Reference, "import", caller.Name));
        }
        await tx.CommitAsync();
        var payments = (await conn.QueryAsync<RentPayment>($"SELECT {RentPayment.Columns} FROM rent_payment r WHERE r.id = ANY(@ids) ORDER BY r.id",
            new { ids = ids.ToArray() })).AsList();
        return TypedResults.Created($"/api/leases/payments?zone={code}",
            new ImportedPayments(payments.Count, skipped, payments.Count(p => p.LeaseId is null), payments.Sum(p => p.AmountYuan), payments));
    }
}
