using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using LandRegister.Api.Parcels;
using LandRegister.Api.Tiles;

namespace LandRegister.Bench;

/// <summary>
/// Load: 200 concurrent connections for 30 s a side (in alternating blocks) on the million-parcel table, against the API (<c>GET /api/parcels?limit=100</c>,
/// and parcel tiles at z15), and against the same statements run directly over a pool of the API's size (Npgsql's
/// default, 100): for the list, the same page written whole by PostgreSQL (<see cref="PostgresPage"/>) and the API's own
/// statement. Reports throughput, p50 and p99, and the API's throughput as a share of the direct one.
/// </summary>
static class LoadBenchmark
{
    const int Connections = 200;
    const int PoolSize = 100;
    /// <summary>
    /// Each side is measured in <see cref="Rounds"/> blocks that alternate with the other side's, so that the machine
    /// slowing down or speeding up in the meantime weighs on both (one block each gave ratios 0.6–0.8× from run to run).
    /// </summary>
    const int Rounds = 3;
    static readonly TimeSpan Block = TimeSpan.FromSeconds(10), WarmUp = TimeSpan.FromSeconds(10), Settle = TimeSpan.FromSeconds(1);

    /// <summary>How often the PostgreSQL processes' time is read: a backend that exits loses what it used since.</summary>
    static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(250);

    static readonly LandRegister.Api.Access.Caller Everyone = new("bench", "admin", null);

    sealed record Load(List<double> Latencies, long Failed, double Seconds, ProcessorTime Cpu)
    {
        public double Throughput => Latencies.Count / Seconds;

