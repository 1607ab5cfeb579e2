using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;

namespace LandRegister.Bench;

/// <summary>
/// History at scale: with 1,000,000 parcels and 5,000,000 history rows, (1) an <c>asOf</c> read of one parcel
/// through the API (target: median under 20 ms), (2) the <c>asOf</c> list of a zone of 10,000 parcels (target: median
/// under 2 s), and (3) the cost of keeping history on a parcel update, as <c>PATCH /api/parcels/{id}</c> with the
/// history trigger on against off, alternating in one run (target ≤ 1.3×).
/// </summary>
static class HistoryBenchmark
{
    const int Versions = 5;

    /// <summary>
    /// The valid time of the first version; version v holds from v - 1 years later. The versions were recorded in the
    /// last five days: a register loaded late for the past, as one taken over from paper is.
    /// </summary>
    static readonly DateTime First = new(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A second zone of 10,000 parcels (100 × 100), with their versions: the list read as of an instant.</summary>
    const string ListZone = "SYNB";
    const int ListSide = 100;

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, BenchOptions options, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        await EnsureHistoryAsync(db);
        var historyRows = await db.ScalarAsync<long>("SELECT count(*) FROM parcel_history");
        var parcels = await db.ScalarAsync<long>("SELECT count(*) FROM parcel");
        var ids = (await db.ScalarAsync<long[]>("SELECT array_agg(id) FROM (SELECT id FROM parcel WHERE zone_code = 'SYN' ORDER BY id LIMIT 1000000) t"));
        var random = new Random(7);

        // asOf reads: a random parcel at a random valid instant among its versions.
        var asOfTimes = new List<double>();
        for (var i = 0; i < options.ListingRuns + 20; i++)
        {
            var id = ids[random.Next(ids.Length)];
            var at = First.AddDays(random.NextDouble() * 365 * Versions).ToString("O", CultureInfo.InvariantCulture);
            var clock = Stopwatch.StartNew();
            using var response = await api.Client.GetAsync($"/api/parcels/{id}?asOf={Uri.EscapeDataString(at)}");
            await response.Content.ReadAsByteArrayAsync();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= 20) asOfTimes.Add(elapsed);
        }

