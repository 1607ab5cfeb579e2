
namespace LandRegister.Api.Parcels;

/// <summary>The clean-land checklist (净地条件): every item must hold before raw land becomes clean land.</summary>
/// <param name="ResettlementSettled">Resettlement and compensation are settled (征收补偿安置到位).</param>
/// <param name="PlanningConditionsSet">Planning conditions (use, plot ratio) are set (规划条件明确).</param>
public sealed record CleanLandChecklist(bool? TitleClear, bool? ResettlementSettled, bool? NoDispute, bool? PlanningConditionsSet, bool? SiteReady)
{
    static readonly (string Field, string Meaning, Func<CleanLandChecklist, bool?> Value)[] Items =
    [
        ("titleClear", "title clear (权属清晰)", c => c.TitleClear),
        ("resettlementSettled", "resettlement and compensation settled (安置补偿落实)", c => c.ResettlementSettled),
        ("noDispute", "no dispute (无争议)", c => c.NoDispute),
        ("planningConditionsSet", "planning conditions set (规划条件明确)", c => c.PlanningConditionsSet),
        ("siteReady", "site ready to build on (具备动工开发条件)", c => c.SiteReady),
    ];

    /// <summary>Adds an error for every item not confirmed.</summary>
    public static void Check(CleanLandChecklist? checklist, FieldErrors errors)
    {
        foreach (var (field, meaning, value) in Items)
            if (checklist is null || value(checklist) != true)
                errors.Add($"checklist.{field}", $"must be true for clean land: {meaning}");
    }
}
