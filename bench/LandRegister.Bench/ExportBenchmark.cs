using System.Diagnostics;
using System.Globalization;
using LandRegister.Api.Parcels;

namespace LandRegister.Bench;

/// <summary>
/// The parcel list of 1,000,000 parcels downloaded as CSV and as .xlsx through the API, against PostgreSQL's own
/// <c>COPY (the same columns) TO STDOUT</c> read to the last byte, with the API's peak working set while it writes.
/// Targets: under 2× COPY's time, under 300 MiB.
/// </summary>
static class ExportBenchmark
{
    const int Runs = 3;

    public static async Task RunAsync(BenchDatabase db, ApiProcess api, Report report)
    {
        await ListingBenchmark.EnsureParcelsAsync(db);
        var rows = await db.ScalarAsync<long>("SELECT count(*) FROM parcel WHERE zone_code = 'SYN' AND retired_at IS NULL");
        // Warm-up: the export code is compiled and tiered on a few thousand rows, as on any server that has served one.
        var last = await db.ScalarAsync<long>("SELECT max(id) FROM parcel WHERE zone_code = 'SYN'");
        foreach (var format in new[] { "csv", "xlsx", "csv", "xlsx" }) await DownloadAsync(api, format, $"&cursor={last - 5000}");
        // Three runs of each, interleaved, medians compared: the same warm cache for all.
        var copies = new List<(double Ms, long Bytes)>();
        var csvs = new List<(double Ms, long Bytes, long Peak)>();
        var workbooks = new List<(double Ms, long Bytes, long Peak)>();
        for (var run = 0; run < Runs; run++)
        {
            copies.Add(await CopyAsync(db));
            csvs.Add(await DownloadAsync(api, "csv"));
            workbooks.Add(await DownloadAsync(api, "xlsx"));
        }
        var (copyMs, copyBytes) = (Stats.Median(copies.ConvertAll(c => c.Ms)), copies[0].Bytes);
        var (csvMs, csvBytes, csvPeak) = (Stats.Median(csvs.ConvertAll(c => c.Ms)), csvs[0].Bytes, csvs.Max(c => c.Peak));
        var (xlsxMs, xlsxBytes, xlsxPeak) = (Stats.Median(workbooks.ConvertAll(c => c.Ms)), workbooks[0].Bytes, workbooks.Max(c => c.Peak));
        static string MiB(long bytes) => (bytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) + " MiB";
        report.Section("Export: 1,000,000 parcels as CSV and .xlsx through the API, against COPY TO STDOUT", $"""
            | | median time | size | API peak working set |
            | --- | --- | --- | --- |
            | `COPY (SELECT the same columns … ORDER BY id) TO STDOUT (FORMAT csv)` read with Npgsql | {Stats.Ms(copyMs)} | {MiB(copyBytes)} | |
            | `GET /api/parcels?zone=SYN&format=csv` | {Stats.Ms(csvMs)} | {MiB(csvBytes)} | {MiB(csvPeak)} |
            | `GET /api/parcels?zone=SYN&format=xlsx` | {Stats.Ms(xlsxMs)} | {MiB(xlsxBytes)} | {MiB(xlsxPeak)} |

            CSV ÷ COPY: **{Stats.Ratio(csvMs / copyMs)}**, .xlsx ÷ COPY: **{Stats.Ratio(xlsxMs / copyMs)}** (target < 2×); peak working
            set of the API process **{MiB(Math.Max(csvPeak, xlsxPeak))}** (target < 300 MiB), sampled every 50 ms; {rows:N0} rows each, medians
            of {Runs} interleaved runs after a warm-up of four exports of 5,000 rows.
            """);
    }

    static async Task<(double Ms, long Bytes)> CopyAsync(BenchDatabase db)
    {
        await using var conn = await db.Source.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        using var reader = await conn.BeginTextExportAsync(
            $"COPY (SELECT {ParcelRow.Attributes} FROM parcel WHERE zone_code = 'SYN' AND retired_at IS NULL ORDER BY id) TO STDOUT (FORMAT csv, HEADER)");
        var buffer = new char[1 << 16];
        long chars = 0;
        for (int n; (n = await reader.ReadAsync(buffer)) > 0;) chars += n;
        return (clock.Elapsed.TotalMilliseconds, chars);
    }

    static async Task<(double Ms, long Bytes, long Peak)> DownloadAsync(ApiProcess api, string format, string filter = "")
    {
        using var memory = api.SampleMemory();
        var clock = Stopwatch.StartNew();
        using var response = await api.Client.GetAsync($"/api/parcels?zone=SYN&format={format}{filter}", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 16];
        long bytes = 0;
        for (int n; (n = await body.ReadAsync(buffer)) > 0;) bytes += n;
        return (clock.Elapsed.TotalMilliseconds, bytes, memory.Peak);
    }
}