        // asOf lists of a whole zone of 10,000 parcels (one page of 10,000).
        var listTimes = new List<double>();
        var listed = 0;
        for (var i = 0; i < 12; i++)
        {
            var at = First.AddDays(random.NextDouble() * 365 * Versions).ToString("O", CultureInfo.InvariantCulture);
            var clock = Stopwatch.StartNew();
            using var response = await api.Client.GetAsync($"/api/parcels?zone={ListZone}&limit=10000&asOf={Uri.EscapeDataString(at)}");
            var body = await response.Content.ReadAsByteArrayAsync();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= 2) listTimes.Add(elapsed);
            listed = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("numberReturned").GetInt32();
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
            | `GET /api/parcels?zone={ListZone}&limit=10000&asOf=…` (a zone's {listed:N0} parcels at a random instant) | {Stats.Ms(Stats.Median(listTimes))} | {Stats.Ms(Stats.Percentile(listTimes, 0.95))} |
            | `PATCH /api/parcels/{"{id}"}` (rename), history kept | {Stats.Ms(w50)} | {Stats.Ms(Stats.Percentile(with, 0.95))} |
            | `PATCH /api/parcels/{"{id}"}` (rename), history trigger disabled | {Stats.Ms(wo50)} | {Stats.Ms(Stats.Percentile(without, 0.95))} |
            | the same change in SQL (transaction, change description, UPDATE), history kept | {Stats.Ms(Stats.Median(sqlWith))} | {Stats.Ms(Stats.Percentile(sqlWith, 0.95))} |
            | the same change in SQL, history trigger disabled | {Stats.Ms(Stats.Median(sqlWithout))} | {Stats.Ms(Stats.Percentile(sqlWithout, 0.95))} |

            asOf read median: **{Stats.Ms(Stats.Median(asOfTimes))}** (target < 20 ms); asOf list of a zone of {listed:N0} parcels:
            **{Stats.Ms(Stats.Median(listTimes))}** (target < 2 s). Update with ÷ without history (medians): **{Stats.Ratio(w50 / wo50)}**
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
    /// take version 5. Each version holds from when it was recorded (no effective date). Made once and kept; the
    /// 10,000 parcels of the second zone are made first.
    /// </summary>
    static async Task EnsureHistoryAsync(BenchDatabase db)
    {
        if (await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = @ListZone", new { ListZone }) == 0)
        {
            await db.ExecuteAsync($"""
                INSERT INTO zone (code, name, gk_epsg, created_by, updated_by) VALUES ('{ListZone}', 'Synthetic zone of 10,000 parcels', 4549, 'bench', 'bench');
                INSERT INTO parcel (zone_code, code, status, planned_use, geom, created_by, updated_by)
                SELECT '{ListZone}', format('B%s-%s', i, j), 'clean_land', '100101',
                       ST_Multi(ST_Segmentize(ST_MakeEnvelope(120.3 + i * 0.002, 33.0 + j * 0.002, 120.3 + (i + 0.9) * 0.002, 33.0 + (j + 0.9) * 0.002, 4326), 0.0006)),
                       'bench', 'bench'
                FROM generate_series(0, {ListSide - 1}) i, generate_series(0, {ListSide - 1}) j;
                """);
            await AddVersionsAsync(db, ListZone);
        }
        if (await db.ScalarAsync<long>("SELECT count(*) FROM parcel_history WHERE kind = 'bench' AND zone_code = 'SYN'") > 0) return;
        Console.WriteLine("Creating 4,000,000 history rows (once; a few minutes)…");
        var clock = Stopwatch.StartNew();
        await AddVersionsAsync(db, "SYN");
        Console.WriteLine($"…done in {clock.Elapsed.TotalSeconds:0} s");
    }

    static async Task AddVersionsAsync(BenchDatabase db, string zone)
    {
        await using var conn = await db.Source.OpenConnectionAsync();
        await conn.ExecuteAsync("SET session_replication_role = replica");
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE parcel_history SET recorded_at = now() - interval '5 days', valid_from = @first
            WHERE zone_code = @zone AND version = 1
            """, new { zone, first = First }, commandTimeout: 0));
        for (var v = 2; v <= Versions; v++)
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO parcel_history (parcel_id, version, recorded_at, valid_from, kind, actor, reason, details, changed, zone_code, code,
                    park_code, name, planned_use, actual_use, status, status_source, registered_area_m2, area_m2, supply_id, clean_checklist,
                    parent_ids, created_at, created_by, retired_at, geom)
                SELECT id, @v, now() - make_interval(days => 6 - @v), @first + make_interval(years => @v - 1), 'bench', 'bench', 'generated', '{}',
                       CASE WHEN @v = 3 AND id % 5 = 0 THEN ARRAY['status', 'geom'] ELSE ARRAY['status'] END,
                       zone_code, code, park_code, name, planned_use, actual_use,
                       (ARRAY['raw_land','clean_land','supplied','under_construction','in_use'])[@v], 'manual',
                       registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids, created_at, created_by, retired_at,
                       CASE WHEN @v = 3 AND id % 5 = 0 THEN ST_Multi(ST_Translate(geom, 0.00001, 0)) END
                FROM parcel WHERE zone_code = @zone
                """, new { v, zone, first = First }, commandTimeout: 0));
        await conn.ExecuteAsync(new CommandDefinition(
            $"UPDATE parcel SET version = {Versions}, updated_at = now() - interval '1 day', existed_from = @first WHERE zone_code = @zone",
            new { zone, first = First }, commandTimeout: 0));
        await conn.ExecuteAsync("SET session_replication_role = DEFAULT");
        await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE parcel_history", commandTimeout: 0));
        await conn.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE parcel", commandTimeout: 0));
    }
}
