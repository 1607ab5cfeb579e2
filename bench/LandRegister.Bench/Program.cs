using LandRegister.Bench;

// The register's benchmarks, each measured against a peer or a target in the same run.
//   dotnet run --project bench/LandRegister.Bench -c Release -- --server "Host=...;Username=postgres" --out bench/results [--only import,listing,filter,export,history,evaluation,ledger,leases,load,reserves,gdal,tiles]
var options = BenchOptions.Parse(args);
var report = new Report(options.Out);
if (options.Runs("import")) await ImportBenchmark.RunAsync(options, report);
await using (var bench = await BenchDatabase.OpenAsync(options))
await using (var api = await BenchApi.StartAsync(bench.ConnectionString, options, options.ApiPort))
{
    if (options.Runs("listing")) await ListingBenchmark.RunAsync(bench, api, options, report);
    if (options.Runs("filter")) await FilterBenchmark.RunAsync(bench, api, options, report);
    if (options.Runs("export")) await ExportBenchmark.RunAsync(bench, api, report);
    if (options.Runs("history")) await HistoryBenchmark.RunAsync(bench, api, options, report);
    if (options.Runs("ledger")) await LedgerBenchmark.RunAsync(bench, api, report);
    if (options.Runs("leases")) await LeaseBenchmark.RunAsync(bench, api, report);
    if (options.Runs("load")) await LoadBenchmark.RunAsync(bench, api, report);
}
if (options.Runs("evaluation"))
{
    // A database of its own: the evaluation reads the year-end holdings from the history, which the other benchmarks
    // add versions to (in the shared database it came to grade 7,500 enterprises of 110,000).
    await using var bench = await BenchDatabase.OpenAsync(options, "lr_bench_evaluation");
    await using var api = await BenchApi.StartAsync(bench.ConnectionString, options, options.ApiPort + 5);
    await EvaluationBenchmark.RunAsync(bench, api, report);
}
if (options.Runs("reserves")) await ReserveBenchmark.RunAsync(options, report);
if (options.Runs("gdal"))
{
    await using var bench = await BenchDatabase.OpenAsync(options);
    await GdalBenchmark.RunAsync(bench, options, report);
}
if (options.Runs("tiles"))
{
    await using var bench = await BenchDatabase.OpenAsync(options);
    await TileBenchmark.RunAsync(bench, options, report);
}
report.Write();
