using System.Security.Claims;

namespace LandRegister.Api.Access;

/// <summary>
/// The API key acting on a request: its name (recorded on every row it changes), its role and the zones it
/// may act in (<c>null</c>: every zone). Handlers take it as a parameter.
/// </summary>
public sealed record Caller(string Name, string Role, string[]? Zones)
{
    public const string ZoneClaim = "landregister:zone";
    public const string AllZones = "*";

    /// <summary>The zones as the SQL parameter <c>@scope</c>: null for every zone.</summary>
    public string[]? Scope => Zones;

    /// <summary>The SQL condition that keeps rows to the caller's zones (parameter <c>@scope</c>).</summary>
    public static string InScope(string column = "zone_code") => $"(@scope::text[] IS NULL OR {column} = ANY(@scope))";

    public bool CanActIn(string zone) => Zones is null || Zones.Contains(zone);

    /// <summary>The zones as a cache key: <c>*</c> for every zone, else the codes in order.</summary>
    public string ScopeKey => Zones is null ? AllZones : string.Join(",", Zones.Order(StringComparer.Ordinal));

    public static ValueTask<Caller?> BindAsync(HttpContext http) => ValueTask.FromResult(From(http.User));

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity is not { IsAuthenticated: true, Name: { } name }) return null;
        var zones = user.FindAll(ZoneClaim).Select(c => c.Value).ToArray();
        return new Caller(name, user.FindFirstValue(ClaimTypes.Role) ?? "", zones.Contains(AllZones) ? null : zones);
    }

    /// <summary>The fields the request's caller may see; the public ones when nobody is signed in.</summary>
    /// <remarks>Asked for every filtered property written, so it is worked out once per request.</remarks>
    public static Audience AudienceOf(HttpContext? http)
    {
        if (http is null) return Audience.Public;
        if (http.Items.TryGetValue(typeof(Audience), out var known)) return (Audience)known!;
        var audience = Roles.Find(http.User.FindFirstValue(ClaimTypes.Role))?.Audience ?? Audience.Public;
        http.Items[typeof(Audience)] = audience;
        return audience;
    }
}
