using System.Text.Json;
using System.Text.Json.Nodes;
using Mapster;

namespace LandRegister.Api.Ledger;

/// <summary>The words of the ledger: source kinds, categories, statuses, with their Chinese names for the ledger's tables.</summary>
public static class LedgerValues
{
    public static readonly string[] SourceKinds = ["audit", "inspection", "supervision", "self_review", "other"];

    /// <summary>The themes of the findings in the source documents.</summary>
    public static readonly IReadOnlyDictionary<string, string> Categories = new Dictionary<string, string>
    {
        ["reserves"] = "储备用地", ["idle_land"] = "闲置土地", ["low_efficiency"] = "低效用地", ["contracts"] = "出让合同", ["rent"] = "租金",
        ["use_change"] = "改变用途", ["premises"] = "房屋", ["institutions"] = "机制建设", ["other"] = "其他",
    };

    /// <summary>未启动, 推进中, 阶段性完成, 完成, 已销号.</summary>
    public static readonly IReadOnlyDictionary<string, string> Statuses = new Dictionary<string, string>
    {
        ["not_started"] = "未启动", ["in_progress"] = "推进中", ["phase_completed"] = "阶段性完成", ["completed"] = "完成", ["closed"] = "已销号",
    };

    public const string NotStarted = "not_started";
    public const string InProgress = "in_progress";
    public const string PhaseCompleted = "phase_completed";
    public const string Completed = "completed";
    public const string Closed = "closed";
}

/// <summary>An audit, inspection or review whose findings the ledger tracks.</summary>
/// <param name="Kind">audit, inspection (巡察/巡视), supervision (督察), self_review or other.</param>
/// <param name="DocumentRef">The document's reference, e.g. 涟开委发〔2024〕38号.</param>
public sealed record LedgerSource(long Id, string ZoneCode, string Title, string IssuedBy, DateOnly IssuedOn, string Kind, string? DocumentRef,
    int Items, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record LedgerSourceInput(string? ZoneCode, string? Title, string? IssuedBy, DateOnly? IssuedOn, string? Kind, string? DocumentRef)
{
    public void Validate()
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(ZoneCode)) errors.Add("zoneCode", "required");
        LedgerText.Required(Title, "title", 300, errors);
        LedgerText.Required(IssuedBy, "issuedBy", 200, errors);
        LedgerText.Optional(DocumentRef, "documentRef", 200, errors);
        if (IssuedOn is null) errors.Add("issuedOn", "required");
        else ValidTime.Check(IssuedOn, "issuedOn", errors);
        if (Kind is null) errors.Add("kind", $"required: one of {string.Join(", ", LedgerValues.SourceKinds)}");
        else if (!LedgerValues.SourceKinds.Contains(Kind)) errors.AddUnknown("kind", $"unknown source kind '{Kind}'", LedgerValues.SourceKinds);
        errors.ThrowIfAny();
    }
}

/// <summary>A measurable target the register checks itself (see <see cref="LedgerTargets"/>).</summary>
/// <param name="Kind">parcels_in_status, reserve_target, use_mismatch_cleared, idle_land_cleared, no_raw_land_supplied, enterprises_evaluated or arrears_cleared.</param>
/// <param name="ParcelIds">The parcels it counts; the item's linked parcels when omitted.</param>
/// <param name="Statuses">For parcels_in_status: the statuses that count as reached.</param>
/// <param name="Year">For reserve_target and enterprises_evaluated: the year.</param>
/// <param name="Since">For no_raw_land_supplied: from when.</param>
public sealed record LedgerTargetInput(string? Kind, long[]? ParcelIds = null, string[]? Statuses = null, int? Year = null, DateOnly? Since = null);

/// <summary>A target with what the register finds today: <c>value</c> of <c>of</c>, and whether it is met.</summary>
public sealed record LedgerTarget(string Kind, string Description, double Value, double Of, bool Met, JsonObject Definition);

/// <summary>A finding and its rectification (整改事项).</summary>
/// <param name="Number">The report's own numbering, e.g. 3-(2).</param>
/// <param name="Overdue">The deadline has passed and the item is neither completed nor closed.</param>
/// <param name="Inconsistent">Marked completed (or closed) while one of its targets is unmet.</param>
/// <param name="LatestProgress">The latest progress entry's text.</param>
public sealed record LedgerItem(
    long Id, long SourceId, string ZoneCode, string Number, string Problem, IReadOnlyList<string> Measures, string LeadUnit,
    IReadOnlyList<string> CooperatingUnits, string? ResponsiblePerson, DateOnly? Deadline, bool LongTerm, string Category, string Status,
    long[] ParcelIds, string[] EnterpriseCodes, long[] PremisesIds, long[] SupplyIds, long[] LeaseIds,
    IReadOnlyList<LedgerTarget> Targets, bool Overdue, bool Inconsistent, string? LatestProgress, string? CompletedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy, string UpdatedBy);

/// <summary>A report of progress, or a change of status, with its date, text and evidence.</summary>
public sealed record LedgerProgress(long Id, DateOnly EntryDate, string Text, string StatusFrom, string StatusTo, long[] EvidenceIds,
    DateTimeOffset RecordedAt, string Actor);

/// <summary>An evidence file: its name, its type as found in its content, its size and SHA-256.</summary>
public sealed record LedgerEvidence(long Id, long ItemId, string FileName, string MediaType, long SizeBytes, string Sha256, string? Description,
    DateTimeOffset UploadedAt, string UploadedBy);

