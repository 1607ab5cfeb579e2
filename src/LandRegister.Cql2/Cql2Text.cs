using System.Globalization;
using Superpower;
using Superpower.Display;
using Superpower.Model;
using Superpower.Parsers;
using Superpower.Tokenizers;

namespace LandRegister.Cql2;

enum Cql2Token
{
    [Token(Example = "(")] Open,
    [Token(Example = ")")] Close,
    [Token(Example = ",")] Comma,
    [Token(Example = "=")] Equal,
    [Token(Example = "<>")] NotEqual,
    [Token(Example = "<")] Less,
    [Token(Example = "<=")] LessOrEqual,
    [Token(Example = ">")] Greater,
    [Token(Example = ">=")] GreaterOrEqual,
    [Token(Description = "character literal")] String,
    [Token(Description = "number")] Number,
    [Token(Description = "name")] Identifier,
    [Token(Description = "quoted name")] QuotedIdentifier,
}

/// <summary>
/// The text encoding of CQL2 (<c>filter-lang=cql2-text</c>), following the standard's BNF for the classes the register
/// declares: Basic CQL2 (comparisons, <c>AND</c>/<c>OR</c>/<c>NOT</c>, <c>IS NULL</c>, character, numeric, boolean, date
/// and timestamp literals), the advanced comparison operators (<c>LIKE</c>, <c>BETWEEN</c>, <c>IN</c>), the spatial
/// functions on WKT and <c>BBOX</c> literals, and the temporal functions on instants and <c>INTERVAL</c>s. Keywords are case-insensitive; a name that is a keyword is written in
/// double quotes.
/// </summary>
public static class Cql2TextReader
{
    /// <summary>How deep parentheses and <c>NOT</c>s may nest, and how many tokens a filter may have: a hostile filter meets a 400, not a stack overflow.</summary>
    public const int MaxDepth = 64, MaxTokens = 20_000;

    static readonly Tokenizer<Cql2Token> Tokenizer = new TokenizerBuilder<Cql2Token>()
        .Ignore(Span.WhiteSpace)
        .Match(Character.EqualTo('('), Cql2Token.Open)
        .Match(Character.EqualTo(')'), Cql2Token.Close)
        .Match(Character.EqualTo(','), Cql2Token.Comma)
        .Match(Span.EqualTo("<>"), Cql2Token.NotEqual)
        .Match(Span.EqualTo("<="), Cql2Token.LessOrEqual)
        .Match(Span.EqualTo(">="), Cql2Token.GreaterOrEqual)
        .Match(Character.EqualTo('<'), Cql2Token.Less)
        .Match(Character.EqualTo('>'), Cql2Token.Greater)
        .Match(Character.EqualTo('='), Cql2Token.Equal)
        .Match(QuotedString.SqlStyle, Cql2Token.String)
        .Match(Span.Regex(@"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"), Cql2Token.Number)
        .Match(Span.Regex("\"[^\"]+\""), Cql2Token.QuotedIdentifier)
        .Match(Span.Regex(@"[\p{L}_:][\p{L}\p{N}_:.]*"), Cql2Token.Identifier)
        .Build();

    static readonly HashSet<string> Reserved = new(
    [
        "AND", "OR", "NOT", "LIKE", "BETWEEN", "IN", "IS", "NULL", "TRUE", "FALSE", "DATE", "TIMESTAMP", "INTERVAL", "CASEI", "ACCENTI",
        "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION", "BBOX",
        .. Cql2Spatial.Functions, .. Cql2Temporal.Functions,
    ], StringComparer.OrdinalIgnoreCase);

    static string Where(Position p) => $"line {p.Line}, column {p.Column}";

    static string Where(Token<Cql2Token> t) => Where(t.Position);

    /// <summary>Where the next token starts: the position a node built from it reports.</summary>
    static readonly TokenListParser<Cql2Token, string> Here = input =>
    {
        var next = input.ConsumeToken();
        return TokenListParserResult.Value(next.HasValue ? Where(next.Value) : "the end of the filter", input, input);
    };

    static TokenListParser<Cql2Token, Token<Cql2Token>> Keyword(string word) => Token.EqualToValueIgnoreCase(Cql2Token.Identifier, word);

