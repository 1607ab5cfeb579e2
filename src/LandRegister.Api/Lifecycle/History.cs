using System.Text.Json.Nodes;
using LandRegister.Api.Access;
using LandRegister.Api.Parcels;
using LandRegister.Api.Spatial;

namespace LandRegister.Api.Lifecycle;

/// <summary>One version of a parcel: what changed, who changed it, when and why.</summary>
/// <param name="Version">The parcel's version after the change (its ETag).</param>
/// <param name="RecordedAt">When the change was recorded; <c>asOf</c> reads go by this time.</param>
/// <param name="Kind">created, imported, updated, transition, supply, retired, split, split_from, merged or merged_from.</param>
/// <param name="Actor">The API key (or run) that made the change.</param>
/// <param name="Details">What the change said of itself: from/to, method, effectiveDate, approvalRef, lineage.</param>
/// <param name="Changes">Each changed property with its value before and after.</param>
[Audience(Audience.Internal)]
public sealed record HistoryEntry(
    long Version, DateTimeOffset RecordedAt, string Kind, string Actor, string? Reason, JsonObject Details,
    IReadOnlyDictionary<string, ValueChange> Changes, bool GeometryChanged);

public sealed record ValueChange(JsonNode? Before, JsonNode? After);

public sealed record ParcelHistory(long ParcelId, IReadOnlyList<HistoryEntry> Entries);

sealed class HistoryRow : ParcelState
{
    public const string Columns = """
        version, recorded_at, kind, actor, reason, details::text AS details, zone_code, code, park_code, name, planned_use,
        actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist::text AS clean_checklist, construction_started_on, parent_ids,
        retired_at, geom IS NOT NULL AS geometry_changed
        """;

    public long Version { get; init; }
    public DateTime RecordedAt { get; init; }
    public string Kind { get; init; } = "";
    public string Actor { get; init; } = "";
    public string? Reason { get; init; }
    public string Details { get; init; } = "{}";
    public long? SupplyId { get; init; }
    public bool GeometryChanged { get; init; }

    /// <summary>The properties the history compares, as the API names them.</summary>
    Dictionary<string, JsonNode?> Values() => new()
    {
        ["zoneCode"] = ZoneCode, ["code"] = Code, ["parkCode"] = ParkCode, ["name"] = Name, ["plannedUse"] = PlannedUse,
        ["actualUse"] = ActualUse, ["status"] = Status, ["registeredAreaM2"] = RegisteredAreaM2,
        ["areaM2"] = Area.Rounded(AreaM2), ["supplyId"] = SupplyId,
        ["cleanLandChecklist"] = CleanChecklist is null ? null : JsonNode.Parse(CleanChecklist),
        ["constructionStartedOn"] = ConstructionStartedOn?.ToString("yyyy-MM-dd"),
        ["parentIds"] = new JsonArray(ParentIds.Select(p => (JsonNode?)p).ToArray()), ["retiredAt"] = RetiredAt,
    };

    /// <summary>The entry for this version, compared with the one before it (none for the first).</summary>
    /// <remarks>By hand, not by Mapster: an entry is a comparison of two versions, not a copy of one row.</remarks>
    public HistoryEntry ToEntry(HistoryRow? previous)
    {
        var after = Values();
        var before = previous?.Values();
        var changes = new Dictionary<string, ValueChange>();
        foreach (var (name, value) in after)
        {
            var old = before?.GetValueOrDefault(name);
            if (before is null ? value is null || value is JsonArray { Count: 0 } : JsonNode.DeepEquals(old, value)) continue;
            changes[name] = new ValueChange(old?.DeepClone(), value?.DeepClone());
        }
        var details = JsonNode.Parse(Details)!.AsObject();
        details.Remove("kind");
        details.Remove("reason");
        return new HistoryEntry(Version, RecordedAt, Kind, Actor, Reason, details, changes, GeometryChanged);
    }
}

/// <summary>A parcel's place in its family: the parcels it came from and those that came from it.</summary>
public sealed record Lineage(long ParcelId, IReadOnlyList<LineageMember> Ancestors, IReadOnlyList<LineageMember> Descendants);

/// <param name="Depth">1 for parents and children, 2 for grandparents and grandchildren, …</param>
public sealed record LineageMember(long Id, string Code, int Depth, string Status, DateTimeOffset? RetiredAt);
