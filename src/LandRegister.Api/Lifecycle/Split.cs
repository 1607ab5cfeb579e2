using System.Text.Json;
using LandRegister.Api.Spatial;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Lifecycle;

/// <summary>One of the parcels a split makes.</summary>
/// <param name="Code">Its parcel number, new in the zone.</param>
/// <param name="Name">Its name; the parent's when omitted.</param>
/// <param name="Geometry">A GeoJSON Polygon or MultiPolygon in the CRS named by <c>crs</c>.</param>
public sealed record SplitPart(string? Code, string? Name, JsonElement? Geometry);

/// <summary>A split: the parts must cover the parent exactly, with no gap and no overlap beyond the tolerance.</summary>
/// <param name="ToleranceM2">How many m² of gap, overlap or overhang each are allowed (default 1).</param>
public sealed record SplitInput(string? Reason, double? ToleranceM2, SplitPart[]? Parts)
{
    public const double DefaultToleranceM2 = 1;

    /// <summary>Checks the request on its own; returns each part's geometry, in the CRS it was sent in.</summary>
    public Geometry[] Validate(InputCrs crs)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Reason) || !Text.IsPlain(Reason)) errors.Add("reason", "required: say why the parcel is split");
        if (ToleranceM2 is < 0 or > 10_000) errors.Add("toleranceM2", "between 0 and 10000 m²");
        if (Parts is not { Length: >= 2 and <= 100 }) errors.Add("parts", "between 2 and 100 parts");
        var geometries = new List<Geometry>();
        for (var i = 0; i < (Parts?.Length ?? 0); i++)
        {
            var part = Parts![i];
            if (string.IsNullOrWhiteSpace(part.Code) || part.Code.Length > 64 || !Text.IsPlain(part.Code))
                errors.Add($"parts[{i}].code", "required: 1-64 characters without control characters");
            else if (Array.FindIndex(Parts, p => p.Code?.Trim() == part.Code.Trim()) < i)
                errors.Add($"parts[{i}].code", "the same code as an earlier part");
            if (part.Name is { } name && (name.Length > 200 || !Text.IsPlain(name))) errors.Add($"parts[{i}].name", "at most 200 characters");
            if (part.Geometry is not { ValueKind: JsonValueKind.Object } g) errors.Add($"parts[{i}].geometry", "required: a GeoJSON Polygon or MultiPolygon");
            else if (GeoJsonGeometry.ReadPolygonal(g, $"parts[{i}].geometry", crs, errors) is { } geometry) geometries.Add(geometry);
        }
        errors.ThrowIfAny();
        return geometries.ToArray();
    }
}

/// <summary>A place where split parts fail to cover their parent: a gap, an overlap of two parts, or land outside the parent.</summary>
/// <param name="Parts">The indexes of the overlapping parts (for overlaps).</param>
/// <param name="At">A point inside the piece, [lon, lat].</param>
public sealed record CoverageFault(string Kind, int[] Parts, double AreaM2, double[] At);

static class SplitSql
{
    /// <summary>
    /// Every gap, overlap and overhang of the parts (<c>@parts</c>) against the parent (<c>@id</c>), found in
    /// the lon/lat plane where the parcels are drawn. A piece's area is its lon/lat area scaled by the metres per
    /// degree at its latitude: measuring it on the spheroid instead would count the hair-thin slivers between a
    /// straight lon/lat edge and the geodesic through the same ends (about 2 m² on a 700 m edge) as gaps.
    /// </summary>
    public const string Coverage = """
        WITH parent AS (SELECT geom FROM parcel WHERE id = @id),
        parts AS (SELECT (ord - 1)::int AS i, register_geometry(part) AS g
                  FROM unnest(@parts::geometry[]) WITH ORDINALITY AS t (part, ord)),
        whole AS (SELECT ST_Union(g) AS g FROM parts),
        pieces AS (
            SELECT 'gap' AS kind, ARRAY[]::int[] AS parts, (ST_Dump(ST_Difference(parent.geom, whole.g))).geom AS g FROM parent, whole
            UNION ALL
            SELECT 'outside', ARRAY[]::int[], (ST_Dump(ST_Difference(whole.g, parent.geom))).geom FROM parent, whole
            UNION ALL
            SELECT 'overlap', ARRAY[a.i, b.i], (ST_Dump(ST_CollectionExtract(ST_Intersection(a.g, b.g), 3))).geom
            FROM parts a JOIN parts b ON a.i < b.i AND ST_Intersects(a.g, b.g))
        SELECT kind, parts, ST_Area(g) * (111132.954 - 559.822 * cos(2 * radians(y)) + 1.175 * cos(4 * radians(y)))
                                      * (111412.84 * cos(radians(y)) - 93.5 * cos(3 * radians(y))) AS area_m2, x, y
        FROM (SELECT kind, parts, g, ST_X(ST_PointOnSurface(g)) AS x, ST_Y(ST_PointOnSurface(g)) AS y
              FROM pieces WHERE NOT ST_IsEmpty(g)) measured
        ORDER BY 3 DESC
        """;
}
