using System.Diagnostics;
using System.Net.Http.Headers;

namespace LandRegister.Bench;

/// <summary>
/// Importing the 6,821 Paris parcels through <c>POST /api/parcels/import</c> against <c>ogr2ogr</c> loading
/// the same file into the same PostGIS (GDAL's defaults: COPY, then a spatial index). Target: the API within 1.5×.
/// </summary>
static class ImportBenchmark
{
    /// <summary>In a database of its own, made fresh for the run, with an API instance of its own.</summary>
    public static async Task RunAsync(BenchOptions options, Report report)
    {
        await using var db = await BenchDatabase.OpenAsync(options, "lr_bench_import", fresh: true);
        await using var api = await BenchApi.StartAsync(db.ConnectionString, options, options.ApiPort + 1);
        var file = Path.Combine(options.SharedData, "cadastre-75118-parcelles.json");
        var body = await File.ReadAllBytesAsync(file);
        await db.ExecuteAsync("""
            INSERT INTO zone (code, name, gk_epsg, created_by, updated_by)
            SELECT 'PARIS-' || n, 'Paris 18e, import benchmark ' || n, 4513, 'bench', 'bench' FROM generate_series(0, @runs) n
            """, new { runs = options.ImportRuns });

        // Run 0 of each warms up (JIT, caches) and is not counted; then they alternate.
        var apiTimes = new List<double>();
        var ogrTimes = new List<double>();
        for (var run = 0; run <= options.ImportRuns; run++)
        {
            var a = await ApiImportAsync(api, body, $"PARIS-{run}");
            var o = await Ogr2OgrAsync(db, file, run);
            if (run == 0) continue;
            apiTimes.Add(a);
            ogrTimes.Add(o);
        }
        var count = await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'PARIS-1'");

        var (api50, ogr50) = (Stats.Median(apiTimes), Stats.Median(ogrTimes));
        report.Section("Import: 6,821 Paris parcels, API against ogr2ogr", $"""
            | | median | min | max |
            | --- | --- | --- | --- |
            | `POST /api/parcels/import` (HTTP, validation, COPY, insert with constraints, areas, history) | {Stats.Ms(api50)} | {Stats.Ms(apiTimes.Min())} | {Stats.Ms(apiTimes.Max())} |
            | `ogr2ogr -f PostgreSQL` (same file, same database) | {Stats.Ms(ogr50)} | {Stats.Ms(ogrTimes.Min())} | {Stats.Ms(ogrTimes.Max())} |

            API ÷ ogr2ogr (medians): **{Stats.Ratio(api50 / ogr50)}** (target ≤ 1.5×), {options.ImportRuns} runs each after one warm-up; {count} parcels per import.
            """);
    }

    static async Task<double> ApiImportAsync(ApiProcess api, byte[] body, string zone)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/geo+json");
        var clock = Stopwatch.StartNew();
        var response = await api.Client.PostAsync($"/api/parcels/import?zone={zone}&mapping=registeredAreaM2:contenance", content);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"import failed: {(int)response.StatusCode} {text[..Math.Min(500, text.Length)]}");
        return elapsed;
    }

    static async Task<double> Ogr2OgrAsync(BenchDatabase db, string file, int run)
    {
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString);
        var target = $"PG:host={pg.Host} port={pg.Port} user={pg.Username} dbname={pg.Database}";
        var start = new ProcessStartInfo("ogr2ogr", ["-f", "PostgreSQL", target, file, "-nln", $"bench_ogr_paris_{run}", "-overwrite"])
        {
            RedirectStandardError = true,
        };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr failed: {errors}");
        return elapsed;
    }

}
