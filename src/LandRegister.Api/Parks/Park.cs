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

/// <summary>
/// A park to create, in either of two shapes: plain members (<c>code</c>, <c>zoneCode</c>, <c>name</c>, <c>boundary</c>,
/// <c>leadingIndustries</c>), or a GeoJSON Feature (<c>type: "Feature"</c>, its <c>geometry</c> the boundary, its
/// <c>properties</c> the other members), as parcels and premises are sent. The boundary is a Polygon or MultiPolygon
/// in the CRS named by <c>crs</c>. Code, zone and name are required in either shape.
/// </summary>
public sealed record ParkInput(
    string? Code = null, string? ZoneCode = null, string? Name = null, JsonElement? Boundary = null, string[]? LeadingIndustries = null,
    string? Type = null, JsonElement? Geometry = null, ParkProperties? Properties = null)
{
    /// <summary>Checks every field of either shape; returns the park's members and its boundary in the CRS it was sent in.</summary>
    public (ParkProperties Park, NetTopologySuite.Geometries.Geometry? Boundary) Validate(InputCrs crs)
    {
        var errors = new FieldErrors();
        var feature = Type == "Feature";
        if (Type is not null && !feature) errors.Add("type", "Feature, or absent for a park sent as plain members");
        if (feature && (Code ?? ZoneCode ?? Name ?? (object?)Boundary ?? LeadingIndustries) is not null)
            errors.Add("type", "a Feature carries the park in properties and geometry: send plain members or a Feature, not both");
        if (!feature && (Geometry ?? (object?)Properties) is not null)
            errors.Add("type", "geometry and properties make a GeoJSON Feature: add \"type\": \"Feature\"");
        var park = feature ? Properties ?? new ParkProperties() : new ParkProperties(Code, ZoneCode, Name, LeadingIndustries);
        var prefix = feature ? "properties." : "";
        if (string.IsNullOrWhiteSpace(park.Code)) errors.Add(prefix + "code", "required");
        if (string.IsNullOrWhiteSpace(park.ZoneCode)) errors.Add(prefix + "zoneCode", "required");
        if (string.IsNullOrWhiteSpace(park.Name)) errors.Add(prefix + "name", "required");
        if (park.LeadingIndustries?.Any(string.IsNullOrWhiteSpace) == true) errors.Add(prefix + "leadingIndustries", "entries must not be empty");
        var sent = feature ? Geometry : Boundary;
        var boundary = sent is { ValueKind: not JsonValueKind.Null } b ? GeoJsonGeometry.ReadPolygonal(b, feature ? "geometry" : "boundary", crs, errors) : null;
        errors.ThrowIfAny();
        return (park, boundary);
    }
}

/// <summary>A park's members, as the properties of a park sent as a GeoJSON Feature.</summary>
public sealed record ParkProperties(string? Code = null, string? ZoneCode = null, string? Name = null, string[]? LeadingIndustries = null);

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
