namespace LandRegister.Bench;

sealed record BenchOptions(string Server, string Out, string RepoRoot, string SharedData, int ImportRuns, int ListingRuns, int ApiPort, string[] Only)
{
    /// <summary>Whether to run a benchmark: all of them unless --only names some (import, listing, filter, history, evaluation, ledger, leases, reserves, gdal, tiles).</summary>
    public bool Runs(string name) => Only.Length == 0 || Only.Contains(name);

    public static BenchOptions Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var root = FindRoot();
        return new BenchOptions(
            Server: Arg("--server", "Host=127.0.0.1;Port=55432;Username=postgres"),
            Out: Path.GetFullPath(Arg("--out", Path.Combine(root, "bench", "results"))),
            RepoRoot: root,
            SharedData: Arg("--data", Path.GetFullPath(Path.Combine(root, "..", "shared", "data"))),
            ImportRuns: int.Parse(Arg("--import-runs", "7")),
            ListingRuns: int.Parse(Arg("--listing-runs", "300")),
            ApiPort: int.Parse(Arg("--api-port", "5091")),
            Only: Arg("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LandRegister.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("LandRegister.sln not found above the benchmark's binaries.");
    }
}
