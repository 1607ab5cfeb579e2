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

    public static bool IsKnown(string? code) => code is not null && All.Contains(code);
}
