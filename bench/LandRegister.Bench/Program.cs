using LandRegister.Bench;

// The register's benchmarks, each measured against a peer in the same run (figures are ratios).
//   dotnet run --project bench/LandRegister.Bench -c Release -- --server "Host=...;Username=postgres" --out bench/results
var options = BenchOptions.Parse(args);
var report = new Report(options.Out);
await ImportBenchmark.RunAsync(options, report);
await using (var bench = await BenchDatabase.OpenAsync(options))
await using (var api = await ApiProcess.StartAsync(bench.ConnectionString, options, options.ApiPort))
{
    await ListingBenchmark.RunAsync(bench, api, options, report);
    await HistoryBenchmark.RunAsync(bench, api, options, report);
    await EvaluationBenchmark.RunAsync(bench, api, report);
}
report.Write();
