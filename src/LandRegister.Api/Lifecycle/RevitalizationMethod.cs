namespace LandRegister.Api.Lifecycle;

/// <summary>How idle or low-efficiency land is brought back into use (docs/domain.md, from the two reports).</summary>
public static class RevitalizationMethod
{
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["technical_upgrade"] = "技改扩能",
        ["capital_increase"] = "增资扩产",
        ["cooperative_development"] = "合作开发",
        ["new_investor"] = "招商推介 / 项目招引",
        ["public_leasing"] = "公开招租",
        ["government_acquisition"] = "收储",
        ["demolition_relisting"] = "拆除后重新挂牌",
    };

    public static bool IsKnown(string? method) => method is not null && All.ContainsKey(method);
}
