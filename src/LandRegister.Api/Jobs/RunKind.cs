
namespace LandRegister.Api.Jobs;

/// <summary>
/// A kind of background run: its name (<c>job_run.kind</c>), where its runs are read in the API, and what its nightly
/// run covers. Each feature declares its kind next to the work it does (<see cref="IRun"/>); the scheduler knows
/// kinds only as this data.
/// </summary>
/// <param name="Nightly">The year and day the nightly run of this kind covers, given today.</param>
public sealed record RunKind(string Name, string Path, Func<DateOnly, (int? Year, DateOnly? AsOf)> Nightly)
{
    public string Location(long id) => $"{Path}/{id}";
}

/// <summary>The work of one run, done in the run's transaction (the scheduler commits it with the run's end).</summary>
public interface IRun
{
    RunKind Kind { get; }

    /// <summary>Does the run's work on <paramref name="work"/>'s connection and transaction; returns what it found.</summary>
    Task<object> RunAsync(RunWork work, CancellationToken ct);
}

/// <summary>What a run works with: its row, its connection and transaction, and its phase reporter.</summary>
public sealed record RunWork(JobRunRow Run, NpgsqlConnection Connection, NpgsqlTransaction Transaction, PhaseTimer Phases);
