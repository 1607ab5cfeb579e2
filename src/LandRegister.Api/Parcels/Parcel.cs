using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Mapster;

namespace LandRegister.Api.Parcels;

/// <summary>A parcel (宗地) as a GeoJSON Feature; <c>id</c> is the register's 64-bit parcel id.</summary>
public sealed record ParcelFeature(long Id, GeoJsonText Geometry, ParcelProperties Properties) : GeoJsonFeature;

/// <summary>A parcel's attributes. <c>areaM2</c> and <c>areaMu</c> are computed from the geometry on the spheroid.</summary>
/// <param name="Code">The business parcel number (宗地编号), unique within the zone.</param>
/// <param name="PlannedUse">Approved use, a national land-use code (e.g. 100101).</param>
/// <param name="ActualUse">The use found on the ground, kept apart from the approved one.</param>
/// <param name="Status">raw_land, clean_land, supplied, under_construction, in_use, low_efficiency, idle, revitalizing or revitalized.</param>
/// <param name="RegisteredAreaM2">The area on the land title, when known.</param>
/// <param name="CleanLandChecklist">The checklist confirmed when the parcel became clean land.</param>
/// <param name="ConstructionStartedOn">When construction started (开工), from the transition to under_construction or a construction report.</param>
/// <param name="ParentIds">The parcels this one was split or merged from.</param>
/// <param name="RetiredAt">When the parcel was retired; retired parcels are kept but hidden from lists by default.</param>
/// <param name="UpdatedBy">Name of the API key that last changed the parcel.</param>
/// <remarks>Viewer keys see only what a public map may show: code, park, uses, status and areas.</remarks>
[Audience(Audience.Internal)]
public sealed record ParcelProperties(
    [property: Audience(Audience.Public)] string Code,
    string ZoneCode,
    [property: Audience(Audience.Public)] string? ParkCode,
    string? Name,
    [property: Audience(Audience.Public)] string? PlannedUse,
    [property: Audience(Audience.Public)] string? ActualUse,
    [property: Audience(Audience.Public)] string Status,
    decimal? RegisteredAreaM2,
    [property: Audience(Audience.Public)] double AreaM2,
    [property: Audience(Audience.Public)] double AreaMu,
    CleanLandChecklist? CleanLandChecklist, DateOnly? ConstructionStartedOn, long[] ParentIds,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? RetiredAt, string CreatedBy, string UpdatedBy);

/// <summary>A parcel's attributes as stored, in <c>parcel</c> and in each version of <c>parcel_history</c>.</summary>
/// <remarks>Classes, not records: Dapper maps arrays only onto properties.</remarks>
abstract class ParcelState
{
    public string ZoneCode { get; init; } = "";
    public string Code { get; init; } = "";
    public string? ParkCode { get; init; }
    public string? Name { get; init; }
    public string? PlannedUse { get; init; }
    public string? ActualUse { get; init; }
    public string Status { get; init; } = "";
    public decimal? RegisteredAreaM2 { get; init; }
    public double AreaM2 { get; init; }
    public string? CleanChecklist { get; init; }
    public DateOnly? ConstructionStartedOn { get; init; }
    public long[] ParentIds { get; init; } = [];
    public DateTime? RetiredAt { get; init; }
}

/// <summary>A parcel as read from the database.</summary>
sealed class ParcelRow : ParcelState
{
    /// <summary>The select list that fills a row but its geometry, from <c>parcel</c> or from the as-of relation of the same shape.</summary>
    public const string Attributes = """
        id, zone_code, code, park_code, name, planned_use, actual_use, status, registered_area_m2, area_m2,
        clean_checklist::text AS clean_checklist, construction_started_on, parent_ids, created_at, updated_at, retired_at, created_by, updated_by,
        version
        """;

    /// <summary>The select list that fills a row.</summary>
    public const string Columns = Attributes + ", ST_AsGeoJSON(geom, 8) AS geometry";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public long Id { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public string UpdatedBy { get; init; } = "";
    public long Version { get; init; }
    public string Geometry { get; init; } = "";

    public ParcelFeature ToFeature() => new(Id, new GeoJsonText(Geometry), this.Adapt<ParcelProperties>());

    internal static CleanLandChecklist? Checklist(string? json) => json is null ? null : JsonSerializer.Deserialize<CleanLandChecklist>(json, Json);
}

sealed class ParcelMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<ParcelRow, ParcelProperties>()
            .Map(d => d.AreaM2, s => Area.Rounded(s.AreaM2))
            .Map(d => d.AreaMu, s => Area.Mu(s.AreaM2))
            .Map(d => d.CleanLandChecklist, s => ParcelRow.Checklist(s.CleanChecklist));
}
