using LandRegister.Api.Evaluation;
using LandRegister.Api.IdleLand;
using LandRegister.Api.Lifecycle;
using Quartz;

namespace LandRegister.Api.Jobs;

/// <summary>
/// Carries out one <c>job_run</c> on whichever node of the cluster the scheduler picks. The job asks for recovery:
/// if its node dies, another node runs it again from the start (each run is one transaction, so there is nothing
/// half-done to resume), up to <see cref="JobRuns.MaxAttempts"/> attempts.
/// </summary>
public sealed class RunJob(JobRuns runs, EvaluationRun evaluation, IdleLandRun idleLand, ILogger<RunJob> log) : IJob
{
    public static readonly JobKey Key = new("run", "landregister");
    public const string RunId = "runId";

    public static string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var id = context.MergedJobDataMap.GetLong(RunId);
        var run = await runs.ClaimAsync(id, Node);
        if (run is null) return; // finished already
        if (run.Attempts > JobRuns.MaxAttempts)
        {
            await runs.FinishAsync(id, false, null, $"gave up after {JobRuns.MaxAttempts} attempts; the nodes running it stopped each time");
            return;
        }
        if (context.Recovering) log.LogWarning("Taking over run {Run} ({Kind}, zone {Zone}) from a node that stopped", id, run.Kind, run.ZoneCode);
        try
        {
            var counts = run.Kind switch
            {
                "evaluation" => await evaluation.RunAsync(run, cancellationToken),
                _ => await idleLand.RunAsync(run, run.AsOf is { } d ? DateOnly.FromDateTime(d) : RegisterClock.Today, cancellationToken),
            };
            await runs.FinishAsync(id, true, counts, null);
            log.LogInformation("Run {Run} ({Kind}, zone {Zone}) succeeded", id, run.Kind, run.ZoneCode);
        }
        catch (Exception e)
        {
            log.LogError(e, "Run {Run} ({Kind}, zone {Zone}) failed", id, run.Kind, run.ZoneCode);
            await runs.FinishAsync(id, false, null, cancellationToken.IsCancellationRequested ? "stopped: the node shut down" : e.Message);
        }
    }
}

/// <summary>The nightly runs: every zone's evaluation of last year, or every zone's idle land as of today.</summary>
public sealed class NightlyJob(JobRuns runs, Npgsql.NpgsqlDataSource db, ILogger<NightlyJob> log) : IJob
{
    public static readonly JobKey Evaluation = new("nightly-evaluation", "landregister");
    public static readonly JobKey IdleLand = new("nightly-idle-land", "landregister");
    public const string Kind = "kind";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var kind = context.MergedJobDataMap.GetString(Kind)!;
        int? year = kind == "evaluation" ? RegisterClock.Today.Year - 1 : null;
        DateOnly? asOf = kind == "evaluation" ? null : RegisterClock.Today;
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var zones = await Dapper.SqlMapper.QueryAsync<string>(conn, "SELECT code FROM zone ORDER BY code");
        foreach (var zone in zones)
        {
            if (await runs.ActiveAsync(kind, zone, year) is not null) continue;
            var run = await runs.CreateAsync(kind, zone, year, asOf, "scheduler");
            await context.Scheduler.ScheduleJob(RunTrigger(run.Id), cancellationToken: cancellationToken);
            log.LogInformation("Scheduled {Kind} run {Run} for zone {Zone}", kind, run.Id, zone);
        }
    }

    public static ITrigger RunTrigger(long runId) =>
        TriggerBuilder.Create().ForJob(RunJob.Key).WithIdentity($"run-{runId}", "landregister").UsingJobData(RunJob.RunId, runId).StartNow().Build();
}

/// <summary>Fails runs nobody is working on any more, so that no run stays "running" for ever.</summary>
public sealed class WatchdogJob(JobRuns runs, JobSettings settings, ILogger<WatchdogJob> log) : IJob
{
    public static readonly JobKey Key = new("watchdog", "landregister");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var failed = await runs.FailAbandonedAsync(TimeSpan.FromSeconds(settings.AbandonedAfterSeconds));
        if (failed > 0) log.LogWarning("Marked {Count} abandoned run(s) failed", failed);
    }
}
