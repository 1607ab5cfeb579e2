using System.Diagnostics;
using System.Globalization;

namespace LandRegister.Bench;

/// <summary>
/// The processor time used so far by the benchmark itself (the client), the API and every PostgreSQL process of this
/// machine, so that a load's share of each can be told per request.
/// </summary>
readonly record struct ProcessorTime(TimeSpan Client, TimeSpan Api, TimeSpan Postgres)
{
    public static ProcessorTime Now(ApiProcess? api) =>
        new(Process.GetCurrentProcess().TotalProcessorTime, api?.ProcessorTime ?? TimeSpan.Zero, PostgresNow());

    public static ProcessorTime operator -(ProcessorTime a, ProcessorTime b) =>
        new(a.Client - b.Client, a.Api - b.Api, a.Postgres - b.Postgres);

    /// <summary>
    /// The user and system time of the processes named <c>postgres</c> (the server and its backends), from
    /// <c>/proc/*/stat</c> in clock ticks of 10 ms; a backend that exits between two readings takes its time with it,
    /// which a pool's connections, open throughout a load, do not.
    /// </summary>
    static TimeSpan PostgresNow()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var name = stat.IndexOf('(');
            var end = stat.LastIndexOf(')');
            if (name < 0 || end < name || stat[(name + 1)..end] != "postgres") continue;
            // After the name: state (field 3), then fields 4…; utime and stime are fields 14 and 15.
            var fields = stat[(end + 2)..].Split(' ');
            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        return TimeSpan.FromMilliseconds(ticks * 10);
    }
}
