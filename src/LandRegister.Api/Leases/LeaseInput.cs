using LandRegister.Api.Enterprises;
using LandRegister.Api.LandUses;

namespace LandRegister.Api.Leases;

/// <summary>A lease as a client registers it: of a premises (<c>premisesId</c>) or of land (<c>parcelId</c>).</summary>
/// <param name="Status">draft (default) or active: an active lease bills its rent from its start.</param>
/// <param name="Rent">万元 a year (rentBasis per_year) or 元 per m² a month (per_m2_month).</param>
public sealed record LeaseInput(
    long? PremisesId, long? ParcelId, decimal? AreaM2, string? LessorName, string? LessorKind, string? LesseeKind, string? LesseeName,
    string? LesseeCreditCode, string? LesseeIdentifier, string? UseCode, DateOnly? StartsOn, DateOnly? EndsOn, string? RentBasis, decimal? Rent,
    string? Schedule, string? PaymentTiming, decimal? DepositYuan, int? RentFreeMonths, decimal? EscalationPct, string? ContractRef, string? Status)
{
    /// <summary>Checks every field at once; the land-use code comes back resolved to its national code.</summary>
    public string Validate(LandUseCodes uses)
    {
        var errors = new FieldErrors();
        if (PremisesId is null == ParcelId is null) errors.Add(PremisesId is null ? "premisesId" : "parcelId",
            "name either the premises leased (premisesId) or the parcel leased as land (parcelId)");
        if (AreaM2 is null) errors.Add("areaM2", "required: the floor or land area leased, m²");
        else if (AreaM2 <= 0) errors.Add("areaM2", "must be more than 0");
        Required(LessorName, "lessorName", 200, errors);
        Choice(LessorKind, "lessorKind", LeaseValues.LessorKinds, errors);
        Choice(LesseeKind, "lesseeKind", LeaseValues.LesseeKinds, errors);
        Required(LesseeName, "lesseeName", 200, errors);
        if (LesseeCreditCode is not null && CreditCode.Check(LesseeCreditCode) is { } problem) errors.Add("lesseeCreditCode", problem);
        else if (LesseeKind == "enterprise" && LesseeCreditCode is null) errors.Add("lesseeCreditCode", "required for an enterprise: its unified social credit code");
        if (LesseeIdentifier is { Length: > 64 }) errors.Add("lesseeIdentifier", "at most 64 characters");
        var use = UseCode is null ? null : uses.Resolve(UseCode, null, "useCode", errors);
        if (UseCode is null) errors.Add("useCode", "required: what the lessee uses it for, a national land-use code (a school: 0804)");
        if (StartsOn is null) errors.Add("startsOn", "required: the first day of the term");
        if (EndsOn is null) errors.Add("endsOn", "required: the last day of the term");
        else if (EndsOn < StartsOn) errors.Add("endsOn", "must not be before startsOn");
        Choice(RentBasis, "rentBasis", LeaseValues.RentBases, errors);
        if (Rent is null) errors.Add("rent", "required: 万元 a year (per_year) or 元 per m² a month (per_m2_month)");
        else if (Rent < 0) errors.Add("rent", "must not be negative");
        else if (Rent > 1_000_000) errors.Add("rent", "at most 1,000,000");
        Choice(Schedule, "schedule", LeaseValues.Schedules, errors);
        Choice(PaymentTiming, "paymentTiming", LeaseValues.Timings, errors);
        if (DepositYuan is < 0) errors.Add("depositYuan", "must not be negative");
        if (RentFreeMonths is < 0 or > 120) errors.Add("rentFreeMonths", "between 0 and 120");
        if (EscalationPct is < 0 or > 100) errors.Add("escalationPct", "between 0 and 100 (percent a year)");
        if (ContractRef is { Length: > 100 }) errors.Add("contractRef", "at most 100 characters");
        if (Status is not (null or LeaseValues.Draft or LeaseValues.Active))
            errors.AddUnknown("status", $"a new lease is draft or active, not '{Status}'", [LeaseValues.Draft, LeaseValues.Active]);
        errors.ThrowIfAny();
        return use!;
    }

    static void Required(string? value, string field, int max, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add(field, "required");
        else if (value.Length > max) errors.Add(field, $"at most {max} characters");
        else if (!Text.IsPlain(value)) errors.Add(field, Text.ControlCharacters);
    }

    static void Choice(string? value, string field, string[] allowed, FieldErrors errors)
    {
        if (value is null) errors.Add(field, $"required: one of {string.Join(", ", allowed)}");
        else if (!allowed.Contains(value)) errors.AddUnknown(field, $"unknown value '{value}'", allowed);
    }
}

/// <summary>Ending a lease (at or before the end of its term) or terminating it early, with the reason.</summary>
/// <param name="On">The lease's last day.</param>
public sealed record LeaseStop(DateOnly? On, string? Reason);

/// <summary>A collection action; an instalment plan lists its instalments, a write-off its approval.</summary>
public sealed record CollectionInput(string? Kind, DateOnly? TakenOn, string? Outcome, string? ApprovalRef, decimal? AmountYuan, InstalmentInput[]? Instalments);

public sealed record InstalmentInput(DateOnly? DueOn, decimal? AmountYuan);

/// <summary>A payment recorded by hand: for a lease, allocated to its oldest bills unless <c>billIds</c> says which.</summary>
public sealed record PaymentInput(long? LeaseId, DateOnly? PaidOn, string? Payer, decimal? AmountYuan, string? Reference, long[]? BillIds);

/// <summary>Bills to generate now: the zone's leases' bills due in [from, through].</summary>
public sealed record BillingRequest(string? Zone, DateOnly? From, DateOnly? Through);
