using System.Diagnostics;

namespace LandRegister.Api.Jobs;

/// <summary>Reports a run's phases as it enters them, and keeps how long each took for the run's counts.</summary>
public sealed class PhaseTimer(JobRuns runs, long runId, Guid lease)
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly Dictionary<string, double> seconds = [];
    string? current;

    public async Task EnterAsync(string phase, double progress)
    {
        Close();
        current = phase;
        await runs.ProgressAsync(runId, lease, phase, progress);
    }

    /// <summary>Seconds spent in each phase, in the order they ran.</summary>
    public Dictionary<string, double> Seconds()
    {
        Close();
        return seconds;
    }

    void Close()
    {
        if (current is not null) seconds[current] = Math.Round(clock.Elapsed.TotalSeconds, 3);
        current = null;
        clock.Restart();
    }
}
