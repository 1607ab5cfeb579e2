using System.ComponentModel;
using Hangfire;

namespace LandRegister.Api.Jobs;

/// <summary>
/// Carries out one <c>job_run</c> on whichever node's Hangfire worker fetched it. The node claims the run under a lease
/// and keeps a heartbeat while it works; the work and the run's success commit in one transaction. A node that dies
/// mid-run stops its heartbeat, Hangfire hands the job to another node once the job's invisibility lapses, and that
/// node claims the stale run and does it again from the start (there is nothing half-done to resume). A lost
/// database connection is waited out and the run tried again, up to <see cref="JobRuns.MaxAttempts"/> attempts in all;
/// then, or on any other error, the run is recorded as failed with the reason.
/// </summary>
public sealed class RunJob(JobRuns runs, NpgsqlDataSource db, IEnumerable<IRun> runners, JobSettings settings, ILogger<RunJob> log)
{
    public static string Node { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <remarks>Hangfire's own retries are off: this method retries what can be retried, and records every end.</remarks>
    [Queue(JobsSetup.RunQueue), AutomaticRetry(Attempts = 0), DisplayName("run {0}")]
    public async Task ExecuteAsync(long runId, CancellationToken ct)
    {
        Guid? lease = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var run = await runs.ClaimAsync(runId, Node, lease);
            if (run is null) return; // finished, or a live node is working on it
            lease = run.Lease!.Value;
            if (run.Attempts > JobRuns.MaxAttempts)
            {
                await runs.FailAsync(runId, lease, $"gave up after {JobRuns.MaxAttempts} attempts; the last ended: {run.Error ?? "its node stopped"}");
                RegisterMetrics.RunDuration.WithLabels(run.Kind, "failed").Observe(clock.Elapsed.TotalSeconds);
                return;
            }
            if (run.Attempts > 1) log.LogWarning("Run {Run} ({Kind}, zone {Zone}): attempt {Attempt}", runId, run.Kind, run.ZoneCode, run.Attempts);
            var runner = runners.Single(r => r.Kind.Name == run.Kind);
            try
            {
                await using (Heartbeat(runId, lease.Value))
                    if (await WorkAsync(run, runner, lease.Value, ct))
                        RegisterMetrics.RunDuration.WithLabels(run.Kind, "succeeded").Observe(clock.Elapsed.TotalSeconds);
                return;
            }
            catch (Exception e) when (ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Run {Run} interrupted: this node is shutting down; another node will take it over", runId);
                await runs.ReleaseAsync(runId, lease.Value, "interrupted: its node shut down");
                throw;
            }
            catch (Exception e) when (Database.IsTransient(e))
            {
                log.LogWarning(e, "Run {Run} ({Kind}, zone {Zone}) lost the database; waiting for it, then trying again", runId, run.Kind, run.ZoneCode);
                RegisterMetrics.RunInterruptions.WithLabels(run.Kind).Inc();
                var reason = $"attempt {run.Attempts} lost the database connection: {e.Message}";
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, 2 << attempt)), ct);
                await WaitForDatabaseAsync(ct);
                await runs.NoteInterruptionAsync(runId, lease.Value, reason);
            }
            catch (Exception e)
            {
                log.LogError(e, "Run {Run} ({Kind}, zone {Zone}) failed", runId, run.Kind, run.ZoneCode);
                await WaitForDatabaseAsync(ct);
                await runs.FailAsync(runId, lease, e.Message);
                RegisterMetrics.RunDuration.WithLabels(run.Kind, "failed").Observe(clock.Elapsed.TotalSeconds);
                return;
            }
        }
    }

    /// <summary>Does the run's work in one transaction; false when another node took the run over meanwhile.</summary>
    async Task<bool> WorkAsync(JobRunRow run, IRun runner, Guid lease, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var phases = new PhaseTimer(runs, run.Id, lease);
        var counts = await runner.RunAsync(new RunWork(run, conn, tx, phases), ct);
        if (settings.PauseBeforeCommitMs > 0)
        {
            await runs.ProgressAsync(run.Id, lease, "paused before committing (fault injection)", 0.9);
            await Task.Delay(settings.PauseBeforeCommitMs, ct);
        }
        if (!await JobRuns.SucceedAsync(conn, tx, run.Id, lease, counts))
        {
            log.LogWarning("Run {Run}: another node took it over while this one worked; this node's work is dropped", run.Id);
            await tx.RollbackAsync(ct);
            return false;
        }
        await tx.CommitAsync(ct);
        log.LogInformation("Run {Run} ({Kind}, zone {Zone}) succeeded", run.Id, run.Kind, run.ZoneCode);
        // A run reads a zone into memory (a few hundred MiB for 100,000 enterprises) that is garbage once it is over; the
        // server collector would keep the heap grown to that size, and the next run would start from it. Give it back.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return true;
    }

    /// <summary>Records the node's sign of life every <see cref="JobSettings.HeartbeatSeconds"/> until disposed.</summary>
    IAsyncDisposable Heartbeat(long runId, Guid lease)
    {
        var stop = new CancellationTokenSource();
        var beating = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.HeartbeatSeconds));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                try { await runs.HeartbeatAsync(runId, lease); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogDebug("Heartbeat of run {Run} missed: {Reason}", runId, e.Message);
                }
            }
        });
        return new Stopper(stop, beating);
    }

    sealed class Stopper(CancellationTokenSource stop, Task beating) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try { await beating; } catch (OperationCanceledException) { }
            stop.Dispose();
        }
    }

    /// <summary>Waits until the database answers again, at most <see cref="JobSettings.DatabaseWaitSeconds"/>.</summary>
    async Task WaitForDatabaseAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(settings.DatabaseWaitSeconds);
        while (true)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                await using var ping = new NpgsqlCommand("SELECT 1", conn);
                await ping.ExecuteScalarAsync(ct);
                return;
            }
            catch (Exception e) when (Database.IsTransient(e) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }
}
