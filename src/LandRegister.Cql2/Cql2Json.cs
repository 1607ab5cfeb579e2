using System.Text.Json;

namespace LandRegister.Cql2;

/// <summary>
/// The JSON encoding of CQL2 (<c>filter-lang=cql2-json</c>): <c>{"op": …, "args": […]}</c>, <c>{"property": …}</c>,
/// strings, numbers, booleans, <c>{"date": …}</c>, <c>{"timestamp": …}</c>, <c>{"bbox": […]}</c> and GeoJSON geometries.
/// A node's position is its JSON path.
/// </summary>
public static class Cql2JsonReader
{
    static readonly JsonDocumentOptions Options = new() { MaxDepth = Cql2TextReader.MaxDepth };

    public static Cql2Expression Read(string json)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json, Options); }
        catch (JsonException e) { throw new Cql2Exception($"line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}", "not JSON, or nested too deep"); }
        using (document) return Node(document.RootElement, "$");
    }

    static Cql2Expression Node(JsonElement e, string at) => e.ValueKind switch
    {
        JsonValueKind.String => new Cql2Text(at, e.GetString()!),
        JsonValueKind.Number => new Cql2Number(at, e.GetDouble()),
        JsonValueKind.True or JsonValueKind.False => new Cql2Boolean(at, e.GetBoolean()),
        JsonValueKind.Object when e.TryGetProperty("op", out var op) => Operation(e, op, at),
        JsonValueKind.Object when e.TryGetProperty("property", out var name) && name.ValueKind == JsonValueKind.String => new Cql2Property(at, name.GetString()!),
        JsonValueKind.Object when e.TryGetProperty("date", out var date) && date.ValueKind == JsonValueKind.String => new Cql2Date(at, Instants.Date(at, date.GetString()!)),
        JsonValueKind.Object when e.TryGetProperty("timestamp", out var ts) && ts.ValueKind == JsonValueKind.String =>
            new Cql2Timestamp(at, Instants.Timestamp(at, ts.GetString()!)),
        JsonValueKind.Object when e.TryGetProperty("interval", out var interval) => Interval(interval, $"{at}.interval"),
        JsonValueKind.Object when e.TryGetProperty("bbox", out var box) => new Cql2Geometry(at, Wkt.Box(at, Numbers(box, $"{at}.bbox"))),
        JsonValueKind.Object when e.TryGetProperty("type", out _) => new Cql2Geometry(at, GeoJson(e, at)),
        _ => throw new Cql2Exception(at, "expected an operation, a property, a literal or a geometry"),
    };

    static Cql2Expression Operation(JsonElement e, JsonElement op, string at)
    {
        if (op.ValueKind != JsonValueKind.String) throw new Cql2Exception($"{at}.op", "the operator is a string");
        if (!e.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array) throw new Cql2Exception(at, "an operation has an args array");
        var name = op.GetString()!;
        var a = args.EnumerateArray().Select((arg, i) => (arg, at: $"{at}.args[{i}]")).ToList();
        Cql2Expression Arg(int i) => Node(a[i].arg, a[i].at);
        void Count(int n)
        {
            if (a.Count != n) throw new Cql2Exception($"{at}.args", $"'{name}' takes {n} argument{(n == 1 ? "" : "s")}");
        }
        switch (name)
        {
            case "and" or "or":
                if (a.Count < 2) throw new Cql2Exception($"{at}.args", $"'{name}' takes two arguments or more");
                return new Cql2Logical(at, name == "and" ? Cql2LogicalOperator.And : Cql2LogicalOperator.Or, a.Select(x => Node(x.arg, x.at)).ToList());
            case "not": Count(1); return new Cql2Not(at, Arg(0));
            case "=" or "<>" or "<" or ">" or "<=" or ">=": Count(2); return new Cql2Comparison(at, name, Arg(0), Arg(1));
            case "like": Count(2); return new Cql2Like(at, Arg(0), Arg(1));
            case "between": Count(3); return new Cql2Between(at, Arg(0), Arg(1), Arg(2));
            case "isNull": Count(1); return new Cql2IsNull(at, Arg(0));
            case "in":
                Count(2);
                if (a[1].arg.ValueKind != JsonValueKind.Array) throw new Cql2Exception(a[1].at, "'in' takes a value and an array of values");
                return new Cql2In(at, Arg(0), a[1].arg.EnumerateArray().Select((x, i) => Node(x, $"{a[1].at}[{i}]")).ToList());
            case var f when Cql2Spatial.Functions.Contains(f): Count(2); return new Cql2Spatial(at, f, Arg(0), Arg(1));
            case var f when Cql2Temporal.Functions.Contains(f): Count(2); return new Cql2Temporal(at, f, Arg(0), Arg(1));
            default:
                throw new Cql2Exception($"{at}.op", $"unknown operator '{name}'; the register reads and, or, not, =, <>, <, >, <=, >=, like, between, in, isNull, {string.Join(", ", Cql2Spatial.Functions)} and {string.Join(", ", Cql2Temporal.Functions)}");
        }
    }

    /// <summary><c>{"interval": [start, end]}</c>: each a date or timestamp string, <c>".."</c>, or a property.</summary>
    static Cql2Interval Interval(JsonElement e, string at)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 2) throw new Cql2Exception(at, "an interval is an array of its start and its end");
        Cql2Expression End(JsonElement end, string where) => end.ValueKind switch
        {
            JsonValueKind.String => Instants.Parse(where, end.GetString()!),
            JsonValueKind.Object when end.TryGetProperty("property", out var name) && name.ValueKind == JsonValueKind.String => new Cql2Property(where, name.GetString()!),
            _ => throw new Cql2Exception(where, "an interval's end is a date, a timestamp, \"..\" or a property"),
        };
        return new Cql2Interval(at, End(e[0], $"{at}[0]"), End(e[1], $"{at}[1]"));
    }

    static double[] Numbers(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(n => n.ValueKind == JsonValueKind.Number)
            ? e.EnumerateArray().Select(n => n.GetDouble()).ToArray()
            : throw new Cql2Exception(at, "expected an array of numbers");

    static IReadOnlyList<double>[] Positions(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select((p, i) => (IReadOnlyList<double>)Numbers(p, $"{at}[{i}]")).ToArray()
            : throw new Cql2Exception(at, "expected an array of positions");

    static IReadOnlyList<IReadOnlyList<double>>[] Lines(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Select((l, i) => (IReadOnlyList<IReadOnlyList<double>>)Positions(l, $"{at}[{i}]")).ToArray()
            : throw new Cql2Exception(at, "expected an array of lines");

    /// <summary>A GeoJSON geometry object as well-known text.</summary>
    static string GeoJson(JsonElement e, string at)
    {
        var type = e.GetProperty("type").ValueKind == JsonValueKind.String ? e.GetProperty("type").GetString() : null;
        if (type == "GeometryCollection")
        {
            if (!e.TryGetProperty("geometries", out var members) || members.ValueKind != JsonValueKind.Array)
                throw new Cql2Exception(at, "a GeometryCollection has a geometries array");
            return Wkt.Collection(members.EnumerateArray().Select((g, i) => g.ValueKind == JsonValueKind.Object && g.TryGetProperty("type", out _)
                ? GeoJson(g, $"{at}.geometries[{i}]") : throw new Cql2Exception($"{at}.geometries[{i}]", "expected a GeoJSON geometry")).ToList());
        }
        if (!e.TryGetProperty("coordinates", out var c)) throw new Cql2Exception(at, "a GeoJSON geometry has coordinates");
        var where = $"{at}.coordinates";
        return type switch
        {
            "Point" => Wkt.Point(where, Numbers(c, where)),
            "LineString" => Wkt.LineString(where, Positions(c, where)),
            "Polygon" => Wkt.Polygon(where, Lines(c, where)),
            "MultiPoint" => Wkt.MultiPoint(where, Positions(c, where)),
            "MultiLineString" => Wkt.MultiLineString(where, Lines(c, where)),
            "MultiPolygon" => Wkt.MultiPolygon(where, c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Select((p, i) => (IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>)Lines(p, $"{where}[{i}]")).ToArray()
                : throw new Cql2Exception(where, "expected an array of polygons")),
            _ => throw new Cql2Exception($"{at}.type", $"unknown geometry type '{type}'"),
        };
    }
}
