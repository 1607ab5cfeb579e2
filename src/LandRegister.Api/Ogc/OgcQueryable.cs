using System.Text.Json.Nodes;
using LandRegister.Api.Access;

namespace LandRegister.Api.Ogc;

public enum QueryableType { Text, Integer, Number, Boolean, Date, Timestamp, Geometry }

/// <summary>
/// A property clients may filter on (OGC API – Features Part 3): its name, the SQL of its value (a fixed fragment, never
/// built from a request), its type, and the least audience that may see it. A key that may not see a property cannot
/// filter on it either: to that key it does not exist.
/// </summary>
public sealed record OgcQueryable(string Name, string Title, QueryableType Type, string Sql, Audience Audience = Audience.Public)
{
    /// <summary>The values a text property takes, when they are a fixed list.</summary>
    public IReadOnlyList<string>? Enum { get; init; }

    /// <summary>The pattern a text property's values follow, when they have one.</summary>
    public string? Pattern { get; init; }

    /// <summary>Its JSON Schema in the queryables document.</summary>
    public JsonObject Schema()
    {
        var schema = new JsonObject { ["title"] = Title };
        switch (Type)
        {
            case QueryableType.Geometry: schema["format"] = "geometry-any"; break;
            case QueryableType.Date: schema["type"] = "string"; schema["format"] = "date"; break;
            case QueryableType.Timestamp: schema["type"] = "string"; schema["format"] = "date-time"; break;
            default:
                schema["type"] = Type switch { QueryableType.Integer => "integer", QueryableType.Number => "number", QueryableType.Boolean => "boolean", _ => "string" };
                break;
        }
        if (Pattern is { } pattern) schema["pattern"] = pattern;
        if (Enum is { } values) schema["enum"] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        return schema;
    }

    /// <summary>Those of <paramref name="all"/> a caller of <paramref name="audience"/> may see, by name.</summary>
    public static IReadOnlyDictionary<string, OgcQueryable> Visible(IEnumerable<OgcQueryable> all, Audience audience) =>
        all.Where(q => q.Audience <= audience).ToDictionary(q => q.Name);
}
