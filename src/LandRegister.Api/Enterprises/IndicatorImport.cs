using System.ComponentModel;
using System.Globalization;
using LandRegister.Api.Access;
using LandRegister.Api.Docs;
using Microsoft.AspNetCore.Http.Features;

namespace LandRegister.Api.Enterprises;

/// <summary>A row an import refused: its line in the file, the column as headed there, and why.</summary>
public sealed record RowProblem(int Line, string Column, string Reason);

/// <summary>What an indicator import did. Rows whose figures were already recorded, equal, count as unchanged.</summary>
public sealed record IndicatorImportReport(int Rows, int Inserted, int Updated, int Unchanged, IReadOnlyList<RowProblem> Rejected);

/// <summary>
/// Yearly figures in bulk, from CSV or .xlsx with Chinese or English headers. Every row is checked and every
/// problem reported; by default nothing is written if any row is refused; rows equal to what is recorded
/// change nothing, so importing a file twice is harmless.
/// </summary>
public static class IndicatorImport
{
    static readonly (string Field, string[] Names)[] Columns =
    [
        ("creditCode", ["统一社会信用代码", "信用代码", "creditcode", "unifiedsocialcreditcode"]),
        ("year", ["年度", "年份", "year"]),
        ("taxWan", ["入库税收", "税收", "实缴税金", "taxwan", "tax"]),
        ("salesWan", ["开票销售", "开票销售收入", "开票收入", "saleswan", "sales"]),
        ("revenueWan", ["营业收入", "主营业务收入", "revenuewan", "revenue"]),
        ("valueAddedWan", ["工业增加值", "增加值", "valueaddedwan", "valueadded"]),
        ("employees", ["从业人员", "从业人数", "职工人数", "employees"]),
        ("energyTce", ["综合能耗", "能耗", "energytce", "energy"]),
        ("rndWan", ["研发经费", "研发投入", "rndwan", "rnd", "r&d"]),
        ("veto", ["一票否决", "否决", "veto"]),
    ];

    static readonly Dictionary<string, string> Vetoes = new()
    {
        ["safety_accident"] = "safety_accident", ["安全事故"] = "safety_accident", ["安全生产事故"] = "safety_accident",
        ["environmental_accident"] = "environmental_accident", ["环境事故"] = "environmental_accident",
        ["环保事故"] = "environmental_accident", ["生态环境事故"] = "environmental_accident",
    };

    sealed record Parsed(int Line, string CreditCode, int Year, IndicatorInput Figures);

    public static RouteGroupBuilder MapIndicatorImport(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/indicators").WithTags("Enterprises");
        group.MapPost("/import", ImportIndicators).WithName(nameof(ImportIndicators)).RequireAuthorization(Permission.EditEnterprises)
            .TakesFile("The figures, one row per enterprise and year: CSV (UTF-8) or .xlsx", Spreadsheets.Csv, Spreadsheets.Xlsx)
            .WithSummary("Import yearly figures from CSV or .xlsx (Chinese or English headers); all or nothing by default");
        return group;
    }

    public static async Task<IResult> ImportIndicators(
        HttpContext http, Caller caller, NpgsqlDataSource db, RegisterLimits limits,
        [Description("true (default): import nothing if any row is refused; false: import the good rows and report the rest.")] bool? atomic = null)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxImportBodyBytes;
        var rows = (await Spreadsheets.ReadRequestAsync(http.Request)).Rows;
        if (rows.Count == 0) throw Problems.Invalid("body", "the file is empty: a header row and one row per enterprise and year");
        var header = rows[0].Cells;
        var columns = MapColumns(header);
        var problems = new List<RowProblem>();
        var parsed = new List<Parsed>();
        var seen = new Dictionary<(string, int), int>();
        foreach (var row in rows.Skip(1).Where(r => r.Cells.Any(c => c.Trim().Length > 0)))
        {
            var before = problems.Count;
            var p = Parse(row, columns, header, problems);
            if (problems.Count > before) continue;
            if (seen.TryAdd((p.CreditCode, p.Year), row.Line)) parsed.Add(p);
            else problems.Add(new RowProblem(row.Line, header[columns["year"]], $"the same enterprise and year as line {seen[(p.CreditCode, p.Year)]}"));
        }

        await using var conn = await db.OpenConnectionAsync();
        var codes = parsed.Select(p => p.CreditCode).Distinct().ToArray();
        var known = (await conn.QueryAsync<string>(
            $"SELECT credit_code FROM enterprise WHERE credit_code = ANY(@codes) AND {Caller.InScope()}", new { codes, scope = caller.Scope })).ToHashSet();
        foreach (var p in parsed.Where(p => !known.Contains(p.CreditCode)))
            problems.Add(new RowProblem(p.Line, header[columns["creditCode"]], "no enterprise with this credit code; register it first (POST /api/enterprises)"));
        parsed.RemoveAll(p => !known.Contains(p.CreditCode));
        problems.Sort((a, b) => a.Line.CompareTo(b.Line));
        var total = rows.Count - 1;
        if (problems.Count > 0 && (atomic ?? true))
            throw new ProblemException(422, "The import was refused; nothing was imported.",
                $"{problems.Select(p => p.Line).Distinct().Count()} of {total} rows were refused (the first: line {problems[0].Line}, {problems[0].Column}: {problems[0].Reason}). Fix them, or send atomic=false to import the others.",
                problems.GroupBy(p => $"line {p.Line}").ToDictionary(g => g.Key, g => g.Select(p => $"{p.Column}: {p.Reason}").ToArray()),
                new Dictionary<string, object?> { ["rejected"] = problems });