    static readonly TokenListParser<Cql2Token, Token<Cql2Token>> Open = Token.EqualTo(Cql2Token.Open), Close = Token.EqualTo(Cql2Token.Close),
        Comma = Token.EqualTo(Cql2Token.Comma);

    static TokenListParser<Cql2Token, T> InParentheses<T>(TokenListParser<Cql2Token, T> inner) =>
        from _ in Open from value in inner from __ in Close select value;

    static TokenListParser<Cql2Token, T[]> ListOf<T>(TokenListParser<Cql2Token, T> item) =>
        InParentheses(item.AtLeastOnceDelimitedBy(Comma));

    // Literals

    static readonly TokenListParser<Cql2Token, string> CharacterLiteral =
        Token.EqualTo(Cql2Token.String).Select(t => t.ToStringValue()[1..^1].Replace("''", "'", StringComparison.Ordinal));

    static readonly TokenListParser<Cql2Token, double> Coordinate =
        Token.EqualTo(Cql2Token.Number).Select(t => double.Parse(t.ToStringValue(), NumberStyles.Float, CultureInfo.InvariantCulture));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Text =
        from at in Here from value in CharacterLiteral select (Cql2Expression)new Cql2Text(at, value);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Number =
        from at in Here from value in Coordinate select (Cql2Expression)new Cql2Number(at, value);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Boolean =
        Keyword("TRUE").Or(Keyword("FALSE")).Select(t => (Cql2Expression)new Cql2Boolean(Where(t), t.ToStringValue().Equals("TRUE", StringComparison.OrdinalIgnoreCase)));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Date =
        from keyword in Keyword("DATE") from at in Here from value in InParentheses(CharacterLiteral)
        select (Cql2Expression)new Cql2Date(Where(keyword), Instants.Date(at, value));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Timestamp =
        from keyword in Keyword("TIMESTAMP") from at in Here from value in InParentheses(CharacterLiteral)
        select (Cql2Expression)new Cql2Timestamp(Where(keyword), Instants.Timestamp(at, value));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Property =
        Token.EqualTo(Cql2Token.Identifier).Where(t => !Reserved.Contains(t.ToStringValue()), "a name that is no keyword")
            .Select(t => (Cql2Expression)new Cql2Property(Where(t), t.ToStringValue()))
            .Or(Token.EqualTo(Cql2Token.QuotedIdentifier).Select(t => (Cql2Expression)new Cql2Property(Where(t), t.ToStringValue()[1..^1])));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Scalar = Text.Or(Number).Or(Boolean).Or(Date).Or(Timestamp).Or(Property);

    // Geometry literals (well-known text, and BBOX)

    static readonly TokenListParser<Cql2Token, double[]> Position = Coordinate.AtLeastOnce();
    static readonly TokenListParser<Cql2Token, IReadOnlyList<double>[]> Positions = ListOf(Position.Select(p => (IReadOnlyList<double>)p));
    static readonly TokenListParser<Cql2Token, IReadOnlyList<IReadOnlyList<double>>[]> Lines = ListOf(Positions.Select(p => (IReadOnlyList<IReadOnlyList<double>>)p));

