using System.Diagnostics;
using System.Globalization;

namespace LandRegister.Bench;

/// <summary>The processor time used by the benchmark itself (the client), the API and PostgreSQL over some span.</summary>
readonly record struct ProcessorTime(TimeSpan Client, TimeSpan Api, TimeSpan Postgres)
{
    public static ProcessorTime operator +(ProcessorTime a, ProcessorTime b) =>
        new(a.Client + b.Client, a.Api + b.Api, a.Postgres + b.Postgres);
}

/// <summary>
/// Measures <see cref="ProcessorTime"/> from its making until <see cref="Used"/>, so that a load's share of each side can
/// be told per request. PostgreSQL is every process named <c>postgres</c> (the server and its backends), read from
/// <c>/proc/*/stat</c> in clock ticks of 10 ms by <see cref="Sample"/>, each process's time since the reading before: a
/// process that exits takes with it only what it used since the last sample, and one that starts is counted whole.
/// </summary>
sealed class ProcessorClock
{
    readonly ApiProcess api;
    readonly TimeSpan client0, api0;
    readonly Dictionary<(int Pid, long Start), long> seen = [];
    long postgresTicks;

    public ProcessorClock(ApiProcess api)
    {
        this.api = api;
        (client0, api0) = (Process.GetCurrentProcess().TotalProcessorTime, api.ProcessorTime);
        foreach (var (key, ticks) in Postgres()) seen[key] = ticks;
    }

    /// <summary>Adds what each PostgreSQL process used since the last sample.</summary>
    public void Sample()
    {
        var now = Postgres().ToDictionary(p => p.Key, p => p.Ticks);
        foreach (var (key, ticks) in now) postgresTicks += ticks - seen.GetValueOrDefault(key);
        seen.Clear();
        foreach (var (key, ticks) in now) seen[key] = ticks;
    }

    public ProcessorTime Used()
    {
        Sample();
        return new(Process.GetCurrentProcess().TotalProcessorTime - client0, api.ProcessorTime - api0, TimeSpan.FromMilliseconds(postgresTicks * 10));
    }

    /// <summary>Each <c>postgres</c> process (by id and start time, ids being reused) and its user and system ticks so far.</summary>
    static IEnumerable<((int Pid, long Start) Key, long Ticks)> Postgres()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var name = stat.IndexOf('(');
            var end = stat.LastIndexOf(')');
            if (name < 0 || end < name || stat[(name + 1)..end] != "postgres") continue;
            // After the name: state (field 3), then fields 4…; utime and stime are fields 14 and 15, the start time 22.
            var fields = stat[(end + 2)..].Split(' ');
            long Field(int n) => long.Parse(fields[n - 3], CultureInfo.InvariantCulture);
            yield return ((pid, Field(22)), Field(14) + Field(15));
        }
    }
}
