namespace LandRegister.Api.Jobs;

/// <summary>The background jobs, configured under <c>Jobs</c>.</summary>
public sealed class JobSettings
{
    /// <summary>The cluster's name: every API instance on one database with this name shares the jobs.</summary>
    public string SchedulerName { get; set; } = "landregister";

    /// <summary>Quartz cron schedule of the nightly evaluation of last year, for every zone (default 02:00).</summary>
    public string EvaluationCron { get; set; } = "0 0 2 * * ?";

    /// <summary>Quartz cron schedule of the nightly idle-land run, for every zone (default 02:30).</summary>
    public string IdleLandCron { get; set; } = "0 30 2 * * ?";

    /// <summary>Time zone of the schedules (default China Standard Time).</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";

    /// <summary>How often a node records that it is alive; a dead node's runs are taken over after about twice this.</summary>
    public int ClusterCheckinSeconds { get; set; } = 10;

    /// <summary>A run with no progress (or a queued run not started) for this long is marked failed.</summary>
    public int AbandonedAfterSeconds { get; set; } = 600;

    /// <summary>Fault injection for tests: a run waits this long before committing its results. 0 in production.</summary>
    public int PauseBeforeCommitMs { get; set; }
}