        /// <summary>Milliseconds of processor time per request answered, of the client, the API and PostgreSQL.</summary>
        public (double Client, double Api, double Postgres) CpuPerRequest =>
            (Cpu.Client.TotalMilliseconds / Latencies.Count, Cpu.Api.TotalMilliseconds / Latencies.Count, Cpu.Postgres.TotalMilliseconds / Latencies.Count);
        public double P50 => Stats.Median(Latencies);
        public double P99 => Stats.Percentile(Latencies, 0.99);
    }

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = api.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-Api-Key", BenchApi.AdminKey);
        await using var pool = LandRegister.Api.Infrastructure.Database.Open(
            new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString) { MaxPoolSize = PoolSize, Timeout = 60 }.ConnectionString);

        var listArgs = new DynamicParameters();
        var listQuery = ParcelQuery.From(new ParcelSearch(null, null, null, null, null, null, null, null, null, null, 100, null), Everyone, null!);
        var listSql = ParcelSql.Page(listQuery, listArgs, listQuery.Features());
        var peerArgs = new DynamicParameters();
        var peerSql = PostgresPage.Statement(listQuery, peerArgs);
        var random = new Random(15);
        var tiles = Enumerable.Range(0, 400).Select(_ => TileAt(119.02 + random.NextDouble() * 0.8, 33.02 + random.NextDouble() * 0.66, 15)).ToArray();
        var settings = new TileSettings();
        var tileSql = TileLayer.Find("parcels")!.TileSql(true, false, past: false);

        var lists = await AlternatingAsync(api, _ => GetAsync(http, "/api/parcels?limit=100"), _ => ReadAllAsync(pool, peerSql, peerArgs),
            _ => ReadAllAsync(pool, listSql, listArgs));
        var (apiList, peerList, sqlList) = (lists[0], lists[1], lists[2]);
        var tileLoads = await AlternatingAsync(api, n => { var t = tiles[n % tiles.Length]; return GetAsync(http, $"/tiles/parcels/{t.Z}/{t.X}/{t.Y}.mvt"); }, async n =>
        {
            var t = tiles[n % tiles.Length];
            await using var conn = await pool.OpenConnectionAsync();
            await conn.ExecuteScalarAsync<byte[]>(tileSql, new
            {
                z = t.Z, x = t.X, y = t.Y, scope = (string[]?)null, tolerance = t.Tolerance, minArea = settings.MinPixelArea * t.PixelAreaM2,
                limit = settings.MaxFeatures,
            });
        });
        var (apiTiles, sqlTiles) = (tileLoads[0], tileLoads[1]);

        static string Row(string what, Load l) =>
            $"| {what} | {l.Throughput:N0}/s | {Stats.Ms(l.P50)} | {Stats.Ms(l.P99)} | {l.Failed:N0} |";
        static string CpuRow(string what, Load l)
        {
            var (client, inApi, postgres) = l.CpuPerRequest;
            return $"| {what} | {client:0.000} | {inApi:0.000} | {postgres:0.000} | {client + inApi + postgres:0.000} | {Environment.ProcessorCount * 1000 / (client + inApi + postgres):N0}/s |";
        }
        report.Section("Load: 200 concurrent connections for 30 s, API against the same statements in PostgreSQL", $"""
            | | throughput | p50 | p99 | failed |
            | --- | --- | --- | --- | --- |
            {Row("`GET /api/parcels?limit=100` (HTTP, GeoJSON)", apiList)}
            {Row("the same page written by PostgreSQL (the API's statement, each Feature built in SQL) over a pool of 100", peerList)}
            {Row("the API's own statement (count + page; the API writes the properties' JSON) over a pool of 100", sqlList)}
            {Row("`GET /tiles/parcels/15/…` (400 random tiles, the tile cache on)", apiTiles)}
            {Row("the tile statement for the same tiles, built each time, over a pool of 100", sqlTiles)}

            - Listing, API ÷ the same page written by PostgreSQL, throughput: **{Stats.Ratio(apiList.Throughput / peerList.Throughput)}** (target ≥ 0.8×);
              ÷ the API's own statement: **{Stats.Ratio(apiList.Throughput / sqlList.Throughput)}**; p99 {Stats.Ms(apiList.P99)} (target < 1 s)
            - Tiles, API ÷ direct throughput: **{Stats.Ratio(apiTiles.Throughput / sqlTiles.Throughput)}**; p99 {Stats.Ms(apiTiles.P99)}

            Processor time per request answered, in ms, over the measured blocks: the client is this benchmark's process (its
            HttpClient or its Npgsql pool, and the reading of `/proc` every {SampleEvery.TotalMilliseconds:0} ms), PostgreSQL
            every `postgres` process, the server's own work (autovacuum, checkpoints) included. With the cores busy throughout, the
            {Environment.ProcessorCount} cores divided by the whole is the throughput the side can reach on this machine.

            | | client | API | PostgreSQL | all | cores ÷ all |
            | --- | --- | --- | --- | --- | --- |
            {CpuRow("`GET /api/parcels?limit=100`", apiList)}
            {CpuRow("the same page written by PostgreSQL", peerList)}
            {CpuRow("the API's own statement", sqlList)}
            {CpuRow("`GET /tiles/parcels/15/…`, cached", apiTiles)}

            {Connections} client tasks on one HttpClient (at most {Connections} connections) or on a {PoolSize}-connection Npgsql
            pool (the API's own pool size), each sending its next request as soon as the last is answered; each side measured for
            {Rounds} × {Block.TotalSeconds:0} s in blocks alternating with the others', after {WarmUp.TotalSeconds:0} s of warm-up
            (and {Settle.TotalSeconds:0} s before each block); client, API and PostgreSQL share this machine's {Environment.ProcessorCount} cores.
            "Failed": an answer other than 200/204, or none within 60 s. Cached tiles cost no database round trip (they are
            dropped when PostgreSQL announces a change touching them); the direct tile statement builds every tile. The
            list's exact count of a whole zone is read from `parcel_count`, on both sides.
            """);
    }

    static TileAddress TileAt(double lon, double lat, int z)
    {
        var n = 1 << z;
        return new TileAddress(z, (int)Math.Floor((lon + 180) / 360 * n),
            (int)Math.Floor((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n));
    }

    static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await response.Content.CopyToAsync(Stream.Null);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
    }

    /// <summary>The count and the page, every row received, on a connection of <paramref name="pool"/>.</summary>
    static async Task ReadAllAsync(Npgsql.NpgsqlDataSource pool, string sql, object args)
    {
        await using var conn = await pool.OpenConnectionAsync();
        await using var reader = await conn.ExecuteReaderAsync(sql, args);
        do { while (await reader.ReadAsync()) { } } while (await reader.NextResultAsync());
    }

    /// <summary>The sides in alternating blocks (<see cref="Rounds"/> each), the first of each after the warm-up; each side's blocks' counts and latencies pooled.</summary>
    static async Task<Load[]> AlternatingAsync(ApiProcess api, params Func<int, Task>[] sides)
    {
        var blocks = sides.Select(_ => new List<Load>()).ToArray();
        for (var round = 0; round < Rounds; round++)
            for (var side = 0; side < sides.Length; side++)
                blocks[side].Add(await RunAsync(api, sides[side], round == 0 ? WarmUp : Settle));
        return blocks.Select(Pooled).ToArray();
    }

    static Load Pooled(List<Load> blocks)
    {
        var all = blocks.SelectMany(b => b.Latencies).ToList();
        var cpu = blocks.Select(b => b.Cpu).Aggregate((a, b) => a + b);
        return new Load(all, blocks.Sum(b => b.Failed), blocks.Sum(b => b.Seconds), cpu);
    }

    /// <summary>
    /// Runs <paramref name="one"/> from <see cref="Connections"/> tasks, each again as soon as it returns; measures for a
    /// block after <paramref name="warmUp"/>, and the processor time used in it.
    /// </summary>
    static async Task<Load> RunAsync(ApiProcess api, Func<int, Task> one, TimeSpan warmUp)
    {
        var clock = Stopwatch.StartNew();
        var measureFrom = warmUp;
        var until = warmUp + Block;
        var cpu = Task.Run(async () =>
        {
            await Task.Delay(measureFrom);
            var used = new ProcessorClock(api);
            for (TimeSpan left; (left = until - clock.Elapsed) > TimeSpan.Zero;)
            {
                await Task.Delay(left < SampleEvery ? left : SampleEvery);
                used.Sample();
            }
            return used.Used();
        });
        var latencies = new ConcurrentBag<List<double>>();
        long failed = 0, next = 0;
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < until)
            {
                var started = clock.Elapsed;
                var ok = true;
                try { await one((int)Interlocked.Increment(ref next)); }
                catch (Exception) { ok = false; }
                if (started < measureFrom) continue;
                if (ok) mine.Add((clock.Elapsed - started).TotalMilliseconds);
                else Interlocked.Increment(ref failed);
            }
            latencies.Add(mine);
        })));
        return new Load(latencies.SelectMany(l => l).ToList(), failed, (clock.Elapsed - measureFrom).TotalSeconds, await cpu);
    }
}
