using System.Text.Json;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Implementation;

namespace LandRegister.Api.Spatial;

/// <summary>
/// Reads client GeoJSON geometry into a NetTopologySuite geometry in the client's CRS (its SRID set), checking the
/// structure on the way, so that a bad geometry is answered with the field, the position and the reason instead of a
/// parser error. Npgsql hands the result to PostGIS as a geometry parameter.
/// </summary>
/// <remarks>
/// NetTopologySuite.IO.GeoJSON4STJ reads GeoJSON too, but it reports a bad ring or coordinate as a bare JSON error;
/// reading here keeps the path of the bad position (<c>geometry.coordinates[0][3]</c>) and the reason.
/// Coordinates are stored packed (two doubles each), not as one object per position: imports read millions.
/// </remarks>
public static class GeoJsonGeometry
{
    public const int MaxPositions = 250_000;

    static readonly string[] Polygonal = ["Polygon", "MultiPolygon"];
    static readonly string[] Simple = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"];

    static readonly NtsGeometryServices Services = new(PackedCoordinateSequenceFactory.DoubleFactory, new PrecisionModel(), 4326);

    /// <summary>The factory for geometries in <paramref name="srid"/>: packed XY coordinates, floating precision.</summary>
    public static GeometryFactory Factory(int srid) => Services.CreateGeometryFactory(srid);

    /// <summary>A Polygon or MultiPolygon, or null after adding the errors.</summary>
    public static Geometry? ReadPolygonal(JsonElement geometry, string field, InputCrs crs, FieldErrors errors) =>
        Read(geometry, field, crs, errors, Polygonal);

    /// <summary>Any simple geometry (used to select parcels that intersect it).</summary>
    public static Geometry? ReadAny(JsonElement geometry, string field, InputCrs crs, FieldErrors errors) =>
        Read(geometry, field, crs, errors, Simple);

