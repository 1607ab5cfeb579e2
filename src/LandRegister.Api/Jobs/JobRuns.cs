using System.Text.Json;
using Hangfire;
using LandRegister.Api.Access;

namespace LandRegister.Api.Jobs;

/// <summary>
/// The record of every run (<c>job_run</c>), in the register's database: what the API shows, and what decides which
/// node may work on a run. A node works on a run under a lease it took by claiming it; progress and heartbeats are
/// written outside the run's own transaction so they are visible while it works, and the run's end is written inside
/// it, so its results and its "succeeded" commit together or not at all.
/// </summary>
public sealed class JobRuns(NpgsqlDataSource db, JobSettings settings, IServiceProvider services)
{
    public const int MaxAttempts = 3;

    /// <summary>Queues a run of <paramref name="kind"/> and hands it to the scheduler; 409 when one is under way.</summary>
    public async Task<JobRunRow> StartAsync(RunKind kind, string zone, int? year, DateOnly? asOf, string requestedBy)
    {
        if (await ActiveAsync(kind.Name, zone, year) is { } active)
            throw new ProblemException(409, "A run is already under way.",
                $"Run {active.Id} for zone {zone} is {active.Status}: follow it at {kind.Location(active.Id)}.",
                new Dictionary<string, string[]> { ["zone"] = [$"run {active.Id} is {active.Status}"] },
                new Dictionary<string, object?> { ["run"] = kind.Location(active.Id) });
        await using var conn = await db.OpenConnectionAsync();
        var run = await conn.QuerySingleAsync<JobRunRow>($"""
            INSERT INTO job_run (kind, zone_code, year, as_of, requested_by) VALUES (@kind, @zone, @year, @asOf, @requestedBy)
            RETURNING {JobRunRow.Columns}
            """, new { kind = kind.Name, zone, year, asOf, requestedBy });
        Enqueue(run.Id);
        return run;
    }

    /// <summary>Hands a run to the scheduler (again, for a run whose node stopped).</summary>
    internal void Enqueue(long id) => services.GetRequiredService<IBackgroundJobClient>().Enqueue<RunJob>(j => j.ExecuteAsync(id, CancellationToken.None));

