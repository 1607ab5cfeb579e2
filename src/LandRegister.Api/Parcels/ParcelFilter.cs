using System.ComponentModel;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace LandRegister.Api.Parcels;

/// <summary>The filters of <c>GET /api/parcels</c>. Lists take repeated parameters or comma-separated values.</summary>
public sealed record ParcelListParameters
{
    [FromQuery(Name = "status"), Description("Status codes, e.g. clean_land,raw_land.")]
    public string[]? Status { get; init; }

    [FromQuery(Name = "code"), Description("Parcel codes (宗地编号), exactly.")]
    public string[]? Code { get; init; }

    [FromQuery(Name = "plannedUse"), Description("Land-use codes; each matches itself and its sub-codes (1001 matches 100101).")]
    public string[]? PlannedUse { get; init; }

    [FromQuery(Name = "park"), Description("Park codes.")]
    public string[]? Park { get; init; }

    [FromQuery(Name = "zone"), Description("Zone codes.")]
    public string[]? Zone { get; init; }

    [FromQuery(Name = "minAreaMu"), Description("Smallest area in mu (亩), inclusive.")]
    public double? MinAreaMu { get; init; }

    [FromQuery(Name = "maxAreaMu"), Description("Largest area in mu (亩), inclusive.")]
    public double? MaxAreaMu { get; init; }

    [FromQuery(Name = "bbox"), Description("minLon,minLat,maxLon,maxLat in WGS84: parcels that intersect the box.")]
    public string? Bbox { get; init; }

    [FromQuery(Name = "intersects"), Description("A GeoJSON geometry: parcels that intersect it. For large geometries use POST /api/parcels/search.")]
    public string? Intersects { get; init; }

    [FromQuery(Name = "crs"), Description("CRS of the intersects geometry: EPSG:4326 (default), EPSG:4490 or EPSG:4513-4554.")]
    public string? Crs { get; init; }

    [FromQuery(Name = "includeRetired"), Description("Include retired parcels (default false).")]
    public bool? IncludeRetired { get; init; }

    [FromQuery(Name = "useMismatch"), Description("true: only parcels whose actual use, or the use of a lease running today, is not their planned use (nor a sub-code of it); false: only the others.")]
    public bool? UseMismatch { get; init; }

    [FromQuery(Name = "evaluationClass"), Description("Classes A, B, C, D or T: only land whose holder has that class in the zone's latest evaluated year (roles cleared for enterprise figures).")]
    public string[]? EvaluationClass { get; init; }

    [FromQuery(Name = "asOf"), Description("An instant (ISO 8601): the parcels as they stood in the world then (valid time, from the effective dates of their changes).")]
    public DateTimeOffset? AsOf { get; init; }

    [FromQuery(Name = "recordedAsOf"), Description("An instant (ISO 8601): answer as the register stood then, from what it had recorded by that time; alone, it reads the parcels as they stood at that instant.")]
    public DateTimeOffset? RecordedAsOf { get; init; }

    [FromQuery(Name = "sortby"), Description("Sort keys, comma-separated, each with - for descending (+ or nothing: ascending): code, status, plannedUse, parkCode, zoneCode, areaMu, registeredAreaM2, createdAt, updatedAt, id. Default: id.")]
    public string? SortBy { get; init; }

    [FromQuery(Name = "limit"), Description("Page size, 1-10000 (default 100).")]
    public int? Limit { get; init; }

    [FromQuery(Name = "cursor"), Description("Opaque position from a next link.")]
    public string? Cursor { get; init; }
}

/// <summary>The body of <c>POST /api/parcels/search</c>: the list filters, with the geometry as GeoJSON.</summary>
public sealed record ParcelSearch(
    string[]? Status, string[]? PlannedUse, string[]? Park, string[]? Zone, double? MinAreaMu, double? MaxAreaMu,
    double[]? Bbox, JsonElement? Intersects, string? Crs, bool? IncludeRetired, int? Limit, string? Cursor,
    bool? UseMismatch = null, DateTimeOffset? AsOf = null, DateTimeOffset? RecordedAsOf = null, string[]? EvaluationClass = null, string[]? Code = null, string? SortBy = null);