    static Geometry? Read(JsonElement geometry, string field, InputCrs crs, FieldErrors errors, string[] allowed)
    {
        if (geometry.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, "must be a GeoJSON geometry object");
            return null;
        }
        var type = geometry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (geometry.TryGetProperty("crs", out var member) && CrsMember(member) is var named
            && (named is null || !(InputCrs.TryParse(named, out var said) && said == crs)))
        {
            // RFC 7946 dropped the member, and PostGIS still writes it: one naming the CRS the coordinates are read in
            // is accepted; any other would place them wrongly if passed over.
            errors.AddUnreadable($"{field}.crs",
                $"names {named ?? "no CRS the register reads"}, but the coordinates are read in {crs.Name}: name their CRS with the crs parameter");
            return null;
        }
        if (type == "GeometryCollection")
        {
            errors.AddUnreadable($"{field}.type", $"a GeometryCollection is not accepted here; use {string.Join(" or ", allowed)}");
            return null;
        }
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
        var reader = new Reader(field + ".coordinates", crs, errors, Factory(crs.Srid));
        return type switch
        {
            "Point" => reader.Point(coordinates, ""),
            "MultiPoint" => reader.Many(coordinates, "", 1, reader.Point, ps => reader.Factory.CreateMultiPoint(ps)),
            "LineString" => reader.LineString(coordinates, ""),
            "MultiLineString" => reader.Many(coordinates, "", 1, reader.LineString, ls => reader.Factory.CreateMultiLineString(ls)),
            "Polygon" => reader.Polygon(coordinates, ""),
            _ => reader.Many(coordinates, "", 1, reader.Polygon, ps => reader.Factory.CreateMultiPolygon(ps)),
        };
    }

    /// <summary>The name in a GeoJSON 2008 <c>crs</c> member (<c>{"type": "name", "properties": {"name": "EPSG:4549"}}</c>).</summary>
    static string? CrsMember(JsonElement member) =>
        member.ValueKind == JsonValueKind.Object && member.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
        && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;

    sealed class Reader(string field, InputCrs crs, FieldErrors errors, GeometryFactory factory)
    {
        int positions;

        public GeometryFactory Factory => factory;

        public Point? Point(JsonElement position, string path)
        {
            var sequence = factory.CoordinateSequenceFactory.Create(1, 2, 0);
            return Position(position, path, -1, sequence, 0) ? factory.CreatePoint(sequence) : null;
        }

        public LineString? LineString(JsonElement positions, string path) =>
            Positions(positions, path, 2) is { } sequence ? factory.CreateLineString(sequence) : null;

        public Polygon? Polygon(JsonElement rings, string path)
        {
            if (!IsArray(rings, path, 1)) return null;
            var linear = new LinearRing[rings.GetArrayLength()];
            var i = 0;
            foreach (var ring in rings.EnumerateArray())
            {
                var ringPath = $"{path}[{i}]";
                if (Positions(ring, ringPath, 4) is not { } sequence) return null;
                if (!sequence.GetCoordinate(0).Equals2D(sequence.GetCoordinate(sequence.Count - 1)))
                {
                    Fail(ringPath, "ring is not closed: its last position must equal its first");
                    return null;
                }
                linear[i++] = factory.CreateLinearRing(sequence);
            }
            return factory.CreatePolygon(linear[0], linear[1..]);
        }

        /// <summary>The members of a Multi* geometry, each read by <paramref name="item"/>.</summary>
        public Geometry? Many<T>(JsonElement array, string path, int minimum, Func<JsonElement, string, T?> item, Func<T[], Geometry> make) where T : Geometry
        {
            if (!IsArray(array, path, minimum)) return null;
            var parts = new T[array.GetArrayLength()];
            var i = 0;
            foreach (var element in array.EnumerateArray())
            {
                if (item(element, $"{path}[{i}]") is not { } part) return null;
                parts[i++] = part;
            }
            return make(parts);
        }

        CoordinateSequence? Positions(JsonElement array, string path, int minimum)
        {
            if (!IsArray(array, path, minimum)) return null;
            var sequence = factory.CoordinateSequenceFactory.Create(array.GetArrayLength(), 2, 0);
            var i = 0;
            foreach (var position in array.EnumerateArray())
            {
                if (!Position(position, path, i, sequence, i)) return null;
                i++;
            }
            return sequence;
        }

        bool IsArray(JsonElement array, string path, int minimum)
        {
            if (array.ValueKind != JsonValueKind.Array) return Fail(path, "must be an array");
            return array.GetArrayLength() >= minimum
                   || Fail(path, minimum == 4 ? "a ring needs at least 4 positions" : $"needs at least {minimum} element(s)");
        }

        /// <summary>
        /// Reads a position into <paramref name="slot"/> of the sequence. Its path is <paramref name="path"/> followed by
        /// <c>[index]</c> (none when <paramref name="index"/> is negative), spelled out only for an error.
        /// </summary>
        bool Position(JsonElement position, string path, int index, CoordinateSequence sequence, int slot)
        {
            string At() => index < 0 ? path : $"{path}[{index}]";
            if (++positions > MaxPositions) return Fail("", $"more than {MaxPositions} positions");
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() is < 2 or > 3)
                return Fail(At(), "a position is an array of 2 or 3 numbers");
            foreach (var n in position.EnumerateArray())
                if (n.ValueKind != JsonValueKind.Number || !double.IsFinite(n.GetDouble()))
                    return Fail(At(), "a position is an array of 2 or 3 numbers");
            var (x, y) = (position[0].GetDouble(), position[1].GetDouble());
            if (!crs.Contains(x, y)) return Fail(At(), $"position [{x}, {y}] is {crs.RangeText}");
            sequence.SetX(slot, x);
            sequence.SetY(slot, y);
            return true;
        }

        bool Fail(string path, string reason)
        {
            errors.Add(field + path, reason);
            return false;
        }
    }
}
