using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using LandRegister.Api.Access;

namespace LandRegister.Api.Exports;

/// <summary>
/// A column of an exported list: the JSON property it shows (a path such as <c>properties.areaMu</c>), its Chinese and
/// English headers, its unit, and its width in characters.
/// </summary>
public sealed record ExportColumn(string Path, string Chinese, string English, string? Unit = null, double Width = 14)
{
    /// <summary>The Chinese header with the unit, as a statistical table writes it: 面积（亩）.</summary>
    public string ChineseHeader => Unit is null ? Chinese : $"{Chinese}（{Unit}）";

    /// <summary>The English header with the unit: Area (mu).</summary>
    public string EnglishHeader => Unit is null ? English : $"{English} ({EnglishUnit})";

    string? EnglishUnit => Unit switch
    {
        "亩" => "mu", "万元" => "10,000 yuan", "万元/亩" => "10,000 yuan/mu", "元" => "yuan", "元/亩" => "yuan/mu", "天" => "days",
        "个" => "count", "年" => "years", "吨标煤" => "tce", "月" => "months", _ => Unit,
    };
}

/// <summary>How a column's values are written: text, a number, a day, an instant, a yes/no, or a list joined by '; '.</summary>
public enum CellKind { Text, Number, Date, Instant, Boolean, List }

/// <summary>
/// The columns an exported list has, read from the very objects its JSON is written from: each column names a JSON
/// property of <typeparamref name="T"/>, so the sheet holds what the list holds, and a property's
/// <see cref="AudienceAttribute"/> hides its column from the roles that do not see it in the JSON either. A path that
/// names no property fails at start-up, not in a user's download.
/// </summary>
public sealed class ExportTable<T>
{
    /// <summary>A column resolved against <typeparamref name="T"/>.</summary>
    public sealed record Column(ExportColumn Header, Audience Audience, CellKind Kind, Func<T, object?> Read);

    readonly Column[] columns;

    /// <param name="file">The file's name without its extension, in English (e.g. <c>parcels</c>).</param>
    /// <param name="sheet">The sheet's name, Chinese first (at most 31 characters).</param>
    public ExportTable(string file, string sheet, params ExportColumn[] headers)
    {
        (File, Sheet) = (file, sheet);
        columns = headers.Select(Resolve).ToArray();
    }

    public string File { get; }
    public string Sheet { get; }

    /// <summary>The columns a caller of <paramref name="audience"/> may see.</summary>
    public IReadOnlyList<Column> For(Audience audience) => columns.Where(c => audience >= c.Audience).ToArray();

    static Column Resolve(ExportColumn header)
    {
        var path = new List<PropertyInfo>();
        var type = typeof(T);
        var audience = Audience.Public;
        foreach (var name in header.Path.Split('.'))
        {
            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                               .SingleOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == name)
                           ?? throw new InvalidOperationException($"{typeof(T).Name} has no JSON property '{header.Path}' to export");
            var seen = AudienceAttribute.Of(property, type);
            if (seen > audience) audience = seen;
            path.Add(property);
            type = property.PropertyType;
        }
        var kind = KindOf(type);
        return new Column(kind == CellKind.Instant && header.Unit is null ? header with { Unit = "UTC+8" } : header, audience, kind, Getter(path));
    }

    /// <summary>row => row?.A?.B as object, compiled once: a million rows are read without reflection.</summary>
    static Func<T, object?> Getter(List<PropertyInfo> path)
    {
        var row = Expression.Parameter(typeof(T), "row");
        Expression body = Expression.Convert(Read(row, 0), typeof(object));
        return Expression.Lambda<Func<T, object?>>(body, row).Compile();

        Expression Read(Expression owner, int depth)
        {
            if (depth == path.Count) return owner;
            var value = Expression.Property(owner, path[depth]);
            if (owner.Type.IsValueType) return Read(value, depth + 1);
            var rest = Read(value, depth + 1);
            var result = rest.Type.IsValueType && Nullable.GetUnderlyingType(rest.Type) is null ? Expression.Convert(rest, typeof(Nullable<>).MakeGenericType(rest.Type)) : rest;
            return Expression.Condition(Expression.Equal(owner, Expression.Constant(null, owner.Type)), Expression.Constant(null, result.Type), result);
        }
    }

    static CellKind KindOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return CellKind.Text;
        if (type == typeof(bool)) return CellKind.Boolean;
        if (type == typeof(DateOnly)) return CellKind.Date;
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime)) return CellKind.Instant;
        if (type.IsPrimitive || type == typeof(decimal)) return CellKind.Number;
        if (typeof(IEnumerable).IsAssignableFrom(type)) return CellKind.List;
        throw new InvalidOperationException($"{type.Name} is not a value an export can write in a cell");
    }
}