    /// <summary>A geometry tagged by its keyword (with an optional <c>Z</c>), its body read by <paramref name="body"/>.</summary>
    static TokenListParser<Cql2Token, Cql2Expression> Tagged(string keyword, Func<string, TokenListParser<Cql2Token, string>> body) =>
        from tag in Keyword(keyword) from _ in Keyword("Z").OptionalOrDefault() from wkt in body(Where(tag))
        select (Cql2Expression)new Cql2Geometry(Where(tag), wkt);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Geometry =
        Tagged("POINT", at => InParentheses(Position).Select(p => Wkt.Point(at, p)))
            .Or(Tagged("LINESTRING", at => Positions.Select(p => Wkt.LineString(at, p))))
            .Or(Tagged("POLYGON", at => Lines.Select(r => Wkt.Polygon(at, r))))
            .Or(Tagged("MULTIPOINT", at => ListOf(InParentheses(Position).Try().Or(Position)).Select(p => Wkt.MultiPoint(at, p))))
            .Or(Tagged("MULTILINESTRING", at => Lines.Select(l => Wkt.MultiLineString(at, l))))
            .Or(Tagged("MULTIPOLYGON", at => ListOf(Lines.Select(r => (IReadOnlyList<IReadOnlyList<IReadOnlyList<double>>>)r)).Select(p => Wkt.MultiPolygon(at, p))))
            .Or(Tagged("GEOMETRYCOLLECTION", _ => ListOf(Parse.Ref(() => Geometry!)).Select(m => Wkt.Collection(m.Select(g => ((Cql2Geometry)g).Wkt).ToList()))))
            .Or(from tag in Keyword("BBOX") from v in ListOf(Coordinate) select (Cql2Expression)new Cql2Geometry(Where(tag), Wkt.Box(Where(tag), v)));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Spatial =
        from function in Token.EqualTo(Cql2Token.Identifier).Where(t => Cql2Spatial.Functions.Contains(t.ToStringValue().ToLowerInvariant()), "a spatial function")
        from _ in Open
        from left in Geometry.Or(Property)
        from __ in Comma
        from right in Geometry.Or(Property)
        from ___ in Close
        select (Cql2Expression)new Cql2Spatial(Where(function), function.ToStringValue().ToLowerInvariant(), left, right);

    // Temporal functions, on instants and intervals

    /// <summary>An end of an interval: a quoted date or timestamp, <c>'..'</c> for an open end, or a property.</summary>
    static readonly TokenListParser<Cql2Token, Cql2Expression> IntervalEnd =
        (from at in Here from text in CharacterLiteral select Instants.Parse(at, text)).Or(Property);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Interval =
        from keyword in Keyword("INTERVAL") from _ in Open from start in IntervalEnd from __ in Comma from end in IntervalEnd from ___ in Close
        select (Cql2Expression)new Cql2Interval(Where(keyword), start, end);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Temporal =
        from function in Token.EqualTo(Cql2Token.Identifier).Where(t => Cql2Temporal.Functions.Contains(t.ToStringValue().ToLowerInvariant()), "a temporal function")
        from _ in Open
        from left in Interval.Or(Date).Or(Timestamp).Or(Property)
        from __ in Comma
        from right in Interval.Or(Date).Or(Timestamp).Or(Property)
        from ___ in Close
        select (Cql2Expression)new Cql2Temporal(Where(function), function.ToStringValue().ToLowerInvariant(), left, right);

    // Predicates: a scalar followed by what is said of it

    delegate Cql2Expression Tail(string at, Cql2Expression value);

    static readonly TokenListParser<Cql2Token, string> ComparisonOperator =
        Token.EqualTo(Cql2Token.Equal).Or(Token.EqualTo(Cql2Token.NotEqual)).Or(Token.EqualTo(Cql2Token.LessOrEqual))
            .Or(Token.EqualTo(Cql2Token.GreaterOrEqual)).Or(Token.EqualTo(Cql2Token.Less)).Or(Token.EqualTo(Cql2Token.Greater)).Select(t => t.ToStringValue());

    static Cql2Expression Negated(bool not, string at, Cql2Expression e) => not ? new Cql2Not(at, e) : e;

    static readonly TokenListParser<Cql2Token, Tail> Tails =
        (from op in ComparisonOperator from right in Scalar select (Tail)((at, left) => new Cql2Comparison(at, op, left, right)))
        .Or(from _ in Keyword("IS") from not in Keyword("NOT").Value(true).OptionalOrDefault() from __ in Keyword("NULL")
            select (Tail)((at, value) => Negated(not, at, new Cql2IsNull(at, value))))
        .Or(from not in Keyword("NOT").Value(true).OptionalOrDefault()
            from tail in
                (from _ in Keyword("LIKE") from pattern in Scalar select (Tail)((at, value) => new Cql2Like(at, value, pattern)))
                .Or(from _ in Keyword("BETWEEN") from low in Scalar from __ in Keyword("AND") from high in Scalar
                    select (Tail)((at, value) => new Cql2Between(at, value, low, high)))
                .Or(from _ in Keyword("IN") from list in ListOf(Scalar) select (Tail)((at, value) => new Cql2In(at, value, list)))
            select (Tail)((at, value) => Negated(not, at, tail(at, value))));

