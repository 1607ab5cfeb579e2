using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LandRegister.Bench;

/// <summary>
/// Rent at scale: 100,000 leases of land in the zone of 1,000,000 parcels, each with three years of monthly bills paid on
/// their due days, except one lease in twenty, whose last six months are owed. Measures (1) the arrears of the zone by age
/// through <c>GET /api/leases/arrears</c>, today and a year ago (target: under 2 s), and (2) generating the bills of a
/// month for the 100,000 leases through <c>POST /api/leases/bills</c> (target: under 5 s), each month generated afresh.
/// </summary>
static class LeaseBenchmark
{
    const int Leases = 100_000;

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var start = new DateOnly(today.Year, today.Month, 1).AddMonths(-36);
        var setup = await EnsureLeasesAsync(db, start);
        var bills = await db.ScalarAsync<long>("SELECT count(*) FROM rent_bill WHERE zone_code = 'SYN'");

        var now = new List<double>();
        var past = new List<double>();
        var owing = 0;
        for (var i = 0; i < 12; i++)
        {
            var (ms, lessees) = await ArrearsAsync(api, null);
            if (i >= 2) now.Add(ms);
            owing = lessees;
            var (pastMs, _) = await ArrearsAsync(api, today.AddYears(-1));
            if (i >= 2) past.Add(pastMs);
        }

        // A month's bills, generated afresh each time: the month after the leases' last bills.
        var month = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var generate = new List<double>();
        long created = 0;
        for (var i = 0; i < 4; i++)
        {
            await db.ExecuteAsync("DELETE FROM rent_bill WHERE zone_code = 'SYN' AND due_on >= @month", new { month });
            var clock = Stopwatch.StartNew();
            using var response = await api.Client.PostAsJsonAsync("/api/leases/bills",
                new { zone = "SYN", from = month.ToString("yyyy-MM-dd"), through = month.AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd") });
            var body = await response.Content.ReadAsStringAsync();
            var ms = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            created = JsonDocument.Parse(body).RootElement.GetProperty("created").GetInt64();
            if (i >= 1) generate.Add(ms);
        }
        await db.ExecuteAsync("DELETE FROM rent_bill WHERE zone_code = 'SYN' AND due_on >= @month", new { month });

        report.Section("Leases: arrears of 100,000 leases and a month's bills", $"""
            {Leases:N0} leases of land, {bills:N0} bills since {start:yyyy-MM-dd} (monthly, paid on their due days but for one lease in twenty).
            {setup}

            | | median | p95 |
            | --- | --- | --- |
            | `GET /api/leases/arrears?zone=SYN` (today: {owing:N0} lessees owing) | {Stats.Ms(Stats.Median(now))} | {Stats.Ms(Stats.Percentile(now, 0.95))} |
            | `GET /api/leases/arrears?zone=SYN&asOf=` a year ago | {Stats.Ms(Stats.Median(past))} | {Stats.Ms(Stats.Percentile(past, 0.95))} |
            | `POST /api/leases/bills` for one month of the {Leases:N0} leases ({created:N0} bills made) | {Stats.Ms(Stats.Median(generate))} | {Stats.Ms(Stats.Percentile(generate, 0.95))} |

            Arrears: **{Stats.Ms(Stats.Median(now))}** today, {Stats.Ms(Stats.Median(past))} a year ago (target < 2 s); a month's bills:
            **{Stats.Ms(Stats.Median(generate))}** (target < 5 s).
            """);
    }

    static async Task<(double Ms, int Lessees)> ArrearsAsync(ApiProcess api, DateOnly? asOf)
    {
        var clock = Stopwatch.StartNew();
        using var response = await api.Client.GetAsync($"/api/leases/arrears?zone=SYN{(asOf is { } d ? $"&asOf={d:yyyy-MM-dd}" : "")}");
        var body = await response.Content.ReadAsByteArrayAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return (ms, JsonDocument.Parse(body).RootElement.GetProperty("lessees").GetArrayLength());
    }

    /// <summary>The leases, their bills and payments, once (in SQL: the setting up is not what is measured).</summary>
    static async Task<string> EnsureLeasesAsync(BenchDatabase db, DateOnly start)
    {
        if (await db.ScalarAsync<long>("SELECT count(*) FROM lease WHERE zone_code = 'SYN'") >= Leases) return "";
        var clock = Stopwatch.StartNew();
        await db.ExecuteAsync("""
            INSERT INTO lease (zone_code, parcel_id, area_m2, lessor_name, lessor_kind, lessee_kind, lessee_name, lessee_credit_code, use_code,
                               starts_on, ends_on, rent_basis, rent, schedule, payment_timing, status, created_by, updated_by)
            SELECT 'SYN', p.id, 1000, 'bench platform company', 'platform_company', 'enterprise', 'lessee ' || p.id,
                   '91320826MA' || lpad((p.id % 10000000)::text, 7, '0') || '0', '100101', @start, @start + interval '6 years' - interval '1 day',
                   'per_year', 12, 'monthly', 'advance', 'active', 'bench', 'bench'
            FROM (SELECT id FROM parcel WHERE zone_code = 'SYN' ORDER BY id LIMIT @Leases) p;
            """, new { start, Leases });
        await db.ExecuteAsync("SELECT generate_rent_bills('SYN', NULL, @start, @through)", new { start, through = DateOnly.FromDateTime(DateTime.UtcNow) });
        await db.ExecuteAsync("""
            CREATE TEMP TABLE paid AS
            SELECT b.id AS bill_id, b.lease_id, b.due_on, b.amount_yuan FROM rent_bill b JOIN lease l ON l.id = b.lease_id
            WHERE b.zone_code = 'SYN' AND NOT (l.id % 20 = 0 AND b.due_on > current_date - interval '6 months');
            INSERT INTO rent_payment (zone_code, lease_id, paid_on, payer, amount_yuan, allocated_yuan, reference, source, actor)
            SELECT 'SYN', lease_id, due_on, 'payer', amount_yuan, amount_yuan, 'BENCH-' || bill_id, 'import', 'bench' FROM paid;
            INSERT INTO rent_allocation (payment_id, bill_id, amount_yuan, paid_on)
            SELECT r.id, p.bill_id, p.amount_yuan, p.due_on FROM paid p JOIN rent_payment r ON r.zone_code = 'SYN' AND r.reference = 'BENCH-' || p.bill_id;
            UPDATE rent_bill b SET paid_yuan = b.amount_yuan, settled_on = p.due_on FROM paid p WHERE b.id = p.bill_id;
            DROP TABLE paid;
            """);
        await db.ExecuteAsync("VACUUM ANALYZE rent_bill");
        return $"Set up in {clock.Elapsed.TotalSeconds:0} s.";
    }
}
