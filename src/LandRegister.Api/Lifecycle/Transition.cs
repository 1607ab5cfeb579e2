using LandRegister.Api.Parcels;

namespace LandRegister.Api.Lifecycle;

/// <summary>A change of a parcel's status.</summary>
/// <param name="To">The new status.</param>
/// <param name="Reason">Why; required, kept in the history.</param>
/// <param name="Method">How the land is revitalized; required for revitalizing and revitalized.</param>
/// <param name="EffectiveDate">When the change took effect (default today, China Standard Time); not in the future.</param>
/// <param name="ApprovalRef">The approving decision, where the rule needs one (e.g. a cancelled contract).</param>
/// <param name="Checklist">For clean land: every item of the clean-land checklist, confirmed.</param>
/// <param name="Supply">For supplied: the supply record.</param>
/// <param name="Basis">For a planner's designation as low-efficiency: the finding it rests on.</param>
/// <param name="EvidenceRef">For a designation: the reference of the evidence (inspection report, tax record, notice).</param>
/// <param name="VacantSince">For idle by a building unused on completion: since when it has stood vacant.</param>
public sealed record TransitionInput(
    string? To, string? Reason, string? Method, DateOnly? EffectiveDate, string? ApprovalRef,
    CleanLandChecklist? Checklist, SupplyInput? Supply, string? Basis = null, string? EvidenceRef = null, DateOnly? VacantSince = null)
{
    /// <summary>The findings on which a planner designates land low-efficiency.</summary>
    public static readonly string[] Bases =
        ["production_stopped", "phased_out_industry", "safety_or_environment", "plot_ratio_shortfall", "contract_shortfall", "other"];

    /// <summary>Checks the request on its own; the rules that depend on the parcel's status come after.</summary>
    public void Validate(DateOnly today)
    {
        var errors = new FieldErrors();
        if (To is null) errors.Add("to", "required");
        else if (!ParcelStatus.IsKnown(To)) errors.AddUnknown("to", $"unknown status '{To}'", ParcelStatus.All);
        if (string.IsNullOrWhiteSpace(Reason)) errors.Add("reason", "required: say why, for the history");
        foreach (var (field, text) in new[] { ("reason", Reason), ("approvalRef", ApprovalRef), ("evidenceRef", EvidenceRef) })
            if (text is not null && (!Text.IsPlain(text) || text.Length > 1000)) errors.Add(field, "at most 1000 characters, without control characters");
        if (Method is not null && !RevitalizationMethod.IsKnown(Method))
            errors.AddUnknown("method", $"unknown revitalization method '{Method}'", RevitalizationMethod.All.Keys);
        if (Basis is not null && !Bases.Contains(Basis)) errors.AddUnknown("basis", $"unknown designation basis '{Basis}'", Bases);
        ValidTime.Check(EffectiveDate, "effectiveDate", errors);
        if (VacantSince > today) errors.Add("vacantSince", "must not be in the future");
        errors.ThrowIfAny();
    }

    /// <summary>The rules of this transition: what it <paramref name="needs"/> must be present, valid, and nothing else sent.</summary>
    public void CheckNeeds(TransitionNeeds needs, DateOnly today)
    {
        var errors = new FieldErrors();
        if (needs.HasFlag(TransitionNeeds.CleanLandChecklist)) CleanLandChecklist.Check(Checklist, errors);
        if (needs.HasFlag(TransitionNeeds.SupplyRecord))
        {
            if (Supply is null) errors.Add("supply", "required: the supply record (method, dates, recipient, price, commitments)");
            else Supply.Validate("supply.", EffectiveDate ?? today, errors);
        }
        else if (Supply is not null) errors.Add("supply", $"a supply record goes with the transition to {ParcelStatus.Supplied} only");
        if (needs.HasFlag(TransitionNeeds.Method) && Method is null)
            errors.Add("method", $"required: one of {string.Join(", ", RevitalizationMethod.All.Keys)}");
        if (needs.HasFlag(TransitionNeeds.ApprovalRef) && string.IsNullOrWhiteSpace(ApprovalRef))
            errors.Add("approvalRef", "required: the reference of the decision that approves this change");
        if (needs.HasFlag(TransitionNeeds.Designation))
        {
            if (Basis is null) errors.Add("basis", $"required: the finding the designation rests on, one of {string.Join(", ", Bases)}");
            if (string.IsNullOrWhiteSpace(EvidenceRef)) errors.Add("evidenceRef", "required: the reference of the evidence for the finding");
        }
        else if (Basis is not null || EvidenceRef is not null)
            errors.Add(Basis is not null ? "basis" : "evidenceRef", $"goes with a planner's designation ({ParcelStatus.InUse} to {ParcelStatus.LowEfficiency}) only");
        if (needs.HasFlag(TransitionNeeds.VacantSince))
        {
            if (VacantSince is null) errors.Add("vacantSince", "required: since when the completed building has stood unused");
            else if (VacantSince > (EffectiveDate ?? today)) errors.Add("vacantSince", "must not be after the effective date");
        }
        else if (VacantSince is not null)
            errors.Add("vacantSince", $"goes with the move of in-use land to {ParcelStatus.Idle} only");
        errors.ThrowIfAny();
    }
}