/// <summary>A row of <c>ledger_item</c> (a class: Dapper maps arrays only onto properties).</summary>
sealed class LedgerItemRow
{
    public const string Columns = """
        i.id, i.source_id, i.zone_code, i.number, i.problem, i.measures, i.lead_unit, i.cooperating_units, i.responsible_person, i.deadline,
        i.long_term, i.category, i.status, i.completed_by, i.parcel_ids, i.enterprise_codes, i.premises_ids, i.supply_ids, i.lease_ids,
        i.targets::text AS targets, i.created_at, i.updated_at, i.created_by, i.updated_by, i.version,
        (SELECT g.text FROM ledger_progress g WHERE g.item_id = i.id ORDER BY g.entry_date DESC, g.id DESC LIMIT 1) AS latest_progress
        """;

    public long Id { get; init; }
    public long SourceId { get; init; }
    public string ZoneCode { get; init; } = "";
    public string Number { get; init; } = "";
    public string Problem { get; init; } = "";
    public string[] Measures { get; init; } = [];
    public string LeadUnit { get; init; } = "";
    public string[] CooperatingUnits { get; init; } = [];
    public string? ResponsiblePerson { get; init; }
    public DateOnly? Deadline { get; init; }
    public bool LongTerm { get; init; }
    public string Category { get; init; } = "";
    public string Status { get; init; } = "";
    public string? CompletedBy { get; init; }
    public long[] ParcelIds { get; init; } = [];
    public string[] EnterpriseCodes { get; init; } = [];
    public long[] PremisesIds { get; init; } = [];
    public long[] SupplyIds { get; init; } = [];
    public long[] LeaseIds { get; init; } = [];
    public string Targets { get; init; } = "[]";
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public string UpdatedBy { get; init; } = "";
    public long Version { get; init; }
    public string? LatestProgress { get; init; }

    public bool IsOverdue(DateOnly today) =>
        Deadline is { } due && due < today && Status is not (LedgerValues.Completed or LedgerValues.Closed);

    public JsonObject[] TargetDefinitions() =>
        JsonSerializer.Deserialize<JsonArray>(Targets)!.Select(t => t!.AsObject()).ToArray();

    public LedgerItem ToContract(IReadOnlyList<LedgerTarget> targets, DateOnly today) => this.Adapt<LedgerItem>() with
    {
        Targets = targets,
        Overdue = IsOverdue(today),
        Inconsistent = Status is LedgerValues.Completed or LedgerValues.Closed && targets.Any(t => !t.Met),
    };
}

sealed class LedgerSourceRow
{
    public const string Columns = """
        s.id, s.zone_code, s.title, s.issued_by, s.issued_on, s.kind, s.document_ref, s.created_at, s.created_by,
        (SELECT count(*)::int FROM ledger_item i WHERE i.source_id = s.id) AS items
        """;

    public long Id { get; init; }
    public string ZoneCode { get; init; } = "";
    public string Title { get; init; } = "";
    public string IssuedBy { get; init; } = "";
    public DateOnly IssuedOn { get; init; }
    public string Kind { get; init; } = "";
    public string? DocumentRef { get; init; }
    public int Items { get; init; }
    public DateTime CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";

    public LedgerSource ToContract() => this.Adapt<LedgerSource>();
}

sealed class LedgerProgressRow
{
    public const string Columns = "id, entry_date, text, status_from, status_to, evidence_ids, recorded_at, actor";

    public long Id { get; init; }
    public DateOnly EntryDate { get; init; }
    public string Text { get; init; } = "";
    public string StatusFrom { get; init; } = "";
    public string StatusTo { get; init; } = "";
    public long[] EvidenceIds { get; init; } = [];
    public DateTime RecordedAt { get; init; }
    public string Actor { get; init; } = "";

    public LedgerProgress ToContract() => this.Adapt<LedgerProgress>();
}

sealed class LedgerEvidenceRow
{
    public const string Columns = "id, item_id, file_name, media_type, size_bytes, sha256, description, uploaded_at, uploaded_by";

    public long Id { get; init; }
    public long ItemId { get; init; }
    public string FileName { get; init; } = "";
    public string MediaType { get; init; } = "";
    public long SizeBytes { get; init; }
    public string Sha256 { get; init; } = "";
    public string? Description { get; init; }
    public DateTime UploadedAt { get; init; }
    public string UploadedBy { get; init; } = "";

    public LedgerEvidence ToContract() => this.Adapt<LedgerEvidence>();
}

sealed class LedgerMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<LedgerItemRow, LedgerItem>()
            .Ignore(d => d.Targets).Ignore(d => d.Overdue).Ignore(d => d.Inconsistent);
        config.NewConfig<LedgerSourceRow, LedgerSource>();
        config.NewConfig<LedgerProgressRow, LedgerProgress>();
        config.NewConfig<LedgerEvidenceRow, LedgerEvidence>();
    }
}

/// <summary>The checks of the ledger's texts: present where required, plain, of a bounded length.</summary>
static class LedgerText
{
    public static void Required(string? text, string field, int max, FieldErrors errors, bool prose = false)
    {
        if (string.IsNullOrWhiteSpace(text)) errors.Add(field, "required");
        else Optional(text, field, max, errors, prose);
    }

    public static void Optional(string? text, string field, int max, FieldErrors errors, bool prose = false)
    {
        if (text is null) return;
        if (!(prose ? Text.IsProse(text) : Text.IsPlain(text))) errors.AddUnreadable(field, Text.ControlCharacters);
        else if (text.Length > max) errors.Add(field, $"at most {max} characters");
    }
}
