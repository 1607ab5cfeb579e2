using System.Globalization;
using LandRegister.Cql2;

namespace LandRegister.Api.Ogc;

/// <summary>
/// A CQL2 filter (<c>filter</c>, <c>filter-lang</c>, <c>filter-crs</c>) compiled to a SQL condition over a collection's
/// queryables. The SQL text is made only of the queryables' fixed fragments, operators from a closed list and
/// parameter names; every literal is a parameter. Types are checked, so a comparison never makes PostgreSQL cast a
/// column (and lose its index) or fail at run time: a mismatch is a 400 naming the place in the filter.
/// </summary>
public sealed class OgcFilter
{
    public const string TextLanguage = "cql2-text", JsonLanguage = "cql2-json";

    readonly IReadOnlyDictionary<string, OgcQueryable> queryables;
    readonly int? srid;
    readonly Dictionary<string, object?> values = [];

    OgcFilter(IReadOnlyDictionary<string, OgcQueryable> queryables, int? srid) => (this.queryables, this.srid) = (queryables, srid);

    /// <summary>The condition's SQL.</summary>
    public string Sql { get; private set; } = "true";

    /// <summary>Its parameters, by name.</summary>
    public IReadOnlyDictionary<string, object?> Values => values;

    public void Bind(DynamicParameters args)
    {
        foreach (var (name, value) in values) args.Add(name, value);
    }

    /// <summary>Reads <paramref name="filter"/> in <paramref name="language"/> (cql2-text unless named); a 400 says where it cannot be read.</summary>
    public static Cql2Expression Read(string filter, string? language)
    {
        try
        {
            return (language ?? TextLanguage) switch
            {
                TextLanguage => Cql2TextReader.Read(filter),
                JsonLanguage => Cql2JsonReader.Read(filter),
                _ => throw Unknown("filter-lang", $"unknown filter language '{language}'", [TextLanguage, JsonLanguage]),
            };
        }
        catch (Cql2Exception e) { throw Problems.BadRequest("filter", $"at {e.At}: {e.Reason}"); }
    }

    /// <summary>
    /// <paramref name="expression"/> over the queryables <paramref name="visible"/> to the caller; literal geometries are in
    /// <paramref name="srid"/> (EPSG's axis order), or CRS84 when null.
    /// </summary>
    public static OgcFilter Compile(Cql2Expression expression, IReadOnlyDictionary<string, OgcQueryable> visible, int? srid)
    {
        var compiled = new OgcFilter(visible, srid);
        compiled.Sql = compiled.Condition(expression);
        return compiled;
    }

    static ProblemException Unknown(string field, string reason, IEnumerable<string> allowed)
    {
        var errors = new FieldErrors();
        errors.AddUnknown(field, reason, allowed);
        return errors.ToProblem();
    }

    static ProblemException Refused(Cql2Expression at, string reason) => Problems.BadRequest("filter", $"at {at.At}: {reason}");

    string Condition(Cql2Expression e) => e switch
    {
        Cql2Logical l => $"({string.Join(l.Operator == Cql2LogicalOperator.And ? " AND " : " OR ", l.Args.Select(Condition))})",
        Cql2Not n => $"(NOT {Condition(n.Arg)})",
        Cql2Boolean b => b.Value ? "true" : "false",
        Cql2Comparison c => Compare(c),
        Cql2Like l => $"({Value(l.Value, Expect(l.Value, QueryableType.Text, "LIKE"))} LIKE {Value(l.Pattern, Expect(l.Pattern, QueryableType.Text, "LIKE"))})",
        Cql2Between b => Between(b),
        Cql2In i => In(i),
        Cql2IsNull n => $"({Value(n.Value, TypeOf(n.Value))} IS NULL)",
        Cql2Spatial s => $"{SpatialFunctions[s.Function]}({Geometry(s.Left)}, {Geometry(s.Right)})",
        Cql2Temporal t => Temporal(t),
        Cql2Property p when TypeOf(p) == QueryableType.Boolean => Value(p, QueryableType.Boolean),
        _ => throw Refused(e, "a value is not a condition; compare it (=, <>, <, >, <=, >=, LIKE, BETWEEN, IN, IS NULL)"),
    };

    static readonly Dictionary<string, string> SpatialFunctions = new()
    {
        ["s_intersects"] = "ST_Intersects", ["s_equals"] = "ST_Equals", ["s_disjoint"] = "ST_Disjoint", ["s_touches"] = "ST_Touches",
        ["s_within"] = "ST_Within", ["s_overlaps"] = "ST_Overlaps", ["s_crosses"] = "ST_Crosses", ["s_contains"] = "ST_Contains",
    };

