using System.Text.Json;
using Dapper;
using LandRegister.Api.Access;
using Npgsql;

namespace LandRegister.Api.Jobs;

/// <summary>
/// The record of every run, in the register's database: what the API shows and what a node that takes over a
/// run reads. Progress is written outside the run's own transaction, so it is visible while the run works.
/// </summary>
public sealed class JobRuns(NpgsqlDataSource db)
{
    public const int MaxAttempts = 3;

    internal async Task<JobRunRow> CreateAsync(string kind, string zone, int? year, DateOnly? asOf, string requestedBy)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QuerySingleAsync<JobRunRow>($"""
            INSERT INTO job_run (kind, zone_code, year, as_of, requested_by) VALUES (@kind, @zone, @year, @asOf, @requestedBy)
            RETURNING {JobRunRow.Columns}
            """, new { kind, zone, year, asOf, requestedBy });
    }

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

    /// <summary>Marks the run as taken by <paramref name="node"/>; null when it has already finished.</summary>
    internal async Task<JobRunRow?> ClaimAsync(long id, string node)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.QuerySingleOrDefaultAsync<JobRunRow>($"""
            UPDATE job_run SET status = 'running', node = @node, attempts = attempts + 1, phase = 'starting', progress = 0,
                               started_at = coalesce(started_at, now()), heartbeat_at = now()
            WHERE id = @id AND status IN ('queued', 'running')
            RETURNING {JobRunRow.Columns}
            """, new { id, node });
    }

    public async Task ProgressAsync(long id, string phase, double progress)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("UPDATE job_run SET phase = @phase, progress = @progress, heartbeat_at = now() WHERE id = @id AND status = 'running'",
            new { id, phase, progress = Math.Clamp(progress, 0, 1) });
    }

    internal async Task FinishAsync(long id, bool succeeded, object? counts, string? error)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            UPDATE job_run SET status = @status, phase = NULL, progress = CASE WHEN @succeeded THEN 1 ELSE progress END,
                               counts = coalesce(@counts::jsonb, counts), error = @error, finished_at = now(), heartbeat_at = now()
            WHERE id = @id AND status IN ('queued', 'running')
            """, new { id, succeeded, status = succeeded ? "succeeded" : "failed", counts = counts is null ? null : JsonSerializer.Serialize(counts), error });
    }

    /// <summary>Fails runs nobody is working on: running without a heartbeat, or queued and never started, for too long.</summary>
    public async Task<int> FailAbandonedAsync(TimeSpan after)
    {
        await using var conn = await db.OpenConnectionAsync();
        return await conn.ExecuteAsync("""
            UPDATE job_run
            SET status = 'failed', finished_at = now(),
                error = CASE WHEN status = 'running'
                             THEN format('no progress since %s: the node running it (%s) stopped', heartbeat_at, node)
                             ELSE format('not started since it was queued at %s', queued_at) END
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
