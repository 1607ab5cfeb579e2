using LandRegister.Cluster;

// The local cluster's failover drill and scale benchmark, run against `make cluster` (cluster/cluster.sh):
//   dotnet run --project cluster/LandRegister.Cluster -c Release -- drill [--out DIR]   (make failover-drill)
//   dotnet run --project cluster/LandRegister.Cluster -c Release -- scale [--out DIR]   (make cluster-bench)
// Results go to DIR (default bench/results): failover-drill.txt, cluster-scale.md.
var mode = args.FirstOrDefault() ?? "";
var outIndex = Array.IndexOf(args, "--out");
var topology = new Topology(outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(Topology.Root, "bench", "results"));
return mode switch
{
    "drill" => await FailoverDrill.RunAsync(topology),
    "scale" => await ScaleBenchmark.RunAsync(topology),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LandRegister.Cluster drill|scale [--out DIR]");
    return 2;
}
