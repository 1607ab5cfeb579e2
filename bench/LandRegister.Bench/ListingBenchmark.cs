using System.Diagnostics;
using System.Globalization;
using Dapper;
using LandRegister.Api.Parcels;

namespace LandRegister.Bench;

/// <summary>
/// A bbox listing of 1,000 parcels out of 1,000,000: median latency of <c>GET /api/parcels?bbox=…&amp;limit=1000</c>
/// against the very statement the API runs, executed directly in PostgreSQL and read to the last byte.
/// Target: the API within 1.3×.
/// </summary>
static class ListingBenchmark
{
    const int Side = 1000;                  // 1000 × 1000 parcels
    const double Lon0 = 119.0, Lat0 = 33.0;  // south-west corner
    const double Dx = 0.00086, Dy = 0.00072; // ~80 m cells at 33.4°N; parcels are 72 m squares with extra vertices

    /// <summary>The benchmark's admin key reaches every zone, as the direct query does.</summary>
    static readonly LandRegister.Api.Access.Caller Everyone = new("bench", "admin", null);

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, BenchOptions options, Report report)
    {
        await EnsureParcelsAsync(db);
        var total = await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'SYN'");
        var random = new Random(42);
        var boxes = Enumerable.Range(0, options.ListingRuns + 20).Select(_ => Box(random.Next(0, Side - 32), random.Next(0, Side - 32))).ToList();

        var apiTimes = new List<double>();
        var sqlTimes = new List<double>();
        long apiBytes = 0;
        int returned = 0, matched = 0;
        for (var i = 0; i < boxes.Count; i++)
        {
            // Each first on half of the boxes: the first to read a box pays for its pages.
            (double Ms, long Bytes) viaApi;
            (double Ms, int Rows, int Matched) direct;
            if (i % 2 == 0) (viaApi, direct) = (await ViaApiAsync(api, boxes[i]), await DirectAsync(db, boxes[i]));
            else (direct, viaApi) = (await DirectAsync(db, boxes[i]), await ViaApiAsync(api, boxes[i]));
            var ((a, bytes), (d, rows, count)) = (viaApi, direct);
            if (i < 20) continue; // warm-up
            apiTimes.Add(a);
            sqlTimes.Add(d);
            (apiBytes, returned, matched) = (bytes, rows, count);
        }
        var (api50, sql50) = (Stats.Median(apiTimes), Stats.Median(sqlTimes));
        report.Section("Listing: bbox page of 1,000 parcels out of 1,000,000, API against PostgreSQL", $"""
            | | median | p95 |
            | --- | --- | --- |
            | `GET /api/parcels?bbox=…&limit=1000` (HTTP, GeoJSON FeatureCollection of {apiBytes / 1024} KiB) | {Stats.Ms(api50)} | {Stats.Ms(Stats.Percentile(apiTimes, 0.95))} |
            | the same statement (count + page, each Feature's GeoJSON written by PostgreSQL) run directly with Npgsql | {Stats.Ms(sql50)} | {Stats.Ms(Stats.Percentile(sqlTimes, 0.95))} |

            API ÷ PostgreSQL (medians): **{Stats.Ratio(api50 / sql50)}** (target ≤ 1.3×), {apiTimes.Count} random boxes after 20 warm-ups,
            each matching {matched} parcels and returning {returned}; {total:N0} synthetic parcels in the table. Each is measured
            first on half of the boxes.
            """);
    }

    /// <summary>A box over 32 × 32 cells: from the centre of cell (i, j) to the centre of cell (i + 31, j + 31).</summary>
    internal static double[] Box(int i, int j) =>
        [Lon0 + (i + 0.45) * Dx, Lat0 + (j + 0.45) * Dy, Lon0 + (i + 31.45) * Dx, Lat0 + (j + 31.45) * Dy];

    static async Task<(double Ms, long Bytes)> ViaApiAsync(ApiProcess api, double[] box)
    {
        var bbox = string.Join(',', box.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var clock = Stopwatch.StartNew();
        using var response = await api.Client.GetAsync($"/api/parcels?bbox={bbox}&limit=1000", HttpCompletionOption.ResponseHeadersRead);
        var bytes = (await response.Content.ReadAsByteArrayAsync()).LongLength;
        var elapsed = clock.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return (elapsed, bytes);
    }

    static async Task<(double Ms, int Rows, int Matched)> DirectAsync(BenchDatabase db, double[] box)
    {
        var query = ParcelQuery.From(new ParcelSearch(null, null, null, null, null, null, box, null, null, null, 1000, null), Everyone, null!);
        var args = new DynamicParameters();
        var sql = ParcelSql.Page(query, args);
        var clock = Stopwatch.StartNew();
        var (matched, rows) = await db.ReadPageAsync(sql, args);
        return (clock.Elapsed.TotalMilliseconds, Math.Min(rows, 1000), (int)matched);
    }

    /// <summary>One million parcels in a 1000 × 1000 grid near Lianshui, made once and kept in the benchmark database.</summary>
    internal static async Task EnsureParcelsAsync(BenchDatabase db)
    {
        if (await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'SYN'") == Side * Side) return;
        Console.WriteLine("Creating 1,000,000 synthetic parcels (once; a few minutes)…");
        var clock = Stopwatch.StartNew();
        await db.ExecuteAsync("DELETE FROM parcel WHERE zone_code = 'SYN'; DELETE FROM zone WHERE code = 'SYN'");
        await db.ExecuteAsync("INSERT INTO zone (code, name, gk_epsg, created_by, updated_by) VALUES ('SYN', 'Synthetic benchmark zone', 4549, 'bench', 'bench')");
        for (var i = 0; i < Side; i += 100)
            await db.ExecuteAsync("""
                INSERT INTO parcel (zone_code, code, status, planned_use, geom, created_by, updated_by)
                SELECT 'SYN', format('S%s-%s', i, j),
                       (ARRAY['raw_land','clean_land','supplied','under_construction','in_use','in_use','in_use','low_efficiency','idle'])[1 + (i * 7 + j * 13) % 9],
                       (ARRAY['100101','100102','100103','1101','0901'])[1 + (i * 3 + j) % 5],
                       ST_Multi(ST_Segmentize(ST_MakeEnvelope(@lon0 + i * @dx, @lat0 + j * @dy, @lon0 + (i + 0.9) * @dx, @lat0 + (j + 0.9) * @dy, 4326), @dy / 3)), 'bench', 'bench'
                FROM generate_series(@from, @from + 99) i, generate_series(0, @side - 1) j
                """, new { from = i, side = Side, lon0 = Lon0, lat0 = Lat0, dx = Dx, dy = Dy });
        await db.ExecuteAsync("VACUUM ANALYZE parcel");
        Console.WriteLine($"…done in {clock.Elapsed.TotalSeconds:0} s");
    }
}