    /// <summary>A predicate, or a lone boolean literal (<c>TRUE</c> is a filter that keeps everything).</summary>
    static readonly TokenListParser<Cql2Token, Cql2Expression> Predicate =
        from at in Here
        from value in Scalar
        from tail in value is Cql2Boolean ? Tails.Select(t => (Tail?)t).OptionalOrDefault() : Tails.Select(t => (Tail?)t)
        select tail is null ? value : tail(at, value);

    // Boolean expressions

    static readonly TokenListParser<Cql2Token, Cql2Expression> Primary =
        InParentheses(Parse.Ref(() => Expression!)).Or(Spatial).Or(Temporal).Or(Predicate);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Factor =
        (from not in Keyword("NOT") from arg in Parse.Ref(() => Factor!) select (Cql2Expression)new Cql2Not(Where(not), arg)).Or(Primary);

    static TokenListParser<Cql2Token, Cql2Expression> Joined(string keyword, Cql2LogicalOperator op, TokenListParser<Cql2Token, Cql2Expression> operand) =>
        Parse.Chain(Keyword(keyword), operand, (_, left, right) =>
            left is Cql2Logical l && l.Operator == op ? l with { Args = [.. l.Args, right] } : new Cql2Logical(left.At, op, [left, right]));

    static readonly TokenListParser<Cql2Token, Cql2Expression> Term = Joined("AND", Cql2LogicalOperator.And, Factor);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Expression = Joined("OR", Cql2LogicalOperator.Or, Term);

    static readonly TokenListParser<Cql2Token, Cql2Expression> Filter = Expression.AtEnd();

    /// <summary>The filter in <paramref name="text"/>, or a <see cref="Cql2Exception"/> saying where and why it cannot be read.</summary>
    public static Cql2Expression Read(string text)
    {
        var tokens = Tokenizer.TryTokenize(text);
        if (!tokens.HasValue) throw new Cql2Exception(Where(tokens.ErrorPosition), tokens.FormatErrorMessageFragment());
        CheckSize(tokens.Value);
        var result = Filter.TryParse(tokens.Value);
        if (!result.HasValue)
            throw new Cql2Exception(result.ErrorPosition.HasValue ? Where(result.ErrorPosition) : "the end of the filter", result.FormatErrorMessageFragment());
        return result.Value;
    }

    static void CheckSize(TokenList<Cql2Token> tokens)
    {
        int count = 0, depth = 0, nots = 0;
        foreach (var token in tokens)
        {
            if (++count > MaxTokens) throw new Cql2Exception(Where(token), $"a filter has at most {MaxTokens} tokens");
            depth += token.Kind switch { Cql2Token.Open => 1, Cql2Token.Close => -1, _ => 0 };
            nots = token.Kind == Cql2Token.Identifier && token.ToStringValue().Equals("NOT", StringComparison.OrdinalIgnoreCase) ? nots + 1 : 0;
            if (depth > MaxDepth || nots > MaxDepth) throw new Cql2Exception(Where(token), $"a filter nests at most {MaxDepth} deep");
        }
    }
}

/// <summary>The instants of CQL2: a date is <c>YYYY-MM-DD</c>; a timestamp is RFC 3339 with its offset (<c>Z</c> or ±hh:mm).</summary>
static class Instants
{
    /// <summary>An end of an interval as written in a string: <c>..</c> (open), a date, or a timestamp.</summary>
    public static Cql2Expression Parse(string at, string text) =>
        text == ".." ? new Cql2Open(at) : text.Length == 10 ? new Cql2Date(at, Date(at, text)) : new Cql2Timestamp(at, Timestamp(at, text));

    public static DateOnly Date(string at, string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : throw new Cql2Exception(at, $"'{text}' is not a date (YYYY-MM-DD)");

    public static DateTimeOffset Timestamp(string at, string text) =>
        text.Length > 10 && (text[^1] is 'Z' or 'z' || text[^6] is '+' or '-')
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            ? instant.ToUniversalTime() : throw new Cql2Exception(at, $"'{text}' is not a timestamp (RFC 3339 with its offset, e.g. 2024-05-01T08:00:00Z)");
}
