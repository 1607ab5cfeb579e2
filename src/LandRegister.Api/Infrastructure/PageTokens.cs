using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Signed next links. A page's <c>next</c> link carries <c>pageToken</c>: when it expires, the API key it was given to,
/// and an HMAC of both with the link's path and every other parameter. A request that presents a valid token, the first
/// time, is a client paging through a list, and the rate limiter draws it from a budget of its own (GDAL and QGIS read a
/// collection in pages of ten). Nobody can make one up, and a replayed link counts as an ordinary request.
/// </summary>
public sealed class PageTokens(byte[] secret)
{
    public const string Parameter = "pageToken";
    static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary><c>RateLimit:PagingSecret</c> (so that every instance accepts the others' links), else a secret of this process.</summary>
    public static PageTokens From(IConfiguration config) =>
        new(config["RateLimit:PagingSecret"] is { Length: >= 16 } configured
            ? SHA256.HashData(Encoding.UTF8.GetBytes(configured))
            : RandomNumberGenerator.GetBytes(32));

    /// <summary>The token for a link to <paramref name="path"/> with <paramref name="query"/> (without the token), given to <paramref name="key"/>.</summary>
    public string Sign(string key, string path, IEnumerable<KeyValuePair<string, string?>> query)
    {
        var expires = DateTimeOffset.UtcNow.Add(Lifetime).ToUnixTimeSeconds();
        var name = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(key));
        return $"{expires}.{name}.{Mac(expires, key, path, query)}";
    }

    /// <summary>The key the request's token was given to, when the token is genuine, unexpired and signs this very request; else null.</summary>
    public string? KeyOf(HttpRequest request)
    {
        if (!request.Query.TryGetValue(Parameter, out var values) || values.Count != 1) return null;
        var parts = values.ToString().Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[0], out var expires) || expires < DateTimeOffset.UtcNow.ToUnixTimeSeconds()) return null;
        string key;
        try { key = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(parts[1])); }
        catch (FormatException) { return null; }
        var query = request.Query.Where(q => q.Key != Parameter).SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)));
        var expected = Mac(expires, key, request.Path.Value ?? "", query);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2])) ? key : null;
    }

    /// <summary>The HMAC over a canonical form: the parameters sorted, so their order in the URL does not matter.</summary>
    string Mac(long expires, string key, string path, IEnumerable<KeyValuePair<string, string?>> query)
    {
        var canonical = new StringBuilder().Append(expires).Append('\n').Append(key).Append('\n').Append(path);
        foreach (var (name, value) in query.OrderBy(q => q.Key, StringComparer.Ordinal).ThenBy(q => q.Value, StringComparer.Ordinal))
            canonical.Append('\n').Append(name).Append('=').Append(value);
        return WebEncoders.Base64UrlEncode(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(canonical.ToString()))[..16]);
    }
}
