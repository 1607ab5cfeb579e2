namespace LandRegister.Api.Ledger;

/// <summary>
/// An item to record, or (for PATCH) the members to change: absent or null members stay as they are. The status is not
/// among them: it changes by progress entries, closing and reopening.
/// </summary>
/// <param name="Deadline">完成时限; or <c>longTerm</c> for a standing measure (长期坚持).</param>
/// <param name="Category">reserves, idle_land, low_efficiency, contracts, rent, use_change, premises, institutions or other.</param>
/// <param name="Targets">What the register measures itself (<see cref="LedgerTargetInput"/>).</param>
public sealed record LedgerItemInput(
    long? SourceId = null, string? Number = null, string? Problem = null, string[]? Measures = null, string? LeadUnit = null,
    string[]? CooperatingUnits = null, string? ResponsiblePerson = null, DateOnly? Deadline = null, bool? LongTerm = null, string? Category = null,
    long[]? ParcelIds = null, string[]? EnterpriseCodes = null, long[]? PremisesIds = null, long[]? SupplyIds = null, long[]? LeaseIds = null,
    LedgerTargetInput[]? Targets = null)
{
    public const int MaxLinks = 1000;

    /// <summary>Checks the members present; <paramref name="creating"/> also requires those an item must have.</summary>
    public void Validate(bool creating)
    {
        var errors = new FieldErrors();
        if (creating)
        {
            if (SourceId is null) errors.Add("sourceId", "required: the audit or review the finding comes from");
            if (Problem is null) errors.Add("problem", "required");
            if (Measures is null) errors.Add("measures", "required: at least one measure");
            if (LeadUnit is null) errors.Add("leadUnit", "required");
            if (Category is null) errors.Add("category", $"required: one of {string.Join(", ", LedgerValues.Categories.Keys)}");
            if (Deadline is null && LongTerm != true) errors.Add("deadline", "required, unless the item is longTerm");
            if (Number is null) errors.Add("number", "required: the report's own numbering, e.g. 3-(2)");
        }
        LedgerText.Optional(Number, "number", 32, errors);
        if (Number is not null && string.IsNullOrWhiteSpace(Number)) errors.Add("number", "must not be empty");
        if (Problem is not null) LedgerText.Required(Problem, "problem", 4000, errors, prose: true);
        if (Measures is not null)
        {
            if (Measures.Length is 0 or > 50) errors.Add("measures", "1-50 measures");
            for (var i = 0; i < Measures.Length; i++) LedgerText.Required(Measures[i], $"measures[{i}]", 2000, errors, prose: true);
        }
        if (LeadUnit is not null) LedgerText.Required(LeadUnit, "leadUnit", 200, errors);
        for (var i = 0; i < (CooperatingUnits?.Length ?? 0); i++) LedgerText.Required(CooperatingUnits![i], $"cooperatingUnits[{i}]", 200, errors);
        LedgerText.Optional(ResponsiblePerson, "responsiblePerson", 100, errors);
        if (Deadline is { } due && (due < new DateOnly(1949, 10, 1) || due > RegisterClock.Today.AddYears(30)))
            errors.Add("deadline", "a date from 1949-10-01 to 30 years from today");
        if (Category is not null && !LedgerValues.Categories.ContainsKey(Category))
            errors.AddUnknown("category", $"unknown category '{Category}'", LedgerValues.Categories.Keys);
        foreach (var (field, count) in new[] { ("parcelIds", ParcelIds?.Length), ("enterpriseCodes", EnterpriseCodes?.Length),
                     ("premisesIds", PremisesIds?.Length), ("supplyIds", SupplyIds?.Length), ("leaseIds", LeaseIds?.Length) })
            if (count > MaxLinks) errors.Add(field, $"at most {MaxLinks}");
        for (var i = 0; i < (Targets?.Length ?? 0); i++) LedgerTargets.Check(Targets![i], $"targets[{i}]", errors);
        if (Targets is { Length: > 20 }) errors.Add("targets", "at most 20");
        errors.ThrowIfAny();
    }
}

/// <summary>A report of progress: its date, its text, the status it moves the item to (if any), and the evidence it rests on.</summary>
/// <param name="Date">When it happened (default today); not in the future. The item's history places the change there.</param>
/// <param name="Status">not_started, in_progress, phase_completed or completed; closing and reopening have their own routes.</param>
/// <param name="EvidenceIds">Evidence already uploaded to the item; completed needs at least one.</param>
public sealed record LedgerProgressInput(DateOnly? Date, string? Text, string? Status, long[]? EvidenceIds)
{
    public void Validate()
    {
        var errors = new FieldErrors();
        LedgerText.Required(Text, "text", 4000, errors, prose: true);
        ValidTime.Check(Date, "date", errors);
        if (Status is not null && !LedgerValues.Statuses.ContainsKey(Status))
            errors.AddUnknown("status", $"unknown status '{Status}'", LedgerValues.Statuses.Keys);
        if (EvidenceIds is { Length: > 100 }) errors.Add("evidenceIds", "at most 100");
        errors.ThrowIfAny();
    }
}

/// <summary>Closing (销号) or reopening an item: why, and when.</summary>
public sealed record LedgerReview(string? Text, DateOnly? Date)
{
    public void Validate()
    {
        var errors = new FieldErrors();
        LedgerText.Required(Text, "text", 4000, errors, prose: true);
        ValidTime.Check(Date, "date", errors);
        errors.ThrowIfAny();
    }
}
