using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace LandRegister.Api.Access;

/// <summary>Per-key rate limits, configured under <c>RateLimit</c>: a token bucket per API key (per address without one).</summary>
public sealed class RateLimitSettings
{
    /// <summary>Requests a key may make in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests per second a key regains.</summary>
    public int PerSecond { get; set; } = 50;
}

public static class AccessSetup
{
    public static IServiceCollection AddRegisterAccess(this IServiceCollection services, IConfiguration config)
    {
        // Every JSON response is written through the audience filter, which drops what the caller's role may not see.
        services.AddHttpContextAccessor();
        services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>().Configure<IHttpContextAccessor>((o, http) =>
            o.SerializerOptions.TypeInfoResolver = (o.SerializerOptions.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
                .WithAddedModifier(AudienceFilter.Modifier(http)));
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicies();
        var limits = config.GetSection("RateLimit").Get<RateLimitSettings>() ?? new RateLimitSettings();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(
                    http.User.Identity?.Name is { } name ? $"key:{name}" : $"address:{http.Connection.RemoteIpAddress}",
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.Burst, TokensPerPeriod = limits.PerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
                    }));
            o.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>One policy per permission; endpoints name the permission they need.</summary>
    static AuthorizationBuilder AddPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Permission.All)
            builder.AddPolicy(permission, p => p.RequireAuthenticatedUser().RequireClaim(nameof(Permission), permission));
        return builder;
    }

    public static WebApplication UseRegisterAccess(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = 429, Title = "Too many requests.",
                Detail = $"This API key has used its request allowance; retry after {seconds} s (RateLimit:Burst, RateLimit:PerSecond).",
                Extensions = { ["errors"] = new Dictionary<string, string[]> { [ApiKeyAuthentication.Header] = ["rate limit exceeded"] } },
            },
        });
    }

    /// <summary>Creates or rotates the admin key named by LANDREGISTER_ADMIN_KEY.</summary>
    public static async Task EnsureAdminKeyAsync(this WebApplication app)
    {
        if (app.Configuration["LANDREGISTER_ADMIN_KEY"] is { Length: > 0 } key)
        {
            if (key.Length < 16) throw new InvalidOperationException("LANDREGISTER_ADMIN_KEY must be at least 16 characters.");
            await app.Services.GetRequiredService<ApiKeyStore>().EnsureBootstrapAdminAsync(key);
        }
    }
}
