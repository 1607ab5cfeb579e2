using System.Diagnostics;
using LandRegister.Testing;

namespace LandRegister.Cluster;

/// <summary>
/// Read throughput on the local cluster with one database node and with the standby added (<c>make cluster-bench</c>):
/// an API instance that sends every read to the primary (<c>Database:StandbyReads</c> empty) against one that sends
/// lists, features and past tiles to the standby, each under the same closed-loop load, one after the other, on the
/// same nodes. The failover time is the drill's (failover-drill.txt), quoted beside it.
/// </summary>
public static class ScaleBenchmark
{
    const int Clients = 16;
    static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3), Measured = TimeSpan.FromSeconds(15);

    sealed record Load(string Name, Func<int, string> Path);

    public static async Task<int> RunAsync(Topology topology)
    {
        await Topology.ScriptAsync("wait-healthy", "180");
        var dll = Path.Combine(Topology.Root, "src", "LandRegister.Api", "bin", "Release", "net10.0", "LandRegister.Api.dll");
        var tiles = FailoverDrill.TilesOfDemo(16).ToArray();
        // A past instant: such tiles are built by the database each time their fingerprint is new (kept tiles of the
        // present are answered from memory, on any topology).
        var asOf = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"));
        Load[] loads =
        [
            new("list of 100 parcels (`/api/parcels?limit=100&status=…`)", i => $"/api/parcels?limit=100&status={Statuses[i % Statuses.Length]}"),
            new("parcel tiles as of a past instant (`/tiles/parcels/z/x/y.mvt?asOf=…`)", i => $"/tiles/parcels/{tiles[i % tiles.Length]}.mvt?asOf={asOf}"),
        ];
        var rows = new List<string>();
        foreach (var (nodes, standbyReads, port) in new[] { ("1 (primary)", "", 5087), ("2 (primary + standby)", "tiles,features,lists,statistics,exports", 5088) })
        {
            await using var api = await ApiProcess.StartAsync(dll, Topology.RegisterDb, topology.AdminKey, new Dictionary<string, string>
            {
                ["Database:StandbyReads"] = standbyReads, ["ConnectionStrings:Migrations"] = Topology.OwnerDb,
                ["RateLimit:Burst"] = "1000000", ["RateLimit:PerSecond"] = "1000000",
                ["RateLimit:AddressBurst"] = "1000000", ["RateLimit:AddressPerSecond"] = "1000000",
            }, port);
            foreach (var load in loads)
            {
                var (perSecond, median, p99, standbyShare) = await MeasureAsync(api.Client, load);
                rows.Add($"| {load.Name} | {nodes} | {perSecond:F0} | {median:F1} | {p99:F1} | {standbyShare:P0} |");
                Console.WriteLine(rows[^1]);
            }
        }
        var drill = Path.Combine(topology.ResultsDirectory, "failover-drill.txt");
        var failover = File.Exists(drill) ? File.ReadAllLines(drill).Where(l => l.StartsWith("failover:") || l.StartsWith("acknowledged")).ToList() : [];
        Directory.CreateDirectory(topology.ResultsDirectory);
        await File.WriteAllLinesAsync(Path.Combine(topology.ResultsDirectory, "cluster-scale.md"),
        [
            $"# The local cluster: read throughput with 1 and 2 database nodes ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores)",
            "",
            $"`make cluster-bench`: {Clients} clients in a closed loop, {Warmup.TotalSeconds:F0} s warm-up then {Measured.TotalSeconds:F0} s measured, one API instance " +
            "started for each row on the cluster's nodes (pg_auto_failover, synchronous standby), rate limits lifted. Every process shares this machine's cores.",
            "",
            "| reads | database nodes | requests/s | median ms | p99 ms | answered by the standby |",
            "| --- | --- | --- | --- | --- | --- |",
            .. rows,
            "",
            "Failover (`make failover-drill`, " + (failover.Count > 0 ? "its last run):" : "not run yet)"),
            .. failover.Select(l => $"- {l}"),
        ]);
        return 0;
    }

    static readonly string[] Statuses = ["clean_land", "idle", "low_efficiency", "in_use", "revitalized"];

    static async Task<(double PerSecond, double Median, double P99, double StandbyShare)> MeasureAsync(HttpClient client, Load load)
    {
        var times = new List<double>();
        int standby = 0, answered = 0, counter = 0;
        var clock = Stopwatch.StartNew();
        var measuring = false;
        var workers = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < Warmup + Measured)
            {
                var started = clock.Elapsed;
                using var response = await client.GetAsync(load.Path(Interlocked.Increment(ref counter)));
                await response.Content.CopyToAsync(Stream.Null);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{load.Path(0)}: {(int)response.StatusCode}");
                if (!Volatile.Read(ref measuring)) continue;
                lock (times) times.Add((clock.Elapsed - started).TotalMilliseconds);
                Interlocked.Increment(ref answered);
                if (response.Headers.TryGetValues("LandRegister-Read-From", out var from) && from.Single() == "standby") Interlocked.Increment(ref standby);
            }
        })).ToList();
        await Task.Delay(Warmup);
        Volatile.Write(ref measuring, true);
        var measureStart = clock.Elapsed;
        await Task.WhenAll(workers);
        var seconds = (clock.Elapsed - measureStart).TotalSeconds;
        times.Sort();
        return (answered / seconds, times[times.Count / 2], times[(int)(times.Count * 0.99)], answered == 0 ? 0 : (double)standby / answered);
    }
}
