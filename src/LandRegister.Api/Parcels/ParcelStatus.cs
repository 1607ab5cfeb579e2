namespace LandRegister.Api.Parcels;

/// <summary>The life of a plot (docs/domain.md). Codes are the API's enum values and the database's.</summary>
public static class ParcelStatus
{
    public const string RawLand = "raw_land";                    // 毛地
    public const string CleanLand = "clean_land";                // 净地
    public const string Supplied = "supplied";                   // 已供应
    public const string UnderConstruction = "under_construction"; // 在建
    public const string InUse = "in_use";                        // 在用
    public const string LowEfficiency = "low_efficiency";        // 低效
    public const string Idle = "idle";                           // 闲置
    public const string Revitalizing = "revitalizing";           // 盘活中
    public const string Revitalized = "revitalized";             // 已盘活

    public static IReadOnlyList<string> All { get; } =
        [RawLand, CleanLand, Supplied, UnderConstruction, InUse, LowEfficiency, Idle, Revitalizing, Revitalized];

    /// <summary>Each status's name in the reports' words.</summary>
    public static IReadOnlyDictionary<string, string> Names { get; } = new Dictionary<string, string>
    {
        [RawLand] = "毛地", [CleanLand] = "净地", [Supplied] = "已供应", [UnderConstruction] = "在建", [InUse] = "在用",
        [LowEfficiency] = "低效", [Idle] = "闲置", [Revitalizing] = "盘活中", [Revitalized] = "已盘活",
    };

    public static bool IsKnown(string? code) => code is not null && All.Contains(code);
}
