using LandRegister.Api.Access;

namespace LandRegister.Api.Leases;

/// <summary>The words of leases and rent.</summary>
public static class LeaseValues
{
    public static readonly string[] LessorKinds = ["platform_company", "zone", "enterprise", "other"];
    public static readonly string[] LesseeKinds = ["enterprise", "organisation", "person"];
    public static readonly string[] RentBases = ["per_year", "per_m2_month"];
    public static readonly string[] Schedules = ["monthly", "quarterly", "half_yearly", "yearly"];
    public static readonly string[] Timings = ["advance", "arrears"];
    public static readonly string[] CollectionKinds = ["call", "visit", "letter", "lawyers_letter", "lawsuit", "judgment", "instalment_plan", "write_off"];

    public const string Draft = "draft";
    public const string Active = "active";
    public const string Ended = "ended";
    public const string Terminated = "terminated";
}

/// <summary>
/// A lease of a premises (a whole building or part of its floor area) or of land (a parcel or part of it). Rent, lessee
/// and what is owed are enterprise figures: only roles cleared for them read leases at all.
/// </summary>
/// <param name="PremisesId">The building leased, or null for a lease of land.</param>
/// <param name="AreaM2">The floor area (of a premises) or land area (of a parcel) leased, m².</param>
/// <param name="UseCode">What the lessee uses it for (a national land-use code): a school is 0804.</param>
/// <param name="PlannedUse">The parcel's planned use.</param>
/// <param name="UseMismatch">The lease's use is not the parcel's planned use nor a class of it.</param>
/// <param name="RentBasis">per_year (rent in 万元 a year) or per_m2_month (rent in 元 per m² a month).</param>
/// <param name="MonthlyRentYuan">The first year's rent for a month, 元.</param>
/// <param name="StoppedOn">The last day of an ended or terminated lease.</param>
/// <param name="OwedYuan">Rent billed, due and not paid today, 元 (instalments included, written-off rent not).</param>
[Audience(Audience.Confidential)]
public sealed record Lease(
    long Id, string ZoneCode, long? PremisesId, string? PremisesCode, long ParcelId, string ParcelCode, string? ParkCode, decimal AreaM2,
    string LessorName, string LessorKind, string LesseeKind, string LesseeName, string? LesseeCreditCode, string? LesseeIdentifier,
    string UseCode, string? PlannedUse, bool UseMismatch, DateOnly StartsOn, DateOnly EndsOn, string RentBasis, decimal Rent, decimal MonthlyRentYuan,
    string Schedule, string PaymentTiming, decimal DepositYuan, int RentFreeMonths, decimal EscalationPct, string? ContractRef,
    string Status, DateOnly? StoppedOn, string? StopReason, decimal OwedYuan,
    DateTime CreatedAt, DateTime UpdatedAt, string CreatedBy, string UpdatedBy, long Version)
{
    /// <summary>The columns, in the record's order, over <c>lease l</c>.</summary>
    public const string Columns = """
        l.id, l.zone_code, l.premises_id, pr.code AS premises_code, l.parcel_id, p.code AS parcel_code, p.park_code, l.area_m2,
        l.lessor_name, l.lessor_kind, l.lessee_kind, l.lessee_name, l.lessee_credit_code, l.lessee_identifier,
        l.use_code, p.planned_use,
        coalesce(p.planned_use IS NOT NULL AND l.use_code NOT LIKE p.planned_use || '%' AND p.planned_use NOT LIKE l.use_code || '%', false) AS use_mismatch,
        l.starts_on, l.ends_on, l.rent_basis, l.rent,
        round(CASE l.rent_basis WHEN 'per_year' THEN l.rent * 10000 / 12 ELSE l.rent * l.area_m2 END, 2) AS monthly_rent_yuan,
        l.schedule, l.payment_timing, l.deposit_yuan, l.rent_free_months, l.escalation_pct, l.contract_ref,
        l.status, l.stopped_on, l.stop_reason,
        coalesce((SELECT sum(b.amount_yuan - b.paid_yuan) FROM rent_bill b
                  WHERE b.lease_id = l.id AND b.settled_on IS NULL AND b.closed_by IS NULL AND b.due_on <= @today), 0) AS owed_yuan,
        l.created_at, l.updated_at, l.created_by, l.updated_by, l.version
        """;

    public const string From = "lease l JOIN parcel p ON p.id = l.parcel_id LEFT JOIN premises pr ON pr.id = l.premises_id";
}

/// <summary>A bill: rent for a period, or an instalment of a plan; what is paid of it, and whether it was closed.</summary>
/// <param name="ClosedBy">The collection action that rescheduled it into a plan or wrote it off.</param>
[Audience(Audience.Confidential)]
public sealed record RentBill(long Id, long LeaseId, string Kind, long? PlanId, DateOnly PeriodStart, DateOnly PeriodEnd, DateOnly DueOn,
    decimal AmountYuan, decimal PaidYuan, DateOnly? SettledOn, long? ClosedBy, DateOnly? ClosedOn)
{
    public const string Columns = "b.id, b.lease_id, b.kind, b.plan_id, b.period_start, b.period_end, b.due_on, b.amount_yuan, b.paid_yuan, b.settled_on, b.closed_by, b.closed_on";
}

/// <summary>A payment received, and what of it went to bills (the rest is unmatched).</summary>
[Audience(Audience.Confidential)]
public sealed record RentPayment(long Id, string ZoneCode, long? LeaseId, DateOnly PaidOn, string Payer, decimal AmountYuan, decimal AllocatedYuan,
    decimal UnmatchedYuan, string? Reference, string Source, DateTime RecordedAt, string Actor)
{
    public const string Columns = """
        r.id, r.zone_code, r.lease_id, r.paid_on, r.payer, r.amount_yuan, r.allocated_yuan, r.amount_yuan - r.allocated_yuan AS unmatched_yuan,
        r.reference, r.source, r.recorded_at, r.actor
        """;
}

/// <summary>A collection action (催缴) on a lease.</summary>
[Audience(Audience.Confidential)]
public sealed record CollectionAction(long Id, long LeaseId, string Kind, DateOnly TakenOn, string? Outcome, string? ApprovalRef, decimal? AmountYuan,
    DateTime RecordedAt, string Actor)
{
    public const string Columns = "c.id, c.lease_id, c.kind, c.taken_on, c.outcome, c.approval_ref, c.amount_yuan, c.recorded_at, c.actor";
}
