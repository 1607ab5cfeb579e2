using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LandRegister.Api.Access;

/// <summary>Authentication by the X-Api-Key header. A failure is logged with its reason, never with the key.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[Header].ToString();
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

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{Header}\"";
        var reason = Context.Items[nameof(ApiKeyAuthentication)] as string;
        return WriteAsync(401, "Authentication required.", reason is null
            ? $"Send an API key in the {Header} header."
            : $"The API key in the {Header} header is {reason}.");
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
