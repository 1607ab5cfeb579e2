using System.Globalization;

namespace LandRegister.Cql2;

/// <summary>
/// Geometry literals of either encoding checked and written as well-known text, in two dimensions (a Z given is dropped:
/// CQL2's spatial functions compare shapes on the plane). A ring must close and hold four positions, a line two.
/// </summary>
static class Wkt
{
    public static string Position(string at, IReadOnlyList<double> p)
    {
        if (p.Count is < 2 or > 3) throw new Cql2Exception(at, "a position has two coordinates (or three)");
        if (p.Any(v => !double.IsFinite(v))) throw new Cql2Exception(at, "a coordinate must be a finite number");
        return $"{Number(p[0])} {Number(p[1])}";
    }

    static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    static string Positions(string at, IReadOnlyList<IReadOnlyList<double>> line) => $"({string.Join(",", line.Select(p => Position(at, p)))})";

    public static string Point(string at, IReadOnlyList<double> p) => $"POINT({Position(at, p)})";

    public static string Line(string at, IReadOnlyList<IReadOnlyList<double>> line) =>
        line.Count < 2 ? throw new Cql2Exception(at, "a line string has two positions or more") : Positions(at, line);

    public static string Rings(string at, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> rings)
    {
        if (rings.Count == 0) throw new Cql2Exception(at, "a polygon has an outer ring");
        foreach (var ring in rings)
        {
            if (ring.Count < 4) throw new Cql2Exception(at, "a polygon's ring has four positions or more");
            if (!ring[0].Take(2).SequenceEqual(ring[^1].Take(2))) throw new Cql2Exception(at, "a polygon's ring must end where it starts");
        }
        return $"({string.Join(",", rings.Select(r => Positions(at, r)))})";
    }

    public static string LineString(string at, IReadOnlyList<IReadOnlyList<double>> line) => "LINESTRING" + Line(at, line);

    public static string Polygon(string at, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> rings) => "POLYGON" + Rings(at, rings);

    public static string MultiPoint(string at, IReadOnlyList<IReadOnlyList<double>> points) =>
        $"MULTIPOINT({string.Join(",", points.Select(p => $"({Position(at, p)})"))})";

    public static string MultiLineString(string at, IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>> lines) =>
        $"MULTILINESTRING({string.Join(",", lines.Select(l => Line(at, l)))})";

    public static string MultiPolygon(string at, IReadOnlyList<IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>> polygons) =>
        $"MULTIPOLYGON({string.Join(",", polygons.Select(p => Rings(at, p)))})";

    public static string Collection(IReadOnlyList<string> members) => $"GEOMETRYCOLLECTION({string.Join(",", members)})";

    /// <summary>
    /// A <c>BBOX</c> (four numbers, or six with heights: the lower corner then the upper one, in the axes' order) as the
    /// polygon it bounds.
    /// </summary>
    public static string Box(string at, IReadOnlyList<double> v)
    {
        if (v.Count is not (4 or 6)) throw new Cql2Exception(at, "a bbox has four numbers (or six)");
        var (x1, y1, x2, y2) = v.Count == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], v[3], v[4]);
        if (x1 > x2 || y1 > y2) throw new Cql2Exception(at, "a bbox's lower corner must not be above or beyond its upper one");
        return Polygon(at, [[[x1, y1], [x2, y1], [x2, y2], [x1, y2], [x1, y1]]]);
    }
}
