using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LandRegister.Bench;

/// <summary>
/// GDAL with its defaults exporting the whole parcels collection of 1,000,000 through the OGC API, against the rate
/// limits the register ships with: <c>ogr2ogr -f GPKG out.gpkg OAPIF:…/ogc parcels</c> (Debian's GDAL pages by ten, a
/// hundred thousand requests) must end with every parcel, which a single 429 would stop. Its peer: the same parcels
/// exported by ogr2ogr straight from PostgreSQL.
/// </summary>
static partial class GdalBenchmark
{
    public static async Task RunAsync(BenchDatabase db, BenchOptions options, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        var expected = await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE retired_at IS NULL");
        var folder = Directory.CreateTempSubdirectory("bench-gdal-");
        try
        {
            double viaApi;
            await using (var api = await BenchApi.StartAsync(db.ConnectionString, options, options.ApiPort + 1, shippedLimits: true))
                viaApi = await Ogr2OgrAsync(new Dictionary<string, string> { ["GDAL_HTTP_HEADERS"] = $"X-Api-Key: {BenchApi.AdminKey}" },
                    "-f", "GPKG", Path.Combine(folder.FullName, "api.gpkg"), $"OAPIF:{api.Client.BaseAddress}ogc", "parcels");
            var pg = new Npgsql.NpgsqlConnectionStringBuilder(db.ConnectionString);
            var viaPostgres = await Ogr2OgrAsync([], "-f", "GPKG", Path.Combine(folder.FullName, "pg.gpkg"),
                $"PG:host={pg.Host} port={pg.Port} user={pg.Username} dbname={pg.Database}", "parcel", "-where", "retired_at IS NULL");
            var exported = await FeatureCountAsync(Path.Combine(folder.FullName, "api.gpkg"));
            if (exported != expected) throw new InvalidOperationException($"GDAL exported {exported} parcels of {expected}");
            report.Section("GDAL with its defaults: the whole parcels collection through the OGC API", $"""
                | | time |
                | --- | --- |
                | `ogr2ogr -f GPKG out.gpkg OAPIF:…/ogc parcels` (GDAL's defaults: pages of {PageSize}, the register's shipped rate limits) | {viaApi / 1000:0.0} s |
                | `ogr2ogr -f GPKG out.gpkg PG:… parcel -where "retired_at IS NULL"` (straight from PostgreSQL) | {viaPostgres / 1000:0.0} s |

                Every one of the {expected:N0} parcels exported through the OGC API, in {expected / PageSize:N0} requests ({expected / PageSize / (viaApi / 1000):N0} a
                second), no 429 (GDAL stops at the first). OGC API ÷ PostgreSQL: {Stats.Ratio(viaApi / viaPostgres)}. Pages after the
                first carry no numberMatched (the first page's is where GDAL reads it).
                """);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Debian's GDAL (3.6) asks for pages of ten unless told otherwise.</summary>
    const int PageSize = 10;

    static async Task<double> Ogr2OgrAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("ogr2ogr", arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr {string.Join(' ', arguments)} failed: {errors}\n{await output}");
        return elapsed;
    }

    static async Task<long> FeatureCountAsync(string file)
    {
        var start = new ProcessStartInfo("ogrinfo", ["-so", "-al", file]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var listing = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return long.Parse(FeatureCount().Match(listing).Groups[1].Value);
    }

    [GeneratedRegex(@"Feature Count: (\d+)")]
    private static partial Regex FeatureCount();
}
