namespace LandRegister.Api.Jobs;

/// <summary>The background jobs, configured under <c>Jobs</c>.</summary>
public sealed class JobSettings
{
    /// <summary>
    /// The nightly run of each kind, for every zone: a cron expression (minute hour day month weekday) in the register's
    /// time zone (<c>LandRegister:TimeZone</c>); empty to run none. Defaults: evaluation of last year at 02:00, idle land at 02:30, rent billing at 01:00.
    /// </summary>
    public Dictionary<string, string> Nightly { get; set; } = [];

    public static IReadOnlyDictionary<string, string> DefaultNightly { get; } =
        new Dictionary<string, string> { ["evaluation"] = "0 2 * * *", ["idle_land"] = "30 2 * * *", ["billing"] = "0 1 * * *" };

    /// <summary>How many runs a node works on at once.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>How often the node working on a run records that it is alive.</summary>
    public int HeartbeatSeconds { get; set; } = 3;

    /// <summary>A run whose node has shown no sign of life this long is taken over by another node.</summary>
    public int StaleAfterSeconds { get; set; } = 15;

    /// <summary>A run nobody has worked on (or a queued run nobody started) this long is marked failed.</summary>
    public int AbandonedAfterSeconds { get; set; } = 600;

    /// <summary>How long a run interrupted by a lost database connection waits for the database before it gives up.</summary>
    public int DatabaseWaitSeconds { get; set; } = 120;

    /// <summary>Fault injection for tests: a run waits this long before committing its results. 0 in production.</summary>
    public int PauseBeforeCommitMs { get; set; }

    /// <summary>The nightly schedules: the defaults, overridden by configuration.</summary>
    public IReadOnlyDictionary<string, string> Schedules() =>
        DefaultNightly.Concat(Nightly).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    public static JobSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Jobs").Get<JobSettings>() ?? new JobSettings();
        if (settings.Workers is < 1 or > 64) throw new InvalidOperationException("Jobs:Workers must be between 1 and 64.");
        if (settings.HeartbeatSeconds < 1 || settings.StaleAfterSeconds < 3 * settings.HeartbeatSeconds)
            throw new InvalidOperationException("Jobs:StaleAfterSeconds must be at least three times Jobs:HeartbeatSeconds (at least 1).");
        if (settings.AbandonedAfterSeconds < 2 * settings.StaleAfterSeconds)
            throw new InvalidOperationException("Jobs:AbandonedAfterSeconds must be at least twice Jobs:StaleAfterSeconds.");
        return settings;
    }
}
