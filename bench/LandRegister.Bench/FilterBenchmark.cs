using System.Diagnostics;
using System.Globalization;
using Dapper;
using LandRegister.Api.Access;
using LandRegister.Api.Ogc;
using LandRegister.Api.Parcels;

namespace LandRegister.Bench;

/// <summary>
/// A CQL2 filter an index serves (the idle parcels in a box of 32 × 32 cells, through the GiST index on the geometry)
/// on the parcels out of 1,000,000. The statement the filter compiles to (count and page, exactly as the OGC API runs
/// it) against the same condition written by hand in SQL, both run directly and read to the last byte: target within
/// 1.3×. And end to end: <c>GET /ogc/collections/parcels/items?filter=…</c> against the same request made with the
/// register's own parameters (<c>bbox=…&amp;status=idle</c>) and against the hand-written SQL.
/// </summary>
static class FilterBenchmark
{
    public static async Task RunAsync(BenchDatabase db, ApiProcess api, BenchOptions options, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        var random = new Random(7);
        var boxes = Enumerable.Range(0, options.ListingRuns + 20).Select(_ => ListingBenchmark.Box(random.Next(0, 1000 - 32), random.Next(0, 1000 - 32))).ToList();
        List<double> cql = [], parameters = [], sql = [], compiled = [];
        int matched = 0, returned = 0;
        for (var i = 0; i < boxes.Count; i++)
        {
            var box = string.Join(",", boxes[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            var filter = Uri.EscapeDataString($"status = 'idle' AND S_INTERSECTS(geometry, BBOX({box}))");
            // The four in turn, each first on a quarter of the boxes: the first to read a box pays for its pages.
            (double Ms, string Body) viaFilter = default, viaParameters = default;
            (double Ms, int Rows, int Matched) direct = default, statement = default;
            for (var k = 0; k < 4; k++)
                switch ((i + k) % 4)
                {
                    case 3: statement = await CompiledAsync(db, $"status = 'idle' AND S_INTERSECTS(geometry, BBOX({box}))"); break;
                    case 0: viaFilter = await GetAsync(api, $"/ogc/collections/parcels/items?limit=1000&filter={filter}"); break;
                    case 1: viaParameters = await GetAsync(api, $"/ogc/collections/parcels/items?limit=1000&bbox={box}&status=idle"); break;
                    default: direct = await HandWrittenAsync(db, boxes[i]); break;
                }
            if (viaFilter.Body != viaParameters.Body) throw new InvalidOperationException($"the filter and the parameters answered differently for {box}");
            if (statement.Matched != direct.Matched) throw new InvalidOperationException($"the compiled filter and the hand-written SQL count differently for {box}");
            var (c, p, (d, rows, count)) = (viaFilter.Ms, viaParameters.Ms, direct);
            if (i < 20) continue; // warm-up
            cql.Add(c);
            parameters.Add(p);
            sql.Add(d);
            compiled.Add(statement.Ms);
            (matched, returned) = (count, rows);
        }
        var (c50, p50, s50, k50) = (Stats.Median(cql), Stats.Median(parameters), Stats.Median(sql), Stats.Median(compiled));
        report.Section("CQL2: an indexable filter on 1,000,000 parcels, against hand-written SQL", $"""
            | | median | p95 |
            | --- | --- | --- |
            | the statement the CQL2 filter compiles to (count + page, as the OGC API runs it), run directly with Npgsql | {Stats.Ms(k50)} | {Stats.Ms(Stats.Percentile(compiled, 0.95))} |
            | `GET /ogc/collections/parcels/items?filter=status = 'idle' AND S_INTERSECTS(geometry, BBOX(…))` | {Stats.Ms(c50)} | {Stats.Ms(Stats.Percentile(cql, 0.95))} |
            | `GET /ogc/collections/parcels/items?bbox=…&status=idle` (the register's own parameters) | {Stats.Ms(p50)} | {Stats.Ms(Stats.Percentile(parameters, 0.95))} |
            | the same condition written by hand (count + page, the same select list), run directly with Npgsql | {Stats.Ms(s50)} | {Stats.Ms(Stats.Percentile(sql, 0.95))} |

            Compiled CQL2 ÷ hand-written SQL (medians): **{Stats.Ratio(k50 / s50)}** (target ≤ 1.3×). End to end, the CQL2 request
            ÷ the register's parameters: **{Stats.Ratio(c50 / p50)}**; ÷ the hand-written SQL: {Stats.Ratio(c50 / s50)} (the API's own cost, HTTP,
            the key, GeoJSON: the listing's target in issue 19). {cql.Count} random boxes after 20 warm-ups, each matching {matched} parcels (all returned:
            {returned}); both API requests return the same features, checked on every box. The four are measured in turn, each
            first on a quarter of the boxes (the first to read a box pays for its pages).
            """);
    }

    static async Task<(double Ms, string Body)> GetAsync(ApiProcess api, string path)
    {
        var clock = Stopwatch.StartNew();
        using var response = await api.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        // The features, without the timeStamp and links that differ between the two requests.
        var features = body[body.IndexOf("\"features\"", StringComparison.Ordinal)..];
        return (elapsed, features);
    }

    /// <summary>The statement <c>GET /ogc/collections/parcels/items?limit=1000&amp;filter=…</c> runs for an admin key.</summary>
    static async Task<(double Ms, int Rows, int Matched)> CompiledAsync(BenchDatabase db, string text)
    {
        var clock = Stopwatch.StartNew();
        var queryables = OgcQueryable.Visible(new ParcelSource().Queryables, Audience.Confidential);
        var filter = OgcFilter.Compile(OgcFilter.Read(text, null), queryables, null);
        var query = ParcelQuery.From(new ParcelSearch(null, null, null, null, null, null, null, null, null, null, 1000, null), Everyone, null!)
            .Also(filter.Sql, filter.Values);
        var args = new DynamicParameters();
        var sql = ParcelSql.Page(query, args, query.Features());
        return await ReadAsync(db, sql, args, clock);
    }

    static readonly Caller Everyone = new("bench", "admin", null);

    /// <summary>The columns of the features an admin's page carries: the comparison is of the conditions alone.</summary>
    static readonly string Features = new ParcelJson(Audience.Confidential).SelectList("ST_AsGeoJSON(geom, 8)");

    static async Task<(double Ms, int Rows, int Matched)> HandWrittenAsync(BenchDatabase db, double[] b)
    {
        const string Where = "retired_at IS NULL AND status = 'idle' AND ST_Intersects(geom, ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326))";
        var clock = Stopwatch.StartNew();
        return await ReadAsync(db, $"""
            SELECT count(*) FROM parcel WHERE {Where};
            SELECT {Features} FROM parcel WHERE {Where} ORDER BY id LIMIT 1001
            """, new { minX = b[0], minY = b[1], maxX = b[2], maxY = b[3] }, clock);
    }

    /// <summary>Runs the count and the page, reading every value of every row, timed from <paramref name="clock"/>'s start.</summary>
    static async Task<(double Ms, int Rows, int Matched)> ReadAsync(BenchDatabase db, string sql, object args, Stopwatch clock)
    {
        var (matched, rows) = await db.ReadPageAsync(sql, args);
        return (clock.Elapsed.TotalMilliseconds, rows, (int)matched);
    }
}
