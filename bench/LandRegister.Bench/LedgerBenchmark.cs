using System.Diagnostics;
using System.Text.Json;

namespace LandRegister.Bench;

/// <summary>
/// The rectification ledger's measured targets at scale: 1,000 items over the zone of 1,000,000 parcels, each linking
/// 100 parcels with three parcel targets (statuses reached, used as planned, no longer idle), one in ten with the
/// zone-wide ones too (the reserve target, the evaluation done, no raw land supplied), read through
/// <c>GET /api/ledger/items</c> in two pages of 500 with every target computed. Target: under 1 s for the 1,000.
/// </summary>
static class LedgerBenchmark
{
    const int Items = 1000;
    const int LinksPerItem = 100;
    const string Title = "benchmark ledger";

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        await EnsureItemsAsync(db);
        var targets = await db.ScalarAsync<long>(
            "SELECT sum(jsonb_array_length(i.targets)) FROM ledger_item i JOIN ledger_source s ON s.id = i.source_id WHERE s.title = @Title", new { Title });

        var first = await ReadAllAsync(api);
        var times = new List<double>();
        var counted = 0;
        for (var i = 0; i < 12; i++)
        {
            var (ms, items) = await ReadAllAsync(api);
            if (i >= 2) times.Add(ms);
            counted = items;
        }
        report.Section("Ledger: the targets of 1,000 items over 1,000,000 parcels", $"""
            | | median | p95 |
            | --- | --- | --- |
            | `GET /api/ledger/items?zone=SYN&limit=500`, both pages: {counted:N0} items, {targets:N0} targets measured | {Stats.Ms(Stats.Median(times))} | {Stats.Ms(Stats.Percentile(times, 0.95))} |

            The 1,000 items with their targets: **{Stats.Ms(Stats.Median(times))}** (target < 1 s); {times.Count} reads after 2 warm-ups.
            Each item links {LinksPerItem} of the zone's parcels; one in ten also carries the reserve target of 2024 (its blocks as
            the reserve cache holds them), the 2024 evaluation and no raw land supplied since 2024-01-01, each measured once per
            zone and year. The first read after start-up took {Stats.Ms(first.Ms)}.
            """);
    }

    static async Task<(double Ms, int Items)> ReadAllAsync(ApiProcess api)
    {
        var clock = Stopwatch.StartNew();
        var items = 0;
        string? cursor = null;
        do
        {
            using var response = await api.Client.GetAsync($"/api/ledger/items?zone=SYN&limit=500{(cursor is null ? "" : $"&cursor={cursor}")}");
            var body = await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            using var page = JsonDocument.Parse(body);
            items += page.RootElement.GetProperty("items").GetArrayLength();
            cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        } while (cursor is not null);
        return (clock.Elapsed.TotalMilliseconds, items);
    }

    /// <summary>The items, once: linked to parcels drawn at random (a fixed seed) from the whole zone.</summary>
    static async Task EnsureItemsAsync(BenchDatabase db)
    {
        if (await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM ledger_source WHERE zone_code = 'SYN' AND title = @Title)", new { Title })) return;
        await db.ExecuteAsync("""
            SELECT setseed(0.15);
            WITH source AS (
                INSERT INTO ledger_source (zone_code, title, issued_by, issued_on, kind, created_by)
                VALUES ('SYN', @Title, 'bench', DATE '2024-01-25', 'inspection', 'bench') RETURNING id),
            ids AS (SELECT min(id) AS lo, max(id) AS hi FROM parcel WHERE zone_code = 'SYN')
            INSERT INTO ledger_item (source_id, zone_code, number, problem, measures, lead_unit, deadline, category, status,
                                     parcel_ids, targets, created_by, updated_by)
            SELECT source.id, 'SYN', n::text, 'benchmark finding ' || n, ARRAY['measure'], 'bench', DATE '2024-12-31', 'low_efficiency',
                   (ARRAY['not_started', 'in_progress', 'phase_completed'])[1 + n % 3],
                   (SELECT array_agg(ids.lo + floor(random() * (ids.hi - ids.lo + 1))::bigint + g * 0) FROM generate_series(1, @LinksPerItem + n * 0) g),
                   '[{"kind": "parcels_in_status", "statuses": ["revitalized", "in_use"]}, {"kind": "use_mismatch_cleared"}, {"kind": "idle_land_cleared"}]'::jsonb
                   || CASE WHEN n % 10 = 0 THEN '[{"kind": "reserve_target", "year": 2024}, {"kind": "enterprises_evaluated", "year": 2024},
                                                 {"kind": "no_raw_land_supplied", "since": "2024-01-01"}]'::jsonb ELSE '[]'::jsonb END,
                   'bench', 'bench'
            FROM source, ids, generate_series(1, @Items) n
            """, new { Title, LinksPerItem, Items });
    }
}