    /// <summary>
    /// Allen's relations as CQL2 defines them, between a left ({0}, {1}) and a right ({2}, {3}) interval, start then end;
    /// an instant is an interval of no length.
    /// </summary>
    static readonly Dictionary<string, string> TemporalRelations = new()
    {
        ["t_after"] = "{0} > {3}", ["t_before"] = "{1} < {2}", ["t_contains"] = "{0} < {2} AND {1} > {3}", ["t_disjoint"] = "({0} > {3} OR {1} < {2})",
        ["t_during"] = "{0} > {2} AND {1} < {3}", ["t_equals"] = "{0} = {2} AND {1} = {3}", ["t_finishedby"] = "{0} < {2} AND {1} = {3}",
        ["t_finishes"] = "{0} > {2} AND {1} = {3}", ["t_intersects"] = "{0} <= {3} AND {1} >= {2}", ["t_meets"] = "{1} = {2}", ["t_metby"] = "{0} = {3}",
        ["t_overlappedby"] = "{0} > {2} AND {0} < {3} AND {1} > {3}", ["t_overlaps"] = "{0} < {2} AND {1} > {2} AND {1} < {3}",
        ["t_startedby"] = "{0} = {2} AND {1} > {3}", ["t_starts"] = "{0} = {2} AND {1} < {3}",
    };

    string Temporal(Cql2Temporal t)
    {
        var (a1, a2) = Bounds(t.Left);
        var (b1, b2) = Bounds(t.Right);
        return "(" + string.Format(CultureInfo.InvariantCulture, TemporalRelations[t.Function], a1, a2, b1, b2) + ")";
    }

    /// <summary>
    /// The start and end (timestamptz) of a temporal operand: an instant's are itself; an interval's a missing end
    /// (<c>'..'</c>, or a property without a value, as a parcel not retired) is open. A day is its first instant, in UTC.
    /// </summary>
    (string Start, string End) Bounds(Cql2Expression e)
    {
        switch (e)
        {
            case Cql2Interval i: return (End(i.Start, "-infinity"), End(i.End, "infinity"));
            case Cql2Property or Cql2Date or Cql2Timestamp: var instant = Instant(e); return (instant, instant);
            default: throw Refused(e, "the temporal functions compare instants and intervals: a date or timestamp property, DATE(…), TIMESTAMP(…) or INTERVAL(…)");
        }
    }

    string End(Cql2Expression e, string open) => e switch
    {
        Cql2Open => $"'{open}'::timestamptz",
        Cql2Property => $"COALESCE({Instant(e)}, '{open}'::timestamptz)",
        _ => Instant(e),
    };

    string Instant(Cql2Expression e)
    {
        if (e is Cql2Property p)
        {
            var q = Property(p);
            return q.Type switch
            {
                QueryableType.Timestamp => q.Sql,
                QueryableType.Date => $"({q.Sql}::timestamp AT TIME ZONE 'UTC')",
                _ => throw Refused(e, $"'{p.Name}' is {Article(q.Type)}; the temporal functions compare dates and timestamps"),
            };
        }
        var name = $"cql{values.Count.ToString(CultureInfo.InvariantCulture)}";
        values[name] = e switch
        {
            Cql2Date d => d.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            Cql2Timestamp t => t.Value.UtcDateTime,
            _ => throw Refused(e, "an instant is a date or timestamp property, DATE(…) or TIMESTAMP(…)"),
        };
        return $"@{name}::timestamptz";
    }

    string Compare(Cql2Comparison c)
    {
        var type = Common(c, c.Left, c.Right);
        if (type == QueryableType.Geometry) throw Refused(c, "geometries are compared with the spatial functions (S_INTERSECTS, S_EQUALS, …)");
        if (type == QueryableType.Boolean && c.Operator is not ("=" or "<>")) throw Refused(c, "booleans are compared with = and <> only");
        return $"({Value(c.Left, type)} {c.Operator} {Value(c.Right, type)})";
    }

    string Between(Cql2Between b)
    {
        var type = Common(b, b.Value, b.Low);
        Common(b, b.Value, b.High);
        if (type is QueryableType.Boolean or QueryableType.Geometry) throw Refused(b, "BETWEEN takes numbers, texts, dates or timestamps");
        return $"({Value(b.Value, type)} BETWEEN {Value(b.Low, type)} AND {Value(b.High, type)})";
    }

    string In(Cql2In i)
    {
        if (i.List.Count == 0) throw Refused(i, "IN takes one value or more");
        var type = TypeOf(i.Value) ?? i.List.Select(TypeOf).FirstOrDefault(t => t is not null) ?? LiteralType(i.Value);
        foreach (var item in i.List) Common(i, i.Value, item);
        if (type == QueryableType.Geometry) throw Refused(i, "geometries are compared with the spatial functions");
        return $"({Value(i.Value, type)} IN ({string.Join(", ", i.List.Select(item => Value(item, type)))}))";
    }