        var written = (await conn.QueryAsync<bool>(Upsert, Args(parsed, caller.Name))).ToList();
        var inserted = written.Count(w => w);
        var updated = written.Count - inserted;
        return TypedResults.Ok(new IndicatorImportReport(total, inserted, updated, parsed.Count - inserted - updated, problems));
    }

    const string Upsert = """
        INSERT INTO enterprise_indicator AS i (credit_code, year, tax_wan, sales_wan, revenue_wan, value_added_wan, employees, energy_tce, rnd_wan, veto, updated_by)
        SELECT * FROM unnest(@codes, @years, @tax, @sales, @revenue, @valueAdded, @employees, @energy, @rnd, @veto, @by)
        ON CONFLICT (credit_code, year) DO UPDATE
        SET tax_wan = excluded.tax_wan, sales_wan = excluded.sales_wan, revenue_wan = excluded.revenue_wan,
            value_added_wan = excluded.value_added_wan, employees = excluded.employees, energy_tce = excluded.energy_tce,
            rnd_wan = excluded.rnd_wan, veto = excluded.veto, updated_at = now(), updated_by = excluded.updated_by, version = i.version + 1
        WHERE (i.tax_wan, i.sales_wan, i.revenue_wan, i.value_added_wan, i.employees, i.energy_tce, i.rnd_wan, i.veto)
              IS DISTINCT FROM (excluded.tax_wan, excluded.sales_wan, excluded.revenue_wan, excluded.value_added_wan,
                                excluded.employees, excluded.energy_tce, excluded.rnd_wan, excluded.veto)
        RETURNING (xmax = 0) AS inserted
        """;

    static object Args(List<Parsed> rows, string by) => new
    {
        codes = rows.Select(r => r.CreditCode).ToArray(), years = rows.Select(r => r.Year).ToArray(),
        tax = rows.Select(r => r.Figures.TaxWan).ToArray(), sales = rows.Select(r => r.Figures.SalesWan).ToArray(),
        revenue = rows.Select(r => r.Figures.RevenueWan).ToArray(), valueAdded = rows.Select(r => r.Figures.ValueAddedWan).ToArray(),
        employees = rows.Select(r => r.Figures.Employees).ToArray(), energy = rows.Select(r => r.Figures.EnergyTce).ToArray(),
        rnd = rows.Select(r => r.Figures.RndWan).ToArray(), veto = rows.Select(r => r.Figures.Veto).ToArray(),
        by = rows.Select(_ => by).ToArray(),
    };

    static Dictionary<string, int> MapColumns(string[] header)
    {
        var map = new Dictionary<string, int>();
        for (var i = 0; i < header.Length; i++)
        {
            var name = Spreadsheets.Normalize(header[i]);
            var match = Columns.FirstOrDefault(c => c.Names.Contains(name));
            if (match.Field is not null) map.TryAdd(match.Field, i);
        }
        var errors = new FieldErrors();
        foreach (var required in new[] { "creditCode", "year" })
            if (!map.ContainsKey(required))
                errors.Add("header", $"no {required} column: head it {string.Join(" or ", Columns.First(c => c.Field == required).Names.Take(2))}");
        if (map.Count <= 2) errors.Add("header", "no figure columns: 入库税收 / taxWan, 开票销售 / salesWan, 综合能耗 / energyTce, …");
        errors.ThrowIfAny();
        return map;
    }

    static Parsed Parse(SheetRow row, Dictionary<string, int> columns, string[] header, List<RowProblem> problems)
    {
        string Cell(string field) => columns.TryGetValue(field, out var i) && i < row.Cells.Length ? row.Cells[i].Trim() : "";
        void Problem(string field, string reason) => problems.Add(new RowProblem(row.Line, header[columns[field]], reason));
        decimal? Number(string field)
        {
            var text = Cell(field);
            if (text.Length == 0) return null;
            if (Spreadsheets.TryNumber(text, out var value) && value >= 0 && value < 1_000_000_000_000m) return value;
            Problem(field, $"'{text}' is not a number from 0 up");
            return null;
        }

        var code = Cell("creditCode").ToUpperInvariant();
        if (CreditCode.Check(code) is { } reason) Problem("creditCode", reason);
        var yearText = Cell("year");
        if (!int.TryParse(yearText, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
            Problem("year", $"'{yearText}' is not a year from 2000 to 2100");
        var employees = Number("employees");
        if (employees is { } e && e != Math.Floor(e)) Problem("employees", "a whole number of people");
        var vetoText = Cell("veto");
        string? veto = null;
        if (vetoText.Length > 0 && !Vetoes.TryGetValue(vetoText.ToLowerInvariant(), out veto))
            Problem("veto", $"'{vetoText}' is not 安全事故 / safety_accident or 环境事故 / environmental_accident");
        var figures = new IndicatorInput(Number("taxWan"), Number("salesWan"), Number("revenueWan"),
            Cell("valueAddedWan") is { Length: > 0 } va && Spreadsheets.TryNumber(va, out var v) ? v : null,
            (int?)employees, Number("energyTce"), Number("rndWan"), veto);
        if (Cell("valueAddedWan") is { Length: > 0 } text && figures.ValueAddedWan is null) Problem("valueAddedWan", $"'{text}' is not a number");
        return new Parsed(row.Line, code, year, figures);
    }
}
