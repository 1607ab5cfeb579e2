using Hangfire;

namespace LandRegister.Api.Jobs;

/// <summary>A nightly run of one kind for every zone: the evaluation of last year, or idle land as of today.</summary>
public sealed class NightlyJob(JobRuns runs, NpgsqlDataSource db, IEnumerable<IRun> runners, ILogger<NightlyJob> log)
{
    public static string IdOf(string kind) => $"nightly-{kind.Replace('_', '-')}";

    [Queue("default"), AutomaticRetry(Attempts = 3)]
    public async Task ExecuteAsync(string kind, CancellationToken ct)
    {
        var runKind = runners.Single(r => r.Kind.Name == kind).Kind;
        var (year, asOf) = runKind.Nightly(RegisterClock.Today);
        await using var conn = await db.OpenConnectionAsync(ct);
        foreach (var zone in await conn.QueryAsync<string>("SELECT code FROM zone ORDER BY code"))
        {
            if (await runs.ActiveAsync(kind, zone, year) is not null) continue;
            var run = await runs.StartAsync(runKind, zone, year, asOf, "scheduler");
            log.LogInformation("Scheduled {Kind} run {Run} for zone {Zone}", kind, run.Id, zone);
        }
    }
}

/// <summary>
/// Every minute: hands runs whose node has stopped (or that were queued and never taken) to the scheduler again, and
/// fails runs nobody has worked on for <see cref="JobSettings.AbandonedAfterSeconds"/>, so none stays "running" for ever.
/// </summary>
public sealed class WatchdogJob(JobRuns runs, JobSettings settings, ILogger<WatchdogJob> log)
{
    public const string Id = "watchdog";

    [Queue("default"), AutomaticRetry(Attempts = 0)]
    public async Task ExecuteAsync(CancellationToken ct)
    {
        var failed = await runs.FailAbandonedAsync(TimeSpan.FromSeconds(settings.AbandonedAfterSeconds));
        if (failed > 0) log.LogWarning("Marked {Count} abandoned run(s) failed", failed);
        foreach (var id in await runs.StrandedAsync())
        {
            log.LogWarning("Run {Run} has no live node: handing it to the scheduler again", id);
            runs.Enqueue(id);
        }
    }
}
