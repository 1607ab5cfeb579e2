using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;

namespace LandRegister.Bench;

/// <summary>
/// History at scale: with 1,000,000 parcels and 5,000,000 history rows, (1) an <c>asOf</c> read of one parcel
/// through the API (target: median under 20 ms), and (2) the cost of keeping history on a parcel update, as
/// <c>PATCH /api/parcels/{id}</c> with the history trigger on against off, alternating in one run (target ≤ 1.3×).
/// </summary>
static class HistoryBenchmark
{
    const int Versions = 5;

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, BenchOptions options, Report report)
    {
        await EnsureHistoryAsync(db);
        var historyRows = await db.ScalarAsync<long>("SELECT count(*) FROM parcel_history");
        var parcels = await db.ScalarAsync<long>("SELECT count(*) FROM parcel");
        var ids = (await db.ScalarAsync<long[]>("SELECT array_agg(id) FROM (SELECT id FROM parcel WHERE zone_code = 'SYN' ORDER BY id LIMIT 1000000) t"));
        var random = new Random(7);

        // asOf reads: a random parcel at a random instant among its versions.
        var asOfTimes = new List<double>();
        for (var i = 0; i < options.ListingRuns + 20; i++)
        {
            var id = ids[random.Next(ids.Length)];
            var at = DateTime.UtcNow.AddDays(-Versions + random.NextDouble() * Versions).ToString("O", CultureInfo.InvariantCulture);
            var clock = Stopwatch.StartNew();
            using var response = await api.Client.GetAsync($"/api/parcels/{id}?asOf={Uri.EscapeDataString(at)}");
            await response.Content.ReadAsByteArrayAsync();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= 20) asOfTimes.Add(elapsed);
        }

        // Updates with and without the history trigger, in alternating blocks on distinct parcels.
        var with = new List<double>();
        var without = new List<double>();
        var sqlWith = new List<double>();
        var sqlWithout = new List<double>();
        // Switching the trigger makes every pooled session plan its statements again, so each block starts
        // with updates that are not counted.
        const int warmUp = 15;
        for (var block = 0; block < 16; block++)
        {
            var keep = block % 2 == 0;
            await db.ExecuteAsync($"ALTER TABLE parcel {(keep ? "ENABLE" : "DISABLE")} TRIGGER parcel_history_updated");
            for (var i = 0; i < warmUp + options.ListingRuns / 5; i++)
            {
                var elapsed = await PatchAsync(api, ids[random.Next(ids.Length)], $"bench {block}-{i}");
                var sql = await UpdateAsync(db, ids[random.Next(ids.Length)], $"bench sql {block}-{i}");
                if (i < warmUp) continue;
                (keep ? with : without).Add(elapsed);
                (keep ? sqlWith : sqlWithout).Add(sql);
            }
        }
        await db.ExecuteAsync("ALTER TABLE parcel ENABLE TRIGGER parcel_history_updated");

        var (w50, wo50) = (Stats.Median(with), Stats.Median(without));
        report.Section("History: asOf reads and the cost of keeping history", $"""
            {parcels:N0} parcels, {historyRows:N0} history rows.

            | | median | p95 |
            | --- | --- | --- |
            | `GET /api/parcels/{"{id}"}?asOf=…` (a random parcel at a random instant of its {Versions} versions) | {Stats.Ms(Stats.Median(asOfTimes))} | {Stats.Ms(Stats.Percentile(asOfTimes, 0.95))} |
            | `PATCH /api/parcels/{"{id}"}` (rename), history kept | {Stats.Ms(w50)} | {Stats.Ms(Stats.Percentile(with, 0.95))} |
            | `PATCH /api/parcels/{"{id}"}` (rename), history trigger disabled | {Stats.Ms(wo50)} | {Stats.Ms(Stats.Percentile(without, 0.95))} |
            | the same change in SQL (transaction, change description, UPDATE), history kept | {Stats.Ms(Stats.Median(sqlWith))} | {Stats.Ms(Stats.Percentile(sqlWith, 0.95))} |
            | the same change in SQL, history trigger disabled | {Stats.Ms(Stats.Median(sqlWithout))} | {Stats.Ms(Stats.Percentile(sqlWithout, 0.95))} |

            asOf read median: **{Stats.Ms(Stats.Median(asOfTimes))}** (target < 20 ms). Update with ÷ without history (medians): **{Stats.Ratio(w50 / wo50)}**
            through the API, {Stats.Ratio(Stats.Median(sqlWith) / Stats.Median(sqlWithout))} in SQL alone (target ≤ 1.3×); {with.Count} + {without.Count}
            updates of each kind in alternating blocks of one run.
            """);
    }

    /// <summary>The statements the API runs for a rename, sent directly: what the database alone pays for history.</summary>
    static async Task<double> UpdateAsync(BenchDatabase db, long id, string name)
    {
        await using var conn = await db.Source.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        await using var tx = await new LandRegister.Api.Infrastructure.RecordedChange("updated").BeginAsync(conn);
        await conn.ExecuteAsync("UPDATE parcel SET name = @name, updated_by = 'bench' WHERE id = @id", new { id, name }, tx);
        await tx.CommitAsync();
        return clock.Elapsed.TotalMilliseconds;
    }

    static async Task<double> PatchAsync(ApiProcess api, long id, string name)
    {
        using var get = await api.Client.GetAsync($"/api/parcels/{id}");
        var etag = get.Headers.ETag!;
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/parcels/{id}")
        {
            Content = new StringContent($$$"""{"properties":{"name":"{{{name}}}"}}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        request.Headers.IfMatch.Add(etag);
        var clock = Stopwatch.StartNew();
        using var response = await api.Client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PATCH failed: {(int)response.StatusCode}");
        return elapsed;
    }

    /// <summary>
    /// Gives each synthetic parcel five versions: the generated history rows of versions 2-5 (status changes; a new
    /// geometry at version 3 for one parcel in five) are written by SQL in bulk with triggers off, then the parcels
    /// take version 5. Made once and kept.
    /// </summary>
    static async Task EnsureHistoryAsync(BenchDatabase db)
    {
        if (await db.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE kind = 'bench'") > 0) return;
        Console.WriteLine("Creating 4,000,000 history rows (once; a few minutes)…");
        var clock = Stopwatch.StartNew();
        await using var conn = await db.Source.OpenConnectionAsync();
        await conn.ExecuteAsync("SET session_replication_role = replica");
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE parcel_history SET recorded_at = now() - interval '5 days' WHERE zone_code = 'SYN' AND version = 1
            """, commandTimeout: 0));
        for (var v = 2; v <= Versions; v++)
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
                    name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
                    created_at, created_by, retired_at, geom)
                SELECT id, @v, now() - make_interval(days => 6 - @v), 'bench', 'bench', 'generated', '{}', zone_code, code, park_code,
                       name, planned_use, actual_use, (ARRAY['raw_land','clean_land','supplied','under_construction','in_use'])[@v],
                       registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids, created_at, created_by, retired_at,
                       CASE WHEN @v = 3 AND id % 5 = 0 THEN ST_Multi(ST_Translate(geom, 0.00001, 0)) END
                FROM parcel WHERE zone_code = 'SYN'
                """, new { v }, commandTimeout: 0));
        await conn.ExecuteAsync(new CommandDefinition(
            $"UPDATE parcel SET version = {Versions}, updated_at = now() - interval '1 day' WHERE zone_code = 'SYN'", commandTimeout: 0));
        await conn.ExecuteAsync("SET session_replication_role = DEFAULT");
        await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE parcel_history", commandTimeout: 0));
        await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE parcel", commandTimeout: 0));
        Console.WriteLine($"…done in {clock.Elapsed.TotalSeconds:0} s");
    }
}
