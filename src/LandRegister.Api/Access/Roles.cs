namespace LandRegister.Api.Access;

/// <summary>What an endpoint needs. Each is an authorization policy of the same name.</summary>
public static class Permission
{
    /// <summary>Read zones, parks, parcels and land-use codes (fields limited by the role's audience).</summary>
    public const string ReadRegister = "register.read";

    /// <summary>Create and change parks and parcels, and move parcels through their lifecycle.</summary>
    public const string EditRegister = "register.edit";

    /// <summary>Read parcels' history and lineage: who changed what, when and why.</summary>
    public const string ReadHistory = "history.read";

    /// <summary>Read enterprises, their yearly figures, evaluation results and idle-land findings.</summary>
    public const string ReadEnterprises = "enterprises.read";

    /// <summary>Register enterprises and their tenancies, and record or import their yearly figures.</summary>
    public const string EditEnterprises = "enterprises.edit";

    /// <summary>Set evaluation schemes and start evaluation runs.</summary>
    public const string RunEvaluation = "evaluation.run";

    /// <summary>Start idle-land runs.</summary>
    public const string RunIdleLand = "idle_land.run";

    /// <summary>See the background jobs: schedules and recent runs.</summary>
    public const string ReadJobs = "jobs.read";

    /// <summary>The scheduler's dashboard (<c>/jobs</c>): every job, with the power to trigger and delete them.</summary>
    public const string ManageJobs = "jobs.manage";

    /// <summary>Create development zones.</summary>
    public const string ManageZones = "zones.manage";

    /// <summary>Create, list and revoke API keys.</summary>
    public const string ManageKeys = "keys.manage";

    /// <summary>Read the rectification ledger: sources, items, progress, evidence and targets.</summary>
    public const string ReadLedger = "ledger.read";

    /// <summary>Record sources and items, report progress (up to completed) and upload evidence.</summary>
    public const string EditLedger = "ledger.edit";

    /// <summary>Close (销号) an item someone else completed, or reopen a closed one: the second pair of eyes.</summary>
    public const string ReviewLedger = "ledger.review";

    /// <summary>Read leases, their rent, bills, payments, arrears and collection: enterprise figures.</summary>
    public const string ReadLeases = "leases.read";

    /// <summary>Register, activate, end and terminate leases; bill, record and import payments; record collection actions.</summary>
    public const string EditLeases = "leases.edit";

    public static IReadOnlyList<string> All { get; } =
        [ReadRegister, EditRegister, ReadHistory, ReadEnterprises, EditEnterprises, RunEvaluation, RunIdleLand, ReadJobs, ManageJobs, ManageZones, ManageKeys,
         ReadLedger, EditLedger, ReviewLedger, ReadLeases, EditLeases];
}

/// <summary>Who may see a field: everyone (a public map), staff, or those cleared for enterprise figures.</summary>
public enum Audience
{
    /// <summary>What a public map may show: geometry, code, status, use, park, area.</summary>
    Public = 0,
    /// <summary>Register details: names, zones, titles, timestamps, actors.</summary>
    Internal = 1,
    /// <summary>Enterprise figures, contracts, tax, sales and rent.</summary>
    Confidential = 2,
}

/// <summary>A role: the permissions it grants and the fields it may see.</summary>
public sealed record Role(string Name, Audience Audience, IReadOnlyList<string> Permissions);

/// <summary>The role → permission table, in one place.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Planner = "planner";
    public const string Promoter = "promoter";
    public const string Analyst = "analyst";
    public const string Viewer = "viewer";
    public const string Reviewer = "reviewer";

    static readonly Role[] Table =
    [
        new(Admin, Audience.Confidential, Permission.All),
        new(Planner, Audience.Confidential,
            [Permission.ReadRegister, Permission.EditRegister, Permission.ReadHistory, Permission.ReadEnterprises, Permission.RunIdleLand, Permission.ReadJobs,
             Permission.ReadLedger, Permission.EditLedger, Permission.ReadLeases, Permission.EditLeases]),
        new(Promoter, Audience.Internal, [Permission.ReadRegister, Permission.ReadHistory]),
        new(Analyst, Audience.Confidential,
            [Permission.ReadRegister, Permission.ReadHistory, Permission.ReadEnterprises, Permission.EditEnterprises, Permission.RunEvaluation, Permission.ReadJobs,
             Permission.ReadLedger, Permission.ReadLeases]),
        new(Viewer, Audience.Public, [Permission.ReadRegister]),
        new(Reviewer, Audience.Internal, [Permission.ReadRegister, Permission.ReadHistory, Permission.ReadLedger, Permission.ReviewLedger]),
    ];

    public static IReadOnlyList<string> Names { get; } = Table.Select(r => r.Name).ToArray();

    public static Role? Find(string? name) => Table.FirstOrDefault(r => r.Name == name);
}
