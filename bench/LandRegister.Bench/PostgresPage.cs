using Dapper;
using LandRegister.Api.Parcels;

namespace LandRegister.Bench;

/// <summary>
/// The peer of a page of parcels: the same GeoJSON Features written whole by PostgreSQL (<c>json_build_object</c>), as
/// the API wrote its pages until it took the properties' JSON over. The listing and the load measure the API against
/// it (how far the API is from PostgreSQL alone answering the same page), and against the API's own statement.
/// </summary>
static class PostgresPage
{
    /// <summary>Every property an admin sees, in the API's order, as SQL on the columns of <c>parcel</c>.</summary>
    static readonly (string Name, string Sql)[] Properties =
    [
        ("code", "code"), ("zoneCode", "zone_code"), ("parkCode", "park_code"), ("name", "name"), ("plannedUse", "planned_use"),
        ("actualUse", "actual_use"), ("status", "status"), ("registeredAreaM2", "registered_area_m2"),
        ("areaM2", "round_m2(area_m2)::float8"), ("areaMu", "round_mu(area_m2)::float8"),
        ("cleanLandChecklist", """
            CASE WHEN clean_checklist IS NOT NULL THEN json_build_object('titleClear', clean_checklist -> 'titleClear',
                'resettlementSettled', clean_checklist -> 'resettlementSettled', 'noDispute', clean_checklist -> 'noDispute',
                'planningConditionsSet', clean_checklist -> 'planningConditionsSet', 'siteReady', clean_checklist -> 'siteReady') END
            """),
        ("constructionStartedOn", "construction_started_on"), ("parentIds", "parent_ids"),
        ("createdAt", Instant("created_at")), ("updatedAt", Instant("updated_at")), ("retiredAt", Instant("retired_at")),
        ("createdBy", "created_by"), ("updatedBy", "updated_by"),
    ];

    /// <summary>A parcel's Feature as UTF-8 bytes, for an admin.</summary>
    public static readonly string Feature = $$"""
        convert_to('{"type":"Feature","id":' || id || ',"geometry":' || ST_AsGeoJSON(geom, 8) || ',"properties":'
            || json_build_object({{string.Join(", ", Properties.Select(p => $"'{p.Name}', {p.Sql}"))}}) || '}', 'UTF8')
        """;

    /// <summary>A UTC instant as the API writes it (ISO 8601, fraction without trailing zeros, <c>+00:00</c>).</summary>
    static string Instant(string column) => $"""(rtrim(to_json({column} AT TIME ZONE 'UTC')::text, '"') || '+00:00"')::json""";

    /// <summary>
    /// The API's page statement for <paramref name="query"/> with PostgreSQL writing each Feature whole: the same count,
    /// conditions, order and limit, another select list.
    /// </summary>
    public static string Statement(ParcelQuery query, DynamicParameters args)
    {
        var features = query.Features();
        var sql = ParcelSql.Page(query, args, features);
        var selectList = features.SelectList(query.GeometrySql);
        if (!sql.Contains(selectList, StringComparison.Ordinal)) throw new InvalidOperationException("the page statement no longer has its select list");
        return sql.Replace(selectList, $"id, {Feature}", StringComparison.Ordinal);
    }
}
