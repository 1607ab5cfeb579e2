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
public sealed record TransitionInput(
    string? To, string? Reason, string? Method, DateOnly? EffectiveDate, string? ApprovalRef,
    CleanLandChecklist? Checklist, SupplyInput? Supply)
{
    /// <summary>Checks the request on its own; the rules that depend on the parcel's status come after.</summary>
    public void Validate(DateOnly today)
    {
        var errors = new FieldErrors();
        if (To is null) errors.Add("to", "required");
        else if (!ParcelStatus.IsKnown(To)) errors.AddUnknown("to", $"unknown status '{To}'", ParcelStatus.All);
        if (string.IsNullOrWhiteSpace(Reason)) errors.Add("reason", "required: say why, for the history");
        foreach (var (field, text) in new[] { ("reason", Reason), ("approvalRef", ApprovalRef) })
            if (text is not null && (!Text.IsPlain(text) || text.Length > 1000)) errors.Add(field, "at most 1000 characters, without control characters");
        if (Method is not null && !RevitalizationMethod.IsKnown(Method))
            errors.AddUnknown("method", $"unknown revitalization method '{Method}'", RevitalizationMethod.All.Keys);
        if (EffectiveDate > today) errors.Add("effectiveDate", "must not be in the future");
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
            else Supply.Validate("supply.", today, errors);
        }
        else if (Supply is not null) errors.Add("supply", $"a supply record goes with the transition to {ParcelStatus.Supplied} only");
        if (needs.HasFlag(TransitionNeeds.Method) && Method is null)
            errors.Add("method", $"required: one of {string.Join(", ", RevitalizationMethod.All.Keys)}");
        if (needs.HasFlag(TransitionNeeds.ApprovalRef) && string.IsNullOrWhiteSpace(ApprovalRef))
            errors.Add("approvalRef", "required: the reference of the decision that approves this change");
        errors.ThrowIfAny();
    }
}
