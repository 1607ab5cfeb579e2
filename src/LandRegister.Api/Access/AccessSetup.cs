using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Net.Http.Headers;

namespace LandRegister.Api.Access;

/// <summary>
/// Rate limits, configured under <c>RateLimit</c>: a token bucket per client address, taken before the key is looked up
/// (so a flood of made-up keys costs no database work), then a token bucket per API key. A request that follows a
/// signed <c>next</c> link (<see cref="PageTokens"/>) for the first time draws from paging buckets instead, so a client
/// reading a collection page by page is not throttled while the same client hammering an endpoint is.
/// </summary>
public sealed class RateLimitSettings
{
    /// <summary>Requests a key may make in a burst.</summary>
    public int Burst { get; set; } = 200;

    /// <summary>Requests per second a key regains.</summary>
    public int PerSecond { get; set; } = 50;

    /// <summary>Requests one client address may make in a burst, whatever key it sends.</summary>
    public int AddressBurst { get; set; } = 600;

    /// <summary>Requests per second an address regains.</summary>
    public int AddressPerSecond { get; set; } = 150;

    /// <summary>Pages a key (and an address) may read in a burst by following next links.</summary>
    public int PagingBurst { get; set; } = 2000;

    /// <summary>Pages per second a key (and an address) regains for following next links.</summary>
    public int PagingPerSecond { get; set; } = 1000;
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
        var paging = Bucket(limits.PagingBurst, limits.PagingPerSecond);
        services.AddSingleton(PageTokens.From(config));
        services.AddSingleton(new AddressLimiter(Bucket(limits.AddressBurst, limits.AddressPerSecond), paging));
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.Identity?.Name is { } name && PagingKey(http) == name
                    ? RateLimitPartition.GetTokenBucketLimiter($"paging:{name}", _ => paging)
                    : RateLimitPartition.GetTokenBucketLimiter(
                        http.User.Identity?.Name is { } key ? $"key:{key}" : $"address:{http.Connection.RemoteIpAddress}",
                        _ => Bucket(limits.Burst, limits.PerSecond)));
            o.OnRejected = (context, ct) => RejectAsync(context.HttpContext, context.Lease,
                "This API key has used its request allowance", "RateLimit:Burst, RateLimit:PerSecond");
        });
        return services;
    }

    static TokenBucketRateLimiterOptions Bucket(int burst, int perSecond) => new()
    {
        TokenLimit = burst, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
    };

    /// <summary>
    /// The key a request's page token was signed for, the first time the token is presented (a replayed next link is an
    /// ordinary request); null for any other request. Worked out once per request.
    /// </summary>
    static string? PagingKey(HttpContext http)
    {
        const string Item = "LandRegister.PagingKey";
        if (http.Items.TryGetValue(Item, out var known)) return known as string;
        var key = http.RequestServices.GetRequiredService<PageTokens>().KeyOf(http.Request);
        if (key is not null)
        {
            var cache = http.RequestServices.GetRequiredService<IMemoryCache>();
            var used = $"page-token|{http.Request.Query[PageTokens.Parameter]}";
            if (cache.TryGetValue(used, out _)) key = null;
            else cache.Set(used, true, new MemoryCacheEntryOptions { Size = 64, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(11) });
        }
        http.Items[Item] = key;
        return key;
    }

    /// <summary>The per-address bucket, taken before authentication (and its paging bucket, for signed next links).</summary>
    sealed class AddressLimiter(TokenBucketRateLimiterOptions bucket, TokenBucketRateLimiterOptions paging) : IDisposable
    {
        readonly PartitionedRateLimiter<HttpContext> limiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            PagingKey(http) is not null
                ? RateLimitPartition.GetTokenBucketLimiter($"paging:{http.Connection.RemoteIpAddress}", _ => paging)
                : RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "", _ => bucket));

        public RateLimitLease Acquire(HttpContext http) => limiter.AttemptAcquire(http);

        public void Dispose() => limiter.Dispose();
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
        var addresses = app.Services.GetRequiredService<AddressLimiter>();
        app.Use(async (http, next) =>
        {
            // What a key may see depends on the key: a client's cache must not answer one key with what another was sent
            // (QGIS keeps answers by URL alone, whatever the credentials). Answers that say how they may be cached (tiles,
            // with an ETag of what they hold) keep their word; every other answer to a key is not stored.
            if (http.Request.Headers.ContainsKey(ApiKeyAuthentication.Header) || http.Request.Headers.ContainsKey(HeaderNames.Authorization))
                http.Response.OnStarting(() =>
                {
                    var headers = http.Response.Headers;
                    headers.Append(HeaderNames.Vary, $"{ApiKeyAuthentication.Header}, {HeaderNames.Authorization}");
                    if (headers.CacheControl.Count == 0) headers.CacheControl = "private, no-store";
                    return Task.CompletedTask;
                });
            using var lease = addresses.Acquire(http);
            if (lease.IsAcquired) await next(http);
            else await RejectAsync(http, lease, "This address has used its request allowance", "RateLimit:AddressBurst, RateLimit:AddressPerSecond");
        });
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease, string what, string settings)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = 429, Title = "Too many requests.",
                Detail = $"{what}; retry after {seconds} s ({settings}).",
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
