using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Mapster;

namespace LandRegister.Api.Premises;

/// <summary>A building or factory floor (厂房) as a GeoJSON Feature of its footprint; <c>id</c> is the register's id.</summary>
public sealed record PremisesFeature(long Id, GeoJsonText Geometry, PremisesProperties Properties) : GeoJsonFeature;

/// <summary>A premises' attributes.</summary>
/// <param name="Code">The building number, unique within the zone.</param>
/// <param name="ParcelId">The parcel it stands on (its zone is the parcel's).</param>
/// <param name="OwnerKind">platform_company (平台公司), enterprise, government or other.</param>
/// <param name="OwnerCreditCode">The owner's unified social credit code, for enterprise owners.</param>
/// <param name="FloorAreaM2">Gross floor area, m².</param>
/// <param name="Condition">good, fair, poor or dilapidated.</param>
/// <param name="Vacancy">vacant, partly_leased, leased or self_used.</param>
/// <param name="VacantFloorAreaM2">The floor area free to lease: all of it when vacant, none when leased or self-used.</param>
/// <param name="VacantSince">Since when the premises (or its vacant part) has stood empty.</param>
/// <param name="FootprintM2">The footprint's area on the spheroid, m².</param>
/// <remarks>Viewer keys see what a public map may show; the owner's credit code is for the roles cleared for enterprise data.</remarks>
[Audience(Audience.Internal)]
public sealed record PremisesProperties(
    [property: Audience(Audience.Public)] string Code,
    string ZoneCode,
    [property: Audience(Audience.Public)] long ParcelId,
    [property: Audience(Audience.Public)] string ParcelCode,
    [property: Audience(Audience.Public)] string? ParkCode,
    string? Name, string? OwnerName, string? OwnerKind,
    [property: Audience(Audience.Confidential)] string? OwnerCreditCode,
    [property: Audience(Audience.Public)] decimal FloorAreaM2,
    [property: Audience(Audience.Public)] int? Floors,
    [property: Audience(Audience.Public)] int? BuiltYear,
    [property: Audience(Audience.Public)] string? Condition,
    [property: Audience(Audience.Public)] string Vacancy,
    [property: Audience(Audience.Public)] decimal VacantFloorAreaM2,
    [property: Audience(Audience.Public)] DateOnly? VacantSince,
    [property: Audience(Audience.Public)] double FootprintM2,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? RetiredAt, string CreatedBy, string UpdatedBy);

/// <summary>The fixed lists of premises values.</summary>
public static class PremisesValues
{
    public const string Vacant = "vacant";
    public const string PartlyLeased = "partly_leased";
    public static readonly string[] Vacancies = [Vacant, PartlyLeased, "leased", "self_used"];
    public static readonly string[] OwnerKinds = ["platform_company", "enterprise", "government", "other"];
    public static readonly string[] Conditions = ["good", "fair", "poor", "dilapidated"];
}

/// <summary>A premises as read from the database.</summary>
sealed class PremisesRow
{
    /// <summary>The select list, over <see cref="From"/>.</summary>
    public const string Columns = """
        pr.id, pr.zone_code, pr.code, pr.parcel_id, p.code AS parcel_code, p.park_code, pr.name, pr.owner_name, pr.owner_kind,
        pr.owner_credit_code, pr.floor_area_m2, pr.floors, pr.built_year, pr.condition, pr.vacancy, pr.vacant_floor_area_m2,
        pr.vacant_since, ST_Area(pr.footprint::geography) AS footprint_m2, pr.created_at, pr.updated_at, pr.retired_at,
        pr.created_by, pr.updated_by, pr.version, ST_AsGeoJSON(pr.footprint, 8) AS geometry
        """;

    public const string From = "premises pr JOIN parcel p ON p.id = pr.parcel_id";

    public long Id { get; init; }
    public string ZoneCode { get; init; } = "";
    public string Code { get; init; } = "";
    public long ParcelId { get; init; }
    public string ParcelCode { get; init; } = "";
    public string? ParkCode { get; init; }
    public string? Name { get; init; }
    public string? OwnerName { get; init; }
    public string? OwnerKind { get; init; }
    public string? OwnerCreditCode { get; init; }
    public decimal FloorAreaM2 { get; init; }
    public int? Floors { get; init; }
    public int? BuiltYear { get; init; }
    public string? Condition { get; init; }
    public string Vacancy { get; init; } = "";
    public decimal VacantFloorAreaM2 { get; init; }
    public DateOnly? VacantSince { get; init; }
    public double FootprintM2 { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public DateTime? RetiredAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public string UpdatedBy { get; init; } = "";
    public long Version { get; init; }
    public string Geometry { get; init; } = "";

    public PremisesFeature ToFeature() => new(Id, new GeoJsonText(Geometry), this.Adapt<PremisesProperties>());

    /// <summary>What a client may set, as it stands: the base a merge patch is applied to.</summary>
    public PremisesInput ToInput() => this.Adapt<PremisesInput>();
}

sealed class PremisesMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<PremisesRow, PremisesProperties>().Map(d => d.FootprintM2, s => Area.Rounded(s.FootprintM2));
        config.NewConfig<PremisesRow, PremisesInput>();
    }
}
