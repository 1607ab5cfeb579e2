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
    /// <summary>A planner's designation: its basis (认定依据) and the reference of the evidence.</summary>
    Designation = 16,
    /// <summary>Since when a completed building has stood unused (竣工后空置).</summary>
    VacantSince = 32,
}

/// <summary>
/// The life of a parcel (docs/domain.md): which status may follow which, and what each step needs. The evaluation run
/// moves in-use land to low_efficiency and back, the idle-land run supplied land to idle and back; a planner may also
/// designate in-use land low-efficiency on a finding of the bureau's own, or idle when its building stands unused.
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
        // The bureau's own finding: production stopped a year, a phased-out industry, a failed safety or environment
        // check, a plot ratio far below the contract's.
        [(InUse, LowEfficiency)] = TransitionNeeds.Designation,
        // A building left unused on completion makes its land idle (Yongzhou §13).
        [(InUse, Idle)] = TransitionNeeds.VacantSince,
        // The vacant building is put to use.
        [(Idle, InUse)] = TransitionNeeds.Nothing,
        [(InUse, Revitalizing)] = TransitionNeeds.Method,
        [(LowEfficiency, Revitalizing)] = TransitionNeeds.Method,
        [(Idle, Revitalizing)] = TransitionNeeds.Method,
        // Work resumes on land found idle before it was built.
        [(Idle, UnderConstruction)] = TransitionNeeds.Nothing,
        [(Revitalizing, Revitalized)] = TransitionNeeds.Method,
        [(Revitalized, InUse)] = TransitionNeeds.Nothing,
        // Acquired by the government and stored again (收储), or demolished for relisting (拆除后重新挂牌).
        [(InUse, RawLand)] = TransitionNeeds.ApprovalRef,
        [(LowEfficiency, RawLand)] = TransitionNeeds.ApprovalRef,
        [(Idle, RawLand)] = TransitionNeeds.ApprovalRef,
        [(Revitalized, RawLand)] = TransitionNeeds.ApprovalRef,
        [(Revitalized, CleanLand)] = TransitionNeeds.ApprovalRef | TransitionNeeds.CleanLandChecklist,
    };

    /// <summary>The transitions the runs make: the evaluation (in use and low-efficiency), the idle-land run (supplied land and idle).</summary>
    static readonly HashSet<(string From, string To)> Automatic =
    [
        (InUse, LowEfficiency), (LowEfficiency, InUse),
        (Supplied, Idle), (UnderConstruction, Idle), (Idle, Supplied), (Idle, UnderConstruction),
    ];

    /// <summary>The statuses in which land has a holder: the recipient of its current supply record.</summary>
    public static IReadOnlyList<string> Held { get; } = [Supplied, UnderConstruction, InUse, LowEfficiency, Idle, Revitalizing, Revitalized];

    /// <summary>Whether a move to <paramref name="to"/> ends the parcel's supply: the land is back with the government.</summary>
    public static bool EndsSupply(string to) => to is RawLand or CleanLand;

    /// <summary>The statuses a person may move a parcel to from <paramref name="from"/>.</summary>
    public static IReadOnlyList<string> AllowedTargets(string from) =>
        Manual.Keys.Where(k => k.From == from).Select(k => k.To).ToList();

    /// <summary>Whether a person may move a parcel from one status to another, and what it then needs.</summary>
    public static bool TryManual(string from, string to, out TransitionNeeds needs) => Manual.TryGetValue((from, to), out needs);

    /// <summary>Whether a run may make this change.</summary>
    public static bool IsAutomatic(string from, string to) => Automatic.Contains((from, to));

    /// <summary>Whether anyone, a person or a run, may make this change.</summary>
    public static bool IsLegal(string from, string to) => Manual.ContainsKey((from, to)) || Automatic.Contains((from, to));

    /// <summary>Every transition, for docs/api.md (a test holds the table to it) and tests.</summary>
    public static IEnumerable<(string From, string To, TransitionNeeds Needs, bool ByRun)> Table =>
        Manual.Select(m => (m.Key.From, m.Key.To, m.Value, false))
            .Concat(Automatic.Select(a => (a.From, a.To, TransitionNeeds.Nothing, true)));
}
