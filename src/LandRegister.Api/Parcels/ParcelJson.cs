using System.Text.Json;
using LandRegister.Api.Access;

namespace LandRegister.Api.Parcels;

/// <summary>
/// A parcel's GeoJSON Feature written by PostgreSQL, for pages of parcels: the API passes the text through instead of
/// reading rows into objects and writing them out again. The properties are those of <see cref="ParcelProperties"/>,
/// in their order and written as the API writes them (<see cref="ParcelRow.ToFeature"/>), each left out for a role
/// that may not see it (its <see cref="AudienceAttribute"/>, which the API's JSON filter reads too).
/// </summary>
static class ParcelJson
{
    /// <summary>Each property's value in SQL, on the columns of <c>parcel</c> or of the as-of relation of its shape.</summary>
    static readonly Dictionary<string, string> Values = new()
    {
        ["code"] = "code", ["zoneCode"] = "zone_code", ["parkCode"] = "park_code", ["name"] = "name",
        ["plannedUse"] = "planned_use", ["actualUse"] = "actual_use", ["status"] = "status",
        ["registeredAreaM2"] = "registered_area_m2",
        // The register's one rounding rule per unit, in SQL (Area's twin, checked against it by a test).
        ["areaM2"] = "round_m2(area_m2)::float8", ["areaMu"] = "round_mu(area_m2)::float8",
        ["cleanLandChecklist"] = $"CASE WHEN clean_checklist IS NOT NULL THEN json_build_object({string.Join(", ", ChecklistItems())}) END",
        ["constructionStartedOn"] = "construction_started_on",
        ["parentIds"] = "parent_ids",
        ["createdAt"] = Instant("created_at"), ["updatedAt"] = Instant("updated_at"), ["retiredAt"] = Instant("retired_at"),
        ["createdBy"] = "created_by", ["updatedBy"] = "updated_by",
    };

    /// <summary>The properties in the order the API writes them, and who may see each.</summary>
    static readonly (string Name, Audience Audience)[] Properties = typeof(ParcelProperties).GetConstructors().Single().GetParameters()
        .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name!),
                      AudienceAttribute.Of(typeof(ParcelProperties).GetProperty(p.Name!), typeof(ParcelProperties))))
        .ToArray();

    /// <summary>
    /// The Feature's text for a caller of <paramref name="audience"/>: <paramref name="geometrySql"/> as its geometry and
    /// the properties it may see (of those in <paramref name="only"/>, when given).
    /// </summary>
    public static string Feature(Audience audience, string geometrySql, IReadOnlySet<string>? only = null)
    {
        var pairs = Properties
            .Where(p => p.Audience <= audience && (only is null || only.Contains(p.Name)))
            .Select(p => $"'{p.Name}', {Values[p.Name]}");
        return $$"""'{"type":"Feature","id":' || id || ',"geometry":' || {{geometrySql}} || ',"properties":' || json_build_object({{string.Join(", ", pairs)}}) || '}'""";
    }

    /// <summary>A timestamptz as the API writes a UTC instant (ISO 8601, fraction without trailing zeros, <c>+00:00</c>), whatever the session's time zone.</summary>
    static string Instant(string column) => $"""(rtrim(to_json({column} AT TIME ZONE 'UTC')::text, '"') || '+00:00"')::json""";

    /// <summary>The clean-land checklist's items, each its stored value or null, in the record's order.</summary>
    static IEnumerable<string> ChecklistItems() =>
        typeof(CleanLandChecklist).GetConstructors().Single().GetParameters()
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!))
            .Select(name => $"'{name}', clean_checklist -> '{name}'");
}
