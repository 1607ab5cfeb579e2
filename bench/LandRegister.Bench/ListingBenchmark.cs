using System.Diagnostics;
using System.Globalization;
using Dapper;
using LandRegister.Api.Parcels;

namespace LandRegister.Bench;

/// <summary>
/// A bbox listing of 1,000 parcels out of 1,000,000: median latency of <c>GET /api/parcels?bbox=…&amp;limit=1000</c>
/// against the same page written whole by PostgreSQL (<see cref="PostgresPage"/>) and against the very statement the
/// API runs, each executed directly in PostgreSQL and read to the last byte. Target: the API within 1.3×.
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

        await CheckPeerAsync(db, api, boxes[0]);

        var apiTimes = new List<double>();
        var sqlTimes = new List<double>();
        var peerTimes = new List<double>();
        long apiBytes = 0;
        int returned = 0, matched = 0;
        for (var i = 0; i < boxes.Count; i++)
        {
            // Each first on a third of the boxes: the first to read a box pays for its pages.
            (double Ms, long Bytes) viaApi = default;
            (double Ms, int Rows, int Matched) direct = default, peer = default;
            for (var turn = 0; turn < 3; turn++)
                switch ((i + turn) % 3)
                {
                    case 0: viaApi = await ViaApiAsync(api, boxes[i]); break;
                    case 1: direct = await DirectAsync(db, boxes[i], ownStatement: true); break;
                    default: peer = await DirectAsync(db, boxes[i], ownStatement: false); break;
                }
            if (i < 20) continue; // warm-up
            apiTimes.Add(viaApi.Ms);
            sqlTimes.Add(direct.Ms);
            peerTimes.Add(peer.Ms);
            (apiBytes, returned, matched) = (viaApi.Bytes, direct.Rows, direct.Matched);
        }
        var (api50, sql50, peer50) = (Stats.Median(apiTimes), Stats.Median(sqlTimes), Stats.Median(peerTimes));
        report.Section("Listing: bbox page of 1,000 parcels out of 1,000,000, API against PostgreSQL", $"""
            | | median | p95 |
            | --- | --- | --- |
            | `GET /api/parcels?bbox=…&limit=1000` (HTTP, GeoJSON FeatureCollection of {apiBytes / 1024} KiB) | {Stats.Ms(api50)} | {Stats.Ms(Stats.Percentile(apiTimes, 0.95))} |
            | the same page written by PostgreSQL: the API's statement with each Feature's GeoJSON built in SQL (`json_build_object`), run directly with Npgsql | {Stats.Ms(peer50)} | {Stats.Ms(Stats.Percentile(peerTimes, 0.95))} |
            | the API's own statement (count + page: the geometry's GeoJSON and the properties' columns, which the API writes as JSON), run directly with Npgsql | {Stats.Ms(sql50)} | {Stats.Ms(Stats.Percentile(sqlTimes, 0.95))} |

            API ÷ the same page written by PostgreSQL (medians): **{Stats.Ratio(api50 / peer50)}** (target ≤ 1.3×); API ÷ its own statement:
            **{Stats.Ratio(api50 / sql50)}**. {apiTimes.Count} random boxes after 20 warm-ups,
            each matching {matched} parcels and returning {returned}; {total:N0} synthetic parcels in the table. Each is measured
            first on a third of the boxes. The page PostgreSQL writes was checked equal, Feature by Feature, to the API's.
            """);
    }

    /// <summary>Fails the benchmark unless the peer's Features are the API's, parsed and compared one by one.</summary>
    static async Task CheckPeerAsync(BenchDatabase db, ApiProcess api, double[] box)
    {
        var bbox = string.Join(',', box.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        var page = System.Text.Json.Nodes.JsonNode.Parse(await api.Client.GetStringAsync($"/api/parcels?bbox={bbox}&limit=1000"))!;
        var ours = page["features"]!.AsArray();
        var args = new DynamicParameters();
        var sql = PostgresPage.Statement(Query(box), args);
        await using var conn = await db.Source.OpenConnectionAsync();
        await using var reader = await conn.ExecuteReaderAsync(sql, args);
        await reader.NextResultAsync();
        var n = 0;
        while (await reader.ReadAsync() && n < ours.Count)
        {
            var theirs = System.Text.Json.Nodes.JsonNode.Parse(reader.GetFieldValue<byte[]>(1));
            if (!System.Text.Json.Nodes.JsonNode.DeepEquals(theirs, ours[n++]))
                throw new InvalidOperationException($"the page PostgreSQL writes differs from the API's: {theirs!.ToJsonString()}\n{ours[n - 1]!.ToJsonString()}");
        }
        if (n != ours.Count) throw new InvalidOperationException($"the page PostgreSQL writes has {n} Features, the API's {ours.Count}");
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

    static ParcelQuery Query(double[] box) =>
        ParcelQuery.From(new ParcelSearch(null, null, null, null, null, null, box, null, null, null, 1000, null), Everyone, null!);

    /// <summary>The API's own page statement, or (not <paramref name="ownStatement"/>) the same page written by PostgreSQL.</summary>
    static async Task<(double Ms, int Rows, int Matched)> DirectAsync(BenchDatabase db, double[] box, bool ownStatement)
    {
        var query = Query(box);
        var args = new DynamicParameters();
        var sql = ownStatement ? ParcelSql.Page(query, args, query.Features()) : PostgresPage.Statement(query, args);
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
