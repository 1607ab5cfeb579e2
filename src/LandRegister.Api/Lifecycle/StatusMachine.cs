using static LandRegister.Api.Parcels.ParcelStatus;

namespace LandRegister.Api.Lifecycle;

/// <summary>What a transition needs beyond a reason.</summary>
[Flags]
public enum TransitionNeeds
{
    Nothing = 0,
    /// <summary>The clean-land checklist, every item satisfied (净地).</summary>
    CleanLandChecklist = 1,
    /// <summary>A supply record (出让 or 划拨), which is only made from clean land.</summary>
    SupplyRecord = 2,
    /// <summary>A revitalization method (盘活方式).</summary>
    Method = 4,
    /// <summary>The reference of the approving decision.</summary>
    ApprovalRef = 8,
}

/// <summary>
/// The life of a parcel (docs/domain.md): which status may follow which, and what each step needs. Statuses
/// low_efficiency and idle are set only by the evaluation and idle-land runs, never by hand.
/// </summary>
public static class StatusMachine
{
    /// <summary>The transitions a person may make, with what each needs.</summary>
    static readonly Dictionary<(string From, string To), TransitionNeeds> Manual = new()
    {
        [(RawLand, CleanLand)] = TransitionNeeds.CleanLandChecklist,
        // A dispute or an unfinished resettlement found after the fact puts the land back.
        [(CleanLand, RawLand)] = TransitionNeeds.Nothing,
        // 净地出让: supply only from clean land.
        [(CleanLand, Supplied)] = TransitionNeeds.SupplyRecord,
        // The contract is cancelled and the land taken back (解除合同, 收回).
        [(Supplied, CleanLand)] = TransitionNeeds.ApprovalRef,
        [(Supplied, UnderConstruction)] = TransitionNeeds.Nothing,
        [(UnderConstruction, InUse)] = TransitionNeeds.Nothing,
        [(LowEfficiency, Revitalizing)] = TransitionNeeds.Method,
        [(Idle, Revitalizing)] = TransitionNeeds.Method,
        // Work resumes on land found idle before it was built.
        [(Idle, UnderConstruction)] = TransitionNeeds.Nothing,
        [(Revitalizing, Revitalized)] = TransitionNeeds.Method,
        [(Revitalized, InUse)] = TransitionNeeds.Nothing,
        // Acquired and stored again (收储), or demolished for relisting (拆除后重新挂牌).
        [(Revitalized, RawLand)] = TransitionNeeds.ApprovalRef,
        [(Revitalized, CleanLand)] = TransitionNeeds.ApprovalRef | TransitionNeeds.CleanLandChecklist,
    };

    /// <summary>The transitions only the evaluation and idle-land runs make.</summary>
    static readonly HashSet<(string From, string To)> Automatic =
    [
        (InUse, LowEfficiency), (Revitalized, LowEfficiency), (LowEfficiency, InUse),
        (Supplied, Idle), (UnderConstruction, Idle), (InUse, Idle), (Idle, InUse), (Idle, Supplied), (Idle, UnderConstruction),
    ];

    public static IReadOnlyList<string> SetOnlyByRuns { get; } = [LowEfficiency, Idle];

    /// <summary>The statuses a person may move a parcel to from <paramref name="from"/>.</summary>
    public static IReadOnlyList<string> AllowedTargets(string from) =>
        Manual.Keys.Where(k => k.From == from).Select(k => k.To).ToList();

    /// <summary>Whether a person may move a parcel from one status to another, and what it then needs.</summary>
    public static bool TryManual(string from, string to, out TransitionNeeds needs) => Manual.TryGetValue((from, to), out needs);

    /// <summary>Whether a run may make this change.</summary>
    public static bool IsAutomatic(string from, string to) => Automatic.Contains((from, to));

    /// <summary>Every transition, for docs/api.md (a test holds the table to it) and tests.</summary>
    public static IEnumerable<(string From, string To, TransitionNeeds Needs, bool ByRunOnly)> Table =>
        Manual.Select(m => (m.Key.From, m.Key.To, m.Value, false))
            .Concat(Automatic.Select(a => (a.From, a.To, TransitionNeeds.Nothing, true)));
}
