using LandRegister.Api.Access;
using Prometheus;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// What the API tells Prometheus at <c>GET /metrics</c> (a key with <c>jobs.read</c>, sent as <c>X-Api-Key</c> or as the
/// password of Basic credentials): request rates and latencies by endpoint and status (prometheus-net's
/// <c>http_request_duration_seconds</c>, <c>http_requests_in_progress</c>), the register's own below, and the process's.
/// </summary>
public static class RegisterMetrics
{
    /// <summary>How far each standby's replay was behind the primary's WAL when this instance last asked (<see cref="Replicas"/>).</summary>
    public static readonly Gauge StandbyLag = Metrics.CreateGauge("landregister_standby_replay_lag_bytes",
        "How far a standby's replay was behind the primary's WAL when this instance last asked, in bytes.", "host");

    /// <summary>The role this instance last found each database node in: 1 primary, 0 standby, -1 not answering.</summary>
    public static readonly Gauge NodeRole = Metrics.CreateGauge("landregister_database_node_role",
        "The role this instance last found a database node in: 1 primary, 0 standby, -1 not answering.", "host");

    /// <summary>Requests answered 503 because the database was away (restarting, failing over).</summary>
    public static readonly Counter Unavailable = Metrics.CreateCounter("landregister_database_unavailable_total",
        "Requests answered 503 because the database did not answer (restart, failover).");

    /// <summary>How long a background run took on the node that ended it, by kind and outcome.</summary>
    public static readonly Histogram RunDuration = Metrics.CreateHistogram("landregister_job_run_duration_seconds",
        "How long a background run took on the node that ended it, by kind and outcome.",
        new HistogramConfiguration { LabelNames = ["kind", "outcome"], Buckets = Histogram.ExponentialBuckets(0.05, 2, 14) });

    /// <summary>Attempts of a run cut off by the database going away (each is tried again).</summary>
    public static readonly Counter RunInterruptions = Metrics.CreateCounter("landregister_job_run_interruptions_total",
        "Attempts of a background run cut off by the database going away; each is tried again.", "kind");

    // A static constructor makes the metrics exist (at 0) from start-up, when UseRegisterMetrics is called, not from
    // their first use: a counter of failovers that appears only after the first one cannot be alerted on.
    static RegisterMetrics() { }

    /// <summary>Outside the exception handler, so a request is counted with the status it was answered with (a 404, a 503).</summary>
    public static void UseRegisterMetrics(this WebApplication app)
    {
        app.UseHttpMetrics();
        app.MapMetrics("/metrics").RequireAuthorization(Permission.ReadJobs).ExcludeFromDescription();
    }
}