    /// <summary>A run of this kind for this zone and year that is queued or running, if any.</summary>
    internal async Task<JobRunRow?> ActiveAsync(string kind, string zone, int? year)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QueryFirstOrDefaultAsync<JobRunRow>($"""
            SELECT {JobRunRow.Columns} FROM job_run
            WHERE kind = @kind AND zone_code = @zone AND year IS NOT DISTINCT FROM @year AND status IN ('queued', 'running')
            ORDER BY id LIMIT 1
            """, new { kind, zone, year });
    }

    /// <summary>
    /// Takes the run for <paramref name="node"/> under a new lease: a queued run, or a running one whose lease is
    /// <paramref name="previous"/> (this execution trying again) or whose node has not shown a sign of life for
    /// <see cref="JobSettings.StaleAfterSeconds"/> (a node that stopped). Null when the run has finished or another
    /// node is alive and working on it.
    /// </summary>
    internal async Task<JobRunRow?> ClaimAsync(long id, string node, Guid? previous)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<JobRunRow>($"""
            UPDATE job_run SET status = 'running', node = @node, attempts = attempts + 1, lease = gen_random_uuid(), phase = 'starting',
                               progress = 0, started_at = coalesce(started_at, now()), heartbeat_at = now()
            WHERE id = @id AND (status = 'queued' OR (status = 'running' AND
                  (lease = @previous OR heartbeat_at < now() - make_interval(secs => @stale))))
            RETURNING {JobRunRow.Columns}
            """, new { id, node, previous, stale = settings.StaleAfterSeconds });
    }

    /// <summary>The sign of life of the node holding <paramref name="lease"/>.</summary>
    internal async Task HeartbeatAsync(long id, Guid lease)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE job_run SET heartbeat_at = now() WHERE id = @id AND lease = @lease AND status = 'running'", new { id, lease });
    }

    public async Task ProgressAsync(long id, Guid lease, string phase, double progress)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            UPDATE job_run SET phase = @phase, progress = @progress, heartbeat_at = now() WHERE id = @id AND lease = @lease AND status = 'running'
            """, new { id, lease, phase, progress = Math.Clamp(progress, 0, 1) });
    }

    /// <summary>
    /// Records the run's success in the run's own transaction (at the moment of writing, not the transaction's start), if <paramref name="lease"/> still holds it; false when
    /// another node took it over meanwhile (the caller then rolls back: the run's results are that node's to commit).
    /// </summary>
    internal static async Task<bool> SucceedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, Guid lease, object counts) =>
        await conn.ExecuteAsync("""
            UPDATE job_run SET status = 'succeeded', phase = NULL, progress = 1, counts = @counts::jsonb, error = NULL,
                               finished_at = clock_timestamp(), heartbeat_at = clock_timestamp()
            WHERE id = @id AND lease = @lease AND status = 'running'
            """, new { id, lease, counts = JsonSerializer.Serialize(counts) }, tx) == 1;

    /// <summary>Records that the run failed, and why, unless it has finished or another node holds it.</summary>
    internal async Task FailAsync(long id, Guid? lease, string error)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            UPDATE job_run SET status = 'failed', phase = NULL, error = @error, finished_at = now(), heartbeat_at = now()
            WHERE id = @id AND status IN ('queued', 'running') AND lease IS NOT DISTINCT FROM coalesce(@lease, lease)
            """, new { id, lease, error });
    }

    /// <summary>Puts a run its node is leaving (it is shutting down) back in the queue for another node.</summary>
    internal async Task ReleaseAsync(long id, Guid lease, string reason)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync(
            "UPDATE job_run SET status = 'queued', lease = NULL, phase = NULL, error = @reason WHERE id = @id AND lease = @lease AND status = 'running'",
            new { id, lease, reason });
    }

    /// <summary>Records why an attempt ended before the run is tried again.</summary>
    internal async Task NoteInterruptionAsync(long id, Guid lease, string reason)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE job_run SET error = @reason, phase = 'trying again' WHERE id = @id AND lease = @lease", new { id, lease, reason });
    }

    /// <summary>
    /// Runs whose node has stopped (no heartbeat for <see cref="JobSettings.StaleAfterSeconds"/>) and runs queued but not
    /// taken for as long: the watchdog hands them to the scheduler again.
    /// </summary>
    internal async Task<List<long>> StrandedAsync()
    {
        await using var conn = await db.OpenConnectionAsync();
        return (await conn.QueryAsync<long>("""
            SELECT id FROM job_run
            WHERE (status = 'running' AND heartbeat_at < now() - make_interval(secs => @stale))
               OR (status = 'queued' AND queued_at < now() - make_interval(secs => @stale))
            ORDER BY id
            """, new { stale = settings.StaleAfterSeconds * 2 })).ToList();
    }

    /// <summary>Fails runs nobody has worked on for <paramref name="after"/>, saying what is known of why.</summary>
    public async Task<int> FailAbandonedAsync(TimeSpan after)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteAsync("""
            UPDATE job_run
            SET status = 'failed', phase = NULL, finished_at = now(),
                error = CASE WHEN status = 'running'
                             THEN format('abandoned: no sign of life since %s from node %s, and no other node could take it over', heartbeat_at, node)
                             ELSE format('abandoned: queued at %s and never started (no node is processing background jobs)', queued_at) END
            WHERE (status = 'running' AND heartbeat_at < now() - @after) OR (status = 'queued' AND queued_at < now() - @after)
            """, new { after });
    }

    internal async Task<JobRunRow?> GetAsync(long id, Caller caller, string? kind = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<JobRunRow>(
            $"SELECT {JobRunRow.Columns} FROM job_run WHERE id = @id AND (@kind::text IS NULL OR kind = @kind) AND {Caller.InScope()}",
            new { id, kind, scope = caller.Scope });
    }

    internal async Task<List<JobRunRow>> RecentAsync(Caller caller, int limit)
    {
        await using var conn = await db.OpenConnectionAsync();
        return (await conn.QueryAsync<JobRunRow>(
            $"SELECT {JobRunRow.Columns} FROM job_run WHERE {Caller.InScope()} ORDER BY id DESC LIMIT @limit", new { limit, scope = caller.Scope })).ToList();
    }
}
