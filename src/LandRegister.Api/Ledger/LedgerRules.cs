using static LandRegister.Api.Ledger.LedgerValues;

namespace LandRegister.Api.Ledger;

/// <summary>
/// How an item's status may move. Progress moves it among not_started, in_progress, phase_completed and completed
/// (completed only with evidence); closing (销号) takes a completed item to closed and needs a reviewer who did not
/// complete it (four eyes); a reviewer may reopen a closed item, with the reason. A closed item takes no progress.
/// </summary>
public static class LedgerRules
{
    static readonly Dictionary<string, string[]> ByProgress = new()
    {
        [NotStarted] = [InProgress, PhaseCompleted, Completed],
        [InProgress] = [PhaseCompleted, Completed],
        [PhaseCompleted] = [InProgress, Completed],
        [Completed] = [InProgress, PhaseCompleted],
    };

    /// <summary>The statuses progress may move an item to from <paramref name="from"/>.</summary>
    public static IReadOnlyList<string> NextByProgress(string from) => ByProgress.GetValueOrDefault(from) ?? [];

    /// <summary>Checks a progress entry moving an item from <paramref name="from"/> to <paramref name="to"/> with <paramref name="evidence"/> files.</summary>
    public static void CheckProgress(string from, string to, int evidence)
    {
        if (from == Closed)
            throw Problems.Conflict("status", "the item is closed (已销号): a reviewer reopens it before progress is reported");
        if (to == Closed)
            throw Problems.Conflict("status", "closing (销号) is a reviewer's decision: POST /api/ledger/items/{id}/close");
        if (to != from && !NextByProgress(from).Contains(to))
            throw new ProblemException(409, "The status change is not allowed.", $"An item cannot go from {from} to {to}.",
                new Dictionary<string, string[]> { ["status"] = [$"not allowed from {from}"] },
                new Dictionary<string, object?> { ["allowed"] = NextByProgress(from) });
        if (to == Completed && from != Completed && evidence == 0)
            throw Problems.Invalid("evidenceIds", "completing an item needs at least one piece of evidence: upload it, then name it here");
    }

    /// <summary>Checks closing: the item is completed and the reviewer is not the one who completed it.</summary>
    public static void CheckClose(string status, string? completedBy, string reviewer)
    {
        if (status != Completed) throw Problems.Conflict("status", $"only a completed item is closed; this one is {status}");
        if (completedBy == reviewer)
            throw new ProblemException(403, "Four eyes.", $"{reviewer} marked the item completed, so someone else closes it.");
    }

    public static void CheckReopen(string status)
    {
        if (status != Closed) throw Problems.Conflict("status", $"only a closed item is reopened; this one is {status}");
    }
}
