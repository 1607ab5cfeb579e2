using System.Text.Json.Nodes;
using LandRegister.Api.Access;
using Mapster;

namespace LandRegister.Api.Jobs;

/// <summary>A run of a background job: evaluation (of a zone's year) or idle land (of a zone, on a day).</summary>
/// <param name="Status">queued, running, succeeded or failed.</param>
/// <param name="Phase">What a running job is doing.</param>
/// <param name="Progress">From 0 to 1.</param>
/// <param name="Counts">What a finished run found: enterprises by class, parcels marked, findings…</param>
/// <param name="Attempts">How many times a node started it (more than one after a node died mid-run or the database went away).</param>
[Audience(Audience.Internal)]
public sealed record JobRun(
    long Id, string Kind, string ZoneCode, int? Year, DateOnly? AsOf, string Status, string? Phase, double Progress, JsonObject Counts,
    string? Error, string RequestedBy, string? Node, int Attempts, DateTimeOffset QueuedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, double? DurationSeconds);

/// <summary>A row of <c>job_run</c>.</summary>
public sealed class JobRunRow
{
    public const string Columns = """
        id, kind, zone_code, year, as_of, status, phase, progress, counts::text AS counts, error, requested_by, node, attempts,
        lease, queued_at, started_at, heartbeat_at, finished_at
        """;

    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public string ZoneCode { get; init; } = "";
    public int? Year { get; init; }
    public DateOnly? AsOf { get; init; }
    public string Status { get; init; } = "";
    public string? Phase { get; init; }
    public decimal Progress { get; init; }
    public string Counts { get; init; } = "{}";
    public string? Error { get; init; }
    public string RequestedBy { get; init; } = "";
    public string? Node { get; init; }
    public int Attempts { get; init; }

    /// <summary>The claim of the execution working on the run; a node that lost it may not finish the run.</summary>
    public Guid? Lease { get; init; }

    public DateTime QueuedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? HeartbeatAt { get; init; }
    public DateTime? FinishedAt { get; init; }

    /// <summary>The actor recorded on the parcels a run changes.</summary>
    public string Actor => $"{Kind.Replace('_', '-')}-run-{Id}";

    public JobRun ToContract() => this.Adapt<JobRun>();
}

sealed class JobMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<JobRunRow, JobRun>()
            .Map(d => d.Progress, s => (double)s.Progress)
            .Map(d => d.Counts, s => JsonNode.Parse(s.Counts, null, default)!.AsObject())
            .Map(d => d.DurationSeconds, s => s.StartedAt != null && s.FinishedAt != null
                ? Math.Round((s.FinishedAt.Value - s.StartedAt.Value).TotalSeconds, 3) : (double?)null);
}
