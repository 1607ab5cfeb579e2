using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using LandRegister.Api.Tiles;

namespace LandRegister.Bench;

/// <summary>
/// Parcel tiles z10–z16 and OGC API items on the million-parcel table, in one run: the API (each tile built anew,
/// its tile cache off; and with the cache, as a client re-reading tiles meets it), the API's own tile statement
/// run directly in PostgreSQL, and MapServer 8 under FastCGI serving the same tiles with the same feature rule.
/// Targets: the API's median within 1.5× of the direct statement, and 0.8× MapServer's (0.1× from its cache); the largest z10
/// tile under 500 KB.
/// </summary>
static class TileBenchmark
{
    const int TilesPerZoom = 4, Rounds = 7;

    sealed record Probe(TileAddress Tile, long Features, bool Limited, double MinArea);

    static TileAddress TileAt(double lon, double lat, int z)
    {
        var n = 1 << z;
        return new TileAddress(z, (int)Math.Floor((lon + 180) / 360 * n),
            (int)Math.Floor((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n));
    }

    public static async Task RunAsync(BenchDatabase db, BenchOptions options, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        var settings = new TileSettings();
        var total = await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE retired_at IS NULL");
        var extent = (await db.QueryAsync<double[]>("SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] FROM (SELECT ST_Extent(geom) e FROM parcel) x")).Single();

        var random = new Random(7);
        var tiles = new List<Probe>();
        for (var z = 10; z <= 16; z++)
            for (var (found, tries) = (0, 0); found < TilesPerZoom && tries < 1000; tries++)
            {
                var tile = TileAt(119.08 + random.NextDouble() * 0.7, 33.08 + random.NextDouble() * 0.56, z);
                if (tiles.Any(p => p.Tile == tile)) continue;
                tiles.Add(await ProbeAsync(db, tile, settings));
                found++;
            }

        await using var cold = await BenchApi.StartAsync(db.ConnectionString, options, options.ApiPort + 1,
            new Dictionary<string, string> { ["Tiles__CacheMegabytes"] = "0" });
        await using var cached = await BenchApi.StartAsync(db.ConnectionString, options, options.ApiPort + 2);
        await using var mapserver = await MapServerPeer.StartAsync(db.ConnectionString, options.ApiPort + 3, extent);

        var apiTimes = tiles.ToDictionary(t => t.Tile, _ => new List<double>());
        var sqlTimes = tiles.ToDictionary(t => t.Tile, _ => new List<double>());
        var msTimes = tiles.ToDictionary(t => t.Tile, _ => new List<double>());
        var cachedTimes = tiles.ToDictionary(t => t.Tile, _ => new List<double>());
        var apiBytes = new Dictionary<TileAddress, long>();
        var msBytes = new Dictionary<TileAddress, long>();
        for (var round = 0; round <= Rounds; round++)
        {
            foreach (var probe in tiles)
            {
                var t = probe.Tile;
                var (a, ab) = await GetAsync(cold.Client, $"/tiles/parcels/{t.Z}/{t.X}/{t.Y}.mvt");
                var (s, _) = await DirectAsync(db, probe, settings);
                var (m, mb) = await GetAsync(mapserver.Client, mapserver.TilePath(t.Z, t.X, t.Y, probe.MinArea));
                var (c, _) = await GetAsync(cached.Client, $"/tiles/parcels/{t.Z}/{t.X}/{t.Y}.mvt");
                if (round == 0) continue; // warm-up: connections, plans, and the cached API's first build
                apiTimes[t].Add(a);
                sqlTimes[t].Add(s);
                msTimes[t].Add(m);
                cachedTimes[t].Add(c);
                (apiBytes[t], msBytes[t]) = (ab, mb);
            }
        }

        var table = new StringBuilder("| zoom | features per tile | API, built | same statement in PostgreSQL | MapServer 8 | API, cached | largest tile (API / MapServer) |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for (var z = 10; z <= 16; z++)
        {
            var at = tiles.Where(p => p.Tile.Z == z).ToList();
            double M(Dictionary<TileAddress, List<double>> times) => Stats.Median(at.SelectMany(p => times[p.Tile]).ToList());
            var drawn = at.Select(p => p.Limited ? settings.MaxFeatures : p.Features).ToList();
            table.Append(CultureInfo.InvariantCulture,
                $"| {z} | {drawn.Min():N0}–{drawn.Max():N0} | {Stats.Ms(M(apiTimes))} | {Stats.Ms(M(sqlTimes))} | {Stats.Ms(M(msTimes))} | {Stats.Ms(M(cachedTimes))} | {at.Max(p => apiBytes[p.Tile]) / 1024.0:0.#} / {at.Max(p => msBytes[p.Tile]) / 1024.0:0.#} KiB |\n");
        }
        double All(Dictionary<TileAddress, List<double>> times) => Stats.Median(times.Values.SelectMany(v => v).ToList());
        // The ratio of medians per tile, then their median: each tile weighs the same whatever its zoom.
        double PerTile(Dictionary<TileAddress, List<double>> over) =>
            Stats.Median(tiles.Select(p => Stats.Median(apiTimes[p.Tile]) / Stats.Median(over[p.Tile])).ToList());
        var (largestZ10, z10Tiles, _) = await LargestZ10Async(cold, extent);
        // The worst case for size: the pixel rule off, so every z10 tile is full (the largest 8,000 parcels, halved
        // until the tile fits Tiles:MaxTileBytes).
        (long Bytes, int Tiles, double Ms) unfiltered;
        await using (var everything = await BenchApi.StartAsync(db.ConnectionString, options, options.ApiPort + 4,
                         new Dictionary<string, string> { ["Tiles__CacheMegabytes"] = "0", ["Tiles__MinPixelArea"] = "0" }))
            unfiltered = await LargestZ10Async(everything, extent);
        var items = await ItemsAsync(cold, mapserver);

        report.Section("Tiles: parcels z10–z16 on 1,000,000 parcels, API against PostgreSQL and MapServer 8", $"""
            {table}
            All {tiles.Count} tiles ({TilesPerZoom} random tiles per zoom, {Rounds} rounds after a warm-up, the four servers interleaved):
            API {Stats.Ms(All(apiTimes))}, PostgreSQL {Stats.Ms(All(sqlTimes))}, MapServer {Stats.Ms(All(msTimes))}, API cached {Stats.Ms(All(cachedTimes))} (medians).

            - API ÷ the same statement in PostgreSQL, median of per-tile ratios: **{Stats.Ratio(PerTile(sqlTimes))}** (target ≤ 1.5×)
            - API ÷ MapServer 8, median of per-tile ratios: **{Stats.Ratio(PerTile(msTimes))}** (target ≤ 0.8×); with the API's tile cache: **{Stats.Ratio(Stats.Median(tiles.Select(p => Stats.Median(cachedTimes[p.Tile]) / Stats.Median(msTimes[p.Tile])).ToList()))}** (target ≤ 0.1×)
            - Largest z10 tile over the whole table ({z10Tiles} tiles): **{largestZ10 / 1024.0:0.#} KiB** (target < 500 KB); with the
              pixel rule off (`Tiles:MinPixelArea=0`, every z10 tile full): **{unfiltered.Bytes / 1024.0:0.#} KiB**, built in {Stats.Ms(unfiltered.Ms)} (median).

            "API, built": the tile cache off (`Tiles:CacheMegabytes=0`), so every request builds the tile (its ETag a
            hash of its bytes). "API, cached": the default cache, with no database round
            trip (nor key lookup): the tile is kept until PostgreSQL announces a change touching it (NOTIFY), so an edit is
            never served stale. MapServer serves the same attributes with the
            same rule (parcels under one pixel left out, at most {MapServerPeer.MaxFeatures:N0} per tile, largest first)
            from a mapfile of its own; it does not simplify and has no buffer margin. The synthetic parcels are 72 m
            squares (7.8 mu): under a pixel at z10 (empty tiles, answered 204), over one from z11.
            {total:N0} parcels in the table.

            {items}
            """);
    }

    static async Task<Probe> ProbeAsync(BenchDatabase db, TileAddress tile, TileSettings settings)
    {
        var minArea = settings.MinPixelArea * tile.PixelAreaM2;
        var features = (await db.QueryAsync<long>($"SELECT features FROM ({TileLayer.Find("parcels")!.FingerprintSql(past: false)}) f",
            new { z = tile.Z, x = tile.X, y = tile.Y, scope = (string[]?)null, minArea })).Single();
        return new Probe(tile, features, features > settings.MaxFeatures, minArea);
    }

    /// <summary>The statement the API runs to build the tile, with the same arguments, read to the last byte.</summary>
    static async Task<(double Ms, long Bytes)> DirectAsync(BenchDatabase db, Probe probe, TileSettings settings)
    {
        var t = probe.Tile;
        var args = new
        {
            z = t.Z, x = t.X, y = t.Y, scope = (string[]?)null, tolerance = t.Tolerance, minArea = probe.MinArea,
            limit = (int)Math.Min(probe.Features, settings.MaxFeatures),
        };
        var clock = Stopwatch.StartNew();
        await using var conn = await db.Source.OpenConnectionAsync();
        var bytes = await conn.ExecuteScalarAsync<byte[]>(new CommandDefinition(TileLayer.Find("parcels")!.TileSql(true, probe.Limited, past: false), args, commandTimeout: 120));
        return (clock.Elapsed.TotalMilliseconds, bytes?.LongLength ?? 0);
    }

    static async Task<(double Ms, long Bytes)> GetAsync(HttpClient client, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        var bytes = (await response.Content.ReadAsByteArrayAsync()).LongLength;
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
        return (elapsed, bytes);
    }

    /// <summary>The largest of the z10 tiles over the table, and the median time to build one.</summary>
    static async Task<(long Bytes, int Tiles, double Ms)> LargestZ10Async(ApiProcess api, double[] extent)
    {
        var (sw, ne) = (TileAt(extent[0], extent[1], 10), TileAt(extent[2], extent[3], 10));
        long largest = 0;
        var times = new List<double>();
        for (var x = sw.X; x <= ne.X; x++)
            for (var y = ne.Y; y <= sw.Y; y++)
            {
                var (ms, bytes) = await GetAsync(api.Client, $"/tiles/parcels/10/{x}/{y}.mvt");
                times.Add(ms);
                if (bytes > largest) largest = bytes;
            }
        return (largest, times.Count, Stats.Median(times));
    }

    /// <summary>OGC API items: a bbox page of 1,000 parcels, the API against MapServer's OGC API.</summary>
    static async Task<string> ItemsAsync(ApiProcess api, MapServerPeer mapserver)
    {
        var random = new Random(11);
        var apiTimes = new List<double>();
        var msTimes = new List<double>();
        long apiBytes = 0, msBytes = 0;
        for (var i = 0; i < 40; i++)
        {
            var (lon, lat) = (119.05 + random.NextDouble() * 0.7, 33.05 + random.NextDouble() * 0.6);
            var bbox = string.Join(',', new[] { lon, lat, lon + 0.0275, lat + 0.023 }.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            // Each first on half of the boxes: the first to read a box pays for its pages.
            Task<(double, long)> Api() => GetAsync(api.Client, $"/ogc/collections/parcels/items?bbox={bbox}&limit=1000");
            Task<(double, long)> MapServer() => GetAsync(mapserver.Client, $"/mapserv/LR/ogcapi/collections/parcels/items?f=json&bbox={bbox}&limit=1000");
            (double Ms, long Bytes) viaApi, viaMapServer;
            if (i % 2 == 0) (viaApi, viaMapServer) = (await Api(), await MapServer());
            else (viaMapServer, viaApi) = (await MapServer(), await Api());
            var ((a, ab), (m, mb)) = (viaApi, viaMapServer);
            if (i < 5) continue;
            apiTimes.Add(a);
            msTimes.Add(m);
            (apiBytes, msBytes) = (ab, mb);
        }
        return $"""
            OGC API items, a bbox page of 1,000 parcels ({apiTimes.Count} random boxes after 5 warm-ups, interleaved, each first on half of them): API
            {Stats.Ms(Stats.Median(apiTimes))} (p95 {Stats.Ms(Stats.Percentile(apiTimes, 0.95))}, {apiBytes / 1024} KiB), MapServer 8
            {Stats.Ms(Stats.Median(msTimes))} (p95 {Stats.Ms(Stats.Percentile(msTimes, 0.95))}, {msBytes / 1024} KiB): API ÷ MapServer
            **{Stats.Ratio(Stats.Median(apiTimes) / Stats.Median(msTimes))}** (target ≤ 0.33×). Both count the matches (numberMatched).
            """;
    }
}
