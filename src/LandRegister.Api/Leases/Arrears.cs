using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.Zones;

namespace LandRegister.Api.Leases;

/// <summary>What is owed on a day, by age: the rent and instalments due by then and not paid by then.</summary>
public static class Arrears
{
    /// <summary>Amounts owed, 元, by days past due.</summary>
    public sealed record Ageing(decimal Days0To30, decimal Days31To90, decimal Days91To180, decimal Days181To365, decimal Over365, decimal TotalYuan);

    /// <summary>One lessee's arrears: over all its leases in the zone.</summary>
    /// <param name="MissedInstalments">Instalments of a plan past due and not paid.</param>
    public sealed record LesseeArrears(string LesseeName, string? LesseeCreditCode, long[] LeaseIds, string[] Lessors, string[] Parks, DateOnly OldestDueOn,
        int MissedInstalments, Ageing Owed);

    public sealed record GroupArrears(string Name, Ageing Owed);

    [Audience(Audience.Confidential)]
    public sealed record ArrearsReport(string Zone, DateOnly AsOf, IReadOnlyList<LesseeArrears> Lessees, IReadOnlyList<GroupArrears> ByLessor,
        IReadOnlyList<GroupArrears> ByPark, Ageing Total);

    /// <summary>A bill's part still owed on the day (a class: Dapper maps arrays only onto properties).</summary>
    sealed class OwedRow
    {
        public long LeaseId { get; init; }
        public string LesseeName { get; init; } = "";
        public string? LesseeCreditCode { get; init; }
        public string LessorName { get; init; } = "";
        public string? ParkCode { get; init; }
        public string Kind { get; init; } = "";
        public DateOnly DueOn { get; init; }
        public decimal Owed { get; init; }
    }

    /// <summary>
    /// The bills due by the day and owed on it: still open, or settled or closed after it (then what was paid by the day is
    /// subtracted). The open ones come from a partial index, so today's arrears read only what is unpaid.
    /// </summary>
    const string Owed = """
        WITH due AS (
            SELECT b.id, b.lease_id, b.kind, b.due_on, b.amount_yuan, b.paid_yuan, b.settled_on FROM rent_bill b
            WHERE b.zone_code = @zone AND b.settled_on IS NULL AND b.closed_by IS NULL AND b.due_on <= @asOf
            UNION ALL
            SELECT b.id, b.lease_id, b.kind, b.due_on, b.amount_yuan, b.paid_yuan, b.settled_on FROM rent_bill b
            WHERE b.zone_code = @zone AND b.settled_on > @asOf AND b.due_on <= @asOf
            UNION ALL
            SELECT b.id, b.lease_id, b.kind, b.due_on, b.amount_yuan, b.paid_yuan, b.settled_on FROM rent_bill b
            WHERE b.zone_code = @zone AND b.closed_on > @asOf AND b.settled_on IS NULL AND b.due_on <= @asOf)
        SELECT d.lease_id, l.lessee_name, l.lessee_credit_code, l.lessor_name, p.park_code, d.kind, d.due_on,
               d.amount_yuan - CASE WHEN d.paid_yuan = 0 THEN 0
                                    ELSE coalesce((SELECT sum(a.amount_yuan) FROM rent_allocation a WHERE a.bill_id = d.id AND a.paid_on <= @asOf), 0) END AS owed
        FROM due d JOIN lease l ON l.id = d.lease_id JOIN parcel p ON p.id = l.parcel_id
        """;

    public static async Task<IResult> GetArrears(Caller caller, NpgsqlDataSource db, HttpRequest request,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("The day the arrears are counted on (default today; from 1949-10-01, not after today).")] DateOnly? asOf = null,
        [Description("json (default), csv (UTF-8 with a byte-order mark) or xlsx: the lessees' arrears as a file. Accept: text/csv or the .xlsx media type asks the same.")]
        string? format = null)
    {
        var export = Export.Requested(request, format);
        ValidTime.RequireDay(asOf, "asOf");
        var report = await ReportAsync(caller, db, ZoneScope.Of(zone, caller), asOf ?? RegisterClock.Today);
        if (export is { } file) return Export.File(file, LeaseExport.Arrears, report.Lessees);
        return TypedResults.Ok(report);
    }

    /// <summary>The zone's arrears on <paramref name="day"/>: per lessee, lessor and park, and in all.</summary>
    internal static async Task<ArrearsReport> ReportAsync(Caller caller, NpgsqlDataSource db, string code, DateOnly day)
    {
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var rows = (await conn.QueryAsync<OwedRow>(new CommandDefinition(Owed, new { zone = code, asOf = day }, commandTimeout: 0)))
            .Where(r => r.Owed > 0).ToList();
        var lessees = rows.GroupBy(r => (r.LesseeName, r.LesseeCreditCode))
            .Select(g => new LesseeArrears(g.Key.LesseeName, g.Key.LesseeCreditCode, g.Select(r => r.LeaseId).Distinct().Order().ToArray(),
                g.Select(r => r.LessorName).Distinct().Order().ToArray(), g.Select(r => r.ParkCode).OfType<string>().Distinct().Order().ToArray(),
                g.Min(r => r.DueOn), g.Count(r => r.Kind == "instalment" && r.DueOn < day), Age(g, day)))
            .OrderByDescending(l => l.Owed.TotalYuan).ThenBy(l => l.LesseeName, StringComparer.Ordinal).ToList();
        return new ArrearsReport(code, day, lessees,
            rows.GroupBy(r => r.LessorName).Select(g => new GroupArrears(g.Key, Age(g, day))).OrderByDescending(g => g.Owed.TotalYuan).ToList(),
            rows.GroupBy(r => r.ParkCode ?? "").Select(g => new GroupArrears(g.Key, Age(g, day))).OrderByDescending(g => g.Owed.TotalYuan).ToList(),
            Age(rows, day));
    }

    static Ageing Age(IEnumerable<OwedRow> rows, DateOnly day)
    {
        var buckets = new decimal[5];
        foreach (var r in rows)
        {
            var days = day.DayNumber - r.DueOn.DayNumber;
            buckets[days <= 30 ? 0 : days <= 90 ? 1 : days <= 180 ? 2 : days <= 365 ? 3 : 4] += r.Owed;
        }
        return new Ageing(buckets[0], buckets[1], buckets[2], buckets[3], buckets[4], buckets.Sum());
    }
}
