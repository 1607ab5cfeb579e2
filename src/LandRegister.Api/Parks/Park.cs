using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Mapster;

namespace LandRegister.Api.Parks;

/// <summary>A park (园区) of a development zone, e.g. the new-materials park.</summary>
/// <param name="Boundary">GeoJSON MultiPolygon in WGS84, or null when not yet drawn.</param>
/// <param name="AreaMu">Area inside the boundary in mu (亩), on the spheroid.</param>
[Audience(Audience.Internal)]
public sealed record Park(
    [property: Audience(Audience.Public)] string Code,
    [property: Audience(Audience.Public)] string ZoneCode,
    [property: Audience(Audience.Public)] string Name,
    [property: Audience(Audience.Public)] GeoJsonText? Boundary,
    [property: Audience(Audience.Public)] string[] LeadingIndustries,
    [property: Audience(Audience.Public)] double? AreaMu,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy, string UpdatedBy);

/// <summary>A park to create; <c>boundary</c> is a GeoJSON Polygon or MultiPolygon in the CRS named by <c>crs</c>.</summary>
public sealed record ParkInput(string? Code, string? ZoneCode, string? Name, JsonElement? Boundary = null, string[]? LeadingIndustries = null)
{
    /// <summary>Checks every field; returns the boundary in the CRS it was sent in (or null when none was sent).</summary>
    public NetTopologySuite.Geometries.Geometry? Validate(InputCrs crs)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Code)) errors.Add("code", "required");
        if (string.IsNullOrWhiteSpace(ZoneCode)) errors.Add("zoneCode", "required");
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name", "required");
        if (LeadingIndustries?.Any(string.IsNullOrWhiteSpace) == true) errors.Add("leadingIndustries", "entries must not be empty");
        var boundary = Boundary is { ValueKind: not JsonValueKind.Null } b ? GeoJsonGeometry.ReadPolygonal(b, "boundary", crs, errors) : null;
        errors.ThrowIfAny();
        return boundary;
    }
}

/// <summary>A park as read from the database (a class: Dapper maps text[] only onto properties).</summary>
sealed class ParkRow
{
    public string Code { get; init; } = "";
    public string ZoneCode { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Boundary { get; init; }
    public string[] LeadingIndustries { get; init; } = [];
    public double? AreaM2 { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public string UpdatedBy { get; init; } = "";
    public long Version { get; init; }

    public Park ToContract() => this.Adapt<Park>();
}

sealed class ParkMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<ParkRow, Park>()
            .Map(d => d.Boundary, s => s.Boundary == null ? (GeoJsonText?)null : new GeoJsonText(s.Boundary))
            .Map(d => d.AreaMu, s => s.AreaM2 == null ? (double?)null : Area.Mu(s.AreaM2.Value));
}