    /// <summary>The type two operands share, a property's deciding a literal's; else a 400 saying what each is.</summary>
    QueryableType Common(Cql2Expression at, Cql2Expression left, Cql2Expression right)
    {
        var (l, r) = (TypeOf(left) ?? LiteralType(left), TypeOf(right) ?? LiteralType(right));
        if (Numeric(l) && Numeric(r)) return l == QueryableType.Integer && r == QueryableType.Integer ? l : QueryableType.Number;
        if (l == r) return l;
        throw Refused(at, $"{Describe(left)} is {Article(l)} and {Describe(right)} is {Article(r)}: they cannot be compared");
    }

    static bool Numeric(QueryableType t) => t is QueryableType.Integer or QueryableType.Number;

    static string Article(QueryableType t) => t switch
    {
        QueryableType.Text => "a text", QueryableType.Integer => "an integer", QueryableType.Number => "a number", QueryableType.Boolean => "a boolean",
        QueryableType.Date => "a date", QueryableType.Timestamp => "a timestamp", _ => "a geometry",
    };

    static string Describe(Cql2Expression e) => e is Cql2Property p ? $"'{p.Name}'" : $"the literal at {e.At}";

    QueryableType Expect(Cql2Expression e, QueryableType type, string what)
    {
        var actual = TypeOf(e) ?? LiteralType(e);
        return actual == type ? type : throw Refused(e, $"{what} takes {Article(type)}; {Describe(e)} is {Article(actual)}");
    }

    /// <summary>A property's type (null for a literal); a property the caller may not see is unknown.</summary>
    QueryableType? TypeOf(Cql2Expression e) => e is Cql2Property p ? Property(p).Type : null;

    OgcQueryable Property(Cql2Property p) =>
        queryables.TryGetValue(p.Name, out var q) ? q
            : throw Unknown("filter", $"at {p.At}: '{p.Name}' is no queryable of this collection for this key", queryables.Keys.Order(StringComparer.Ordinal));

    static QueryableType LiteralType(Cql2Expression e) => e switch
    {
        Cql2Text => QueryableType.Text, Cql2Number => QueryableType.Number, Cql2Boolean => QueryableType.Boolean, Cql2Date => QueryableType.Date,
        Cql2Timestamp => QueryableType.Timestamp, Cql2Geometry => QueryableType.Geometry,
        Cql2Interval or Cql2Open => throw Refused(e, "an interval is compared with the temporal functions (T_INTERSECTS, T_DURING, …)"),
        _ => throw Refused(e, "a condition is not a value"),
    };

    /// <summary>The SQL of an operand compared as <paramref name="type"/>: a property's fragment, or a parameter typed to match it.</summary>
    string Value(Cql2Expression e, QueryableType? type)
    {
        if (e is Cql2Property p) return Property(p).Sql;
        var name = $"cql{values.Count.ToString(CultureInfo.InvariantCulture)}";
        switch (e)
        {
            case Cql2Number n when type == QueryableType.Integer && n.Value == Math.Floor(n.Value) && Math.Abs(n.Value) < 9e15:
                values[name] = (long)n.Value; return $"@{name}";
            case Cql2Number n: values[name] = n.Value; return $"@{name}::float8";
            case Cql2Text t: values[name] = t.Value; return $"@{name}::text";
            case Cql2Boolean b: values[name] = b.Value; return $"@{name}::boolean";
            case Cql2Date d: values[name] = d.Value.ToDateTime(TimeOnly.MinValue); return $"@{name}::date";
            case Cql2Timestamp t: values[name] = t.Value.UtcDateTime; return $"@{name}::timestamptz";
            case Cql2Geometry g: return Geometry(g);
            default: throw Refused(e, "a condition is not a value");
        }
    }

    /// <summary>
    /// A geometry operand: a geometry property, or a literal read in the filter's CRS (flipped from EPSG's axis order,
    /// latitude or northing first, when that is not CRS84) and brought to the register's.
    /// </summary>
    string Geometry(Cql2Expression e)
    {
        if (e is Cql2Property p)
        {
            var q = Property(p);
            return q.Type == QueryableType.Geometry ? q.Sql : throw Refused(e, $"'{p.Name}' is no geometry; the spatial functions compare geometries");
        }
        if (e is not Cql2Geometry g) throw Refused(e, "the spatial functions compare geometries: a geometry property, WKT, GeoJSON or a BBOX");
        var name = $"cql{values.Count.ToString(CultureInfo.InvariantCulture)}";
        values[name] = g.Wkt;
        return srid is { } epsg
            ? $"ST_Transform(ST_FlipCoordinates(ST_GeomFromText(@{name}::text, {epsg.ToString(CultureInfo.InvariantCulture)})), 4326)"
            : $"ST_GeomFromText(@{name}::text, 4326)";
    }
}
