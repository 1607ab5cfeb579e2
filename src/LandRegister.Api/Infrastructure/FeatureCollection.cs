using System.Text.Json.Serialization;

namespace LandRegister.Api.Infrastructure;

/// <summary>A GeoJSON Feature (RFC 7946); each kind of feature declares its id, geometry and properties.</summary>
public abstract record GeoJsonFeature
{
    [JsonPropertyOrder(-1)]
    public string Type => "Feature";
}

/// <summary>A page of features (RFC 7946, with the OGC API – Features paging members); <c>numberMatched</c> is left out when not counted.</summary>
public sealed record FeatureCollection<TFeature>(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? NumberMatched, int NumberReturned, DateTimeOffset TimeStamp, IReadOnlyList<Link> Links, IReadOnlyList<TFeature> Features)
{
    [JsonPropertyOrder(-1)]
    public string Type => "FeatureCollection";

    public const string MediaType = "application/geo+json";
}

// A list of resources that are not features (zones, parks, keys…).
public sealed record ItemList<T>(IReadOnlyList<T> Items);

/// <summary>A web link (RFC 8288). <c>method</c> and <c>body</c> describe a link that must be followed with a POST.</summary>
public sealed record Link(
    string Href, string Rel, string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Title = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Method = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] object? Body = null);

public static class Links
{
    /// <summary>This request's absolute URL.</summary>
    public static string Self(HttpRequest request) =>
        $"{request.PublicOrigin()}{request.Path}{request.QueryString}";

    /// <summary>
    /// This request's absolute URL with every filter kept and <c>cursor</c> replaced: the next page, signed for the
    /// caller's key (<see cref="PageTokens"/>).
    /// </summary>
    public static string WithCursor(HttpRequest request, string cursor)
    {
        var query = request.Query
            .Where(q => q.Key is not ("cursor" or PageTokens.Parameter))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("cursor", cursor))
            .ToList();
        if (request.HttpContext.RequestServices.GetService<PageTokens>() is { } tokens && request.HttpContext.User.Identity?.Name is { } key)
            query.Add(new(PageTokens.Parameter, tokens.Sign(key, request.Path.Value ?? "", query)));
        return $"{request.PublicOrigin()}{request.Path}{QueryString.Create(query)}";
    }

    /// <summary>The RFC 8288 Link header for a page's links (those followed with GET).</summary>
    public static void SetHeader(HttpResponse response, IEnumerable<Link> links) =>
        response.Headers.Link = string.Join(", ",
            links.Where(l => l.Method is null).Select(l => $"<{l.Href}>; rel=\"{l.Rel}\"; type=\"{l.Type}\""));
}
