namespace LandRegister.Cql2;

/// <summary>
/// A node of a CQL2 filter, from either encoding. <see cref="At"/> says where it was written, for the messages of those
/// who check it: a line and column of the text, or the JSON path of the JSON.
/// </summary>
public abstract record Cql2Expression(string At);

/// <summary><c>AND</c> / <c>OR</c> of two or more conditions.</summary>
public sealed record Cql2Logical(string At, Cql2LogicalOperator Operator, IReadOnlyList<Cql2Expression> Args) : Cql2Expression(At);

public enum Cql2LogicalOperator { And, Or }

public sealed record Cql2Not(string At, Cql2Expression Arg) : Cql2Expression(At);

/// <summary>A binary comparison: <c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&gt;=</c>.</summary>
public sealed record Cql2Comparison(string At, string Operator, Cql2Expression Left, Cql2Expression Right) : Cql2Expression(At)
{
    public static readonly string[] Operators = ["=", "<>", "<", ">", "<=", ">="];
}

/// <summary><c>LIKE</c>: <c>%</c> any run of characters, <c>_</c> one, <c>\</c> escapes either.</summary>
public sealed record Cql2Like(string At, Cql2Expression Value, Cql2Expression Pattern) : Cql2Expression(At);

/// <summary><c>BETWEEN</c>, both ends included.</summary>
public sealed record Cql2Between(string At, Cql2Expression Value, Cql2Expression Low, Cql2Expression High) : Cql2Expression(At);

public sealed record Cql2In(string At, Cql2Expression Value, IReadOnlyList<Cql2Expression> List) : Cql2Expression(At);

public sealed record Cql2IsNull(string At, Cql2Expression Value) : Cql2Expression(At);

/// <summary>A spatial function (<c>S_INTERSECTS</c>, <c>S_WITHIN</c>, …) of two geometries.</summary>
public sealed record Cql2Spatial(string At, string Function, Cql2Expression Left, Cql2Expression Right) : Cql2Expression(At)
{
    /// <summary>The spatial functions of CQL2, lower case as the JSON encoding writes them.</summary>
    public static readonly string[] Functions =
        ["s_intersects", "s_equals", "s_disjoint", "s_touches", "s_within", "s_overlaps", "s_crosses", "s_contains"];
}

/// <summary>A temporal function (<c>T_INTERSECTS</c>, <c>T_BEFORE</c>, …) of two instants or intervals.</summary>
public sealed record Cql2Temporal(string At, string Function, Cql2Expression Left, Cql2Expression Right) : Cql2Expression(At)
{
    /// <summary>The temporal functions of CQL2, lower case as the JSON encoding writes them.</summary>
    public static readonly string[] Functions =
    [
        "t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby", "t_finishes", "t_intersects",
        "t_meets", "t_metby", "t_overlappedby", "t_overlaps", "t_startedby", "t_starts",
    ];
}

/// <summary><c>INTERVAL(start, end)</c>: each end an instant literal, a property, or open (<c>'..'</c>).</summary>
public sealed record Cql2Interval(string At, Cql2Expression Start, Cql2Expression End) : Cql2Expression(At);

/// <summary>The open end of an interval, <c>'..'</c>.</summary>
public sealed record Cql2Open(string At) : Cql2Literal(At);

/// <summary>A property of the items, by its name.</summary>
public sealed record Cql2Property(string At, string Name) : Cql2Expression(At);

public abstract record Cql2Literal(string At) : Cql2Expression(At);

public sealed record Cql2Text(string At, string Value) : Cql2Literal(At);

public sealed record Cql2Number(string At, double Value) : Cql2Literal(At);

public sealed record Cql2Boolean(string At, bool Value) : Cql2Literal(At);

/// <summary><c>DATE('2024-05-01')</c>.</summary>
public sealed record Cql2Date(string At, DateOnly Value) : Cql2Literal(At);

/// <summary><c>TIMESTAMP('2024-05-01T08:00:00Z')</c>, always with its offset.</summary>
public sealed record Cql2Timestamp(string At, DateTimeOffset Value) : Cql2Literal(At);

/// <summary>A geometry literal (WKT, GeoJSON or a <c>BBOX</c>), as the well-known text a database reads.</summary>
public sealed record Cql2Geometry(string At, string Wkt) : Cql2Literal(At);

/// <summary>A filter that cannot be read, with where and why.</summary>
public sealed class Cql2Exception(string at, string reason) : Exception($"{at}: {reason}")
{
    public string At { get; } = at;
    public string Reason { get; } = reason;
}
