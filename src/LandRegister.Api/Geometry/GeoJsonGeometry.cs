using System.Text.Json;
using LandRegister.Api.Infrastructure;

namespace LandRegister.Api.Geometry;

/// <summary>
/// Checks the structure of client GeoJSON geometry before PostGIS reads it, so that a bad geometry is
/// answered with the field, the position and the reason instead of a parser error; a good one is
/// returned as EWKB in the client's CRS.
/// </summary>
public static class GeoJsonGeometry
{
    public const int MaxPositions = 250_000;

    static readonly string[] Polygonal = ["Polygon", "MultiPolygon"];
    static readonly string[] Simple = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"];

    /// <summary>A Polygon or MultiPolygon; returns its EWKB, or null after adding the errors.</summary>
    public static byte[]? ReadPolygonal(JsonElement geometry, string field, InputCrs crs, FieldErrors errors) =>
        Read(geometry, field, crs, errors, Polygonal);

    /// <summary>Any simple geometry (used to select parcels that intersect it).</summary>
    public static byte[]? ReadAny(JsonElement geometry, string field, InputCrs crs, FieldErrors errors) =>
        Read(geometry, field, crs, errors, Simple);

    static byte[]? Read(JsonElement geometry, string field, InputCrs crs, FieldErrors errors, string[] allowed)
    {
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, "must be a GeoJSON geometry object");
            return null;
        }
        var type = geometry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is null || !allowed.Contains(type))
        {
            errors.Add(field, $"geometry type '{type}' is not accepted here; use {string.Join(" or ", allowed)}");
            return null;
        }
        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"{field}.coordinates", "missing or not an array");
            return null;
        }
        var walker = new Walker(field + ".coordinates", crs, errors);
        var ok = type switch
        {
            "Point" => walker.Position(coordinates, ""),
            "MultiPoint" or "LineString" => walker.Each(coordinates, "", (e, p) => walker.Position(e, p), type == "LineString" ? 2 : 1),
            "MultiLineString" => walker.Each(coordinates, "", (l, p) => walker.Each(l, p, (e, q) => walker.Position(e, q), 2), 1),
            "Polygon" => walker.Polygon(coordinates, ""),
            _ => walker.Each(coordinates, "", (e, p) => walker.Polygon(e, p), 1),
        };
        return ok ? Ewkb.FromGeoJson(geometry, crs.Srid) : null;
    }

    sealed class Walker(string field, InputCrs crs, FieldErrors errors)
    {
        int positions;

        public bool Polygon(JsonElement rings, string path) => Each(rings, path, Ring, 1);

        bool Ring(JsonElement ring, string path)
        {
            if (!Each(ring, path, Position, 4))
            {
                return false;
            }
            var first = ring[0];
            var last = ring[ring.GetArrayLength() - 1];
            if (first[0].GetDouble() != last[0].GetDouble() || first[1].GetDouble() != last[1].GetDouble())
                return Fail(path, "ring is not closed: its last position must equal its first");
            return true;
        }

        public bool Each(JsonElement array, string path, Func<JsonElement, string, bool> item, int minimum)
        {
            if (array.ValueKind != JsonValueKind.Array) return Fail(path, "must be an array");
            var n = array.GetArrayLength();
            if (n < minimum) return Fail(path, minimum == 4 ? "a ring needs at least 4 positions" : $"needs at least {minimum} element(s)");
            var i = 0;
            foreach (var element in array.EnumerateArray())
                if (!item(element, $"{path}[{i++}]")) return false;
            return true;
        }

        public bool Position(JsonElement position, string path)
        {
            if (++positions > MaxPositions) return Fail("", $"more than {MaxPositions} positions");
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3)
                return Fail(path, "a position is an array of 2 or 3 numbers");
            foreach (var n in position.EnumerateArray())
                if (n.ValueKind != JsonValueKind.Number || !double.IsFinite(n.GetDouble()))
                    return Fail(path, "a position is an array of 2 or 3 numbers");
            var (x, y) = (position[0].GetDouble(), position[1].GetDouble());
            return crs.Contains(x, y) || Fail(path, $"position [{x}, {y}] is {crs.RangeText}");
        }

        bool Fail(string path, string reason)
        {
            errors.Add(field + path, reason);
            return false;
        }
    }
}
