using System.Net;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// The scheme, host and base path the register's absolute links start with (TileJSON <c>tiles</c>, <c>next</c> links,
/// OGC links). <c>LandRegister:PublicBaseUrl</c> when it is set; otherwise the request's own host, which is trusted only
/// because the host filter (<c>AllowedHosts</c>) refused any other first, and which a reverse proxy named in
/// <c>LandRegister:TrustedProxies</c> may set with <c>X-Forwarded-Host</c> and <c>X-Forwarded-Proto</c>.
/// </summary>
public sealed class PublicOrigin(string? baseUrl)
{
    public string Of(HttpRequest request) => baseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}";

    public static PublicOrigin From(IConfiguration config)
    {
        var configured = config["LandRegister:PublicBaseUrl"];
        if (string.IsNullOrWhiteSpace(configured)) return new PublicOrigin(null);
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new InvalidOperationException($"LandRegister:PublicBaseUrl '{configured}' is not an absolute http(s) URL without query or fragment.");
        return new PublicOrigin(uri.GetLeftPart(UriPartial.Path).TrimEnd('/'));
    }

    /// <summary>The forwarded headers of the proxies in <c>LandRegister:TrustedProxies</c> (addresses), and of no one else.</summary>
    public static void UseTrustedProxies(WebApplication app)
    {
        var proxies = app.Configuration.GetSection("LandRegister:TrustedProxies").Get<string[]>()
                      ?? (app.Configuration["LandRegister:TrustedProxies"] ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries);
        if (proxies.Length == 0) return;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.All, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies)
            options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new InvalidOperationException($"LandRegister:TrustedProxies: '{proxy}' is not an IP address."));
        if (app.Configuration["AllowedHosts"] is { Length: > 0 } allowed && allowed != "*")
            foreach (var host in allowed.Split(';', StringSplitOptions.RemoveEmptyEntries)) options.AllowedHosts.Add(host);
        app.UseForwardedHeaders(options);
    }
}

/// <summary>
/// The host filter of <c>AllowedHosts</c>, answering a refused host with a problem body (ASP.NET Core's own filter, which
/// this replaces, answers with an HTML page). Host names match without their port, case-insensitively; <c>*.example.org</c>
/// matches its subdomains; <c>*</c> (or nothing) admits every host.
/// </summary>
public static class HostFilter
{
    public static void Configure(WebApplicationBuilder builder) =>
        builder.Services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);

    public static void Use(WebApplication app)
    {
        var allowed = (app.Configuration["AllowedHosts"] ?? "*").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (allowed.Length == 0 || allowed.Contains("*")) return;
        app.Use(async (http, next) =>
        {
            var host = http.Request.Host.Host;
            if (allowed.Any(a => Matches(a, host))) await next(http);
            else throw Problems.BadRequest("Host", "not a host this register answers to (AllowedHosts)");
        });
    }

    static bool Matches(string allowed, string host) =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(allowed.Trim('[', ']'), host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
}

public static class PublicOriginExtensions
{
    /// <summary>Where this register is reached from outside: the start of every absolute link it writes.</summary>
    public static string PublicOrigin(this HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<PublicOrigin>().Of(request);
}
