using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LandRegister.Api.Access;

/// <summary>
/// Authentication by API key: in the X-Api-Key header, or as the password of HTTP Basic (any user name), which desktop
/// clients and browsers send after a 401 that offers it. A key is never read from a URL. A failure is logged with its
/// reason, never with the key.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string Realm = "LandRegister";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
        if (presented.Length == 0) presented = BasicPassword(Request.Headers.Authorization.ToString()) ?? "";
        if (presented.Length == 0) return AuthenticateResult.NoResult();
        var (key, failure) = await keys.FindAsync(presented);
        if (key is null)
        {
            Logger.LogWarning("Refused an API key ({Reason}) on {Method} {Path} from {Remote}",
                failure, Request.Method, Request.Path, Context.Connection.RemoteIpAddress);
            Context.Items[nameof(ApiKeyAuthentication)] = failure;
            return AuthenticateResult.Fail($"{failure} API key");
        }
        var role = Roles.Find(key.Role)!;
        var claims = new List<Claim> { new(ClaimTypes.Name, key.Name), new(ClaimTypes.Role, role.Name) };
        claims.AddRange(role.Permissions.Select(p => new Claim(nameof(Permission), p)));
        claims.AddRange((key.Zones ?? [Caller.AllZones]).Select(z => new Claim(Caller.ZoneClaim, z)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>The password of an <c>Authorization: Basic</c> header, or null.</summary>
    static string? BasicPassword(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = decoded.IndexOf(':');
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// A 401 names both ways in. The Basic challenge is left out for the register's own pages, which send the
    /// X-Api-Key header (even empty) and ask for the key themselves, so a browser does not prompt for it a second time.
    /// </summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"{SchemeName} header=\"{Header}\"");
        if (!Request.Headers.ContainsKey(Header)) Response.Headers.Append(HeaderNames.WWWAuthenticate, $"Basic realm=\"{Realm}\", charset=\"UTF-8\"");
        var reason = Context.Items[nameof(ApiKeyAuthentication)] as string;
        return WriteAsync(401, "Authentication required.", reason is null
            ? $"Send an API key in the {Header} header, or as the password of HTTP Basic authentication."
            : $"The API key sent is {reason}.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(403, "Not allowed.", $"The role of this API key does not allow {Request.Method} {Request.Path}.");

    Task WriteAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = status, Title = title, Detail = detail,
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [Header] = [status == 401 ? "missing or not valid" : "role not allowed"] } },
            },
        }).AsTask();
    }
}
