using LandRegister.Api.Access;
using LandRegister.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LandRegister.Tests.Access;

/// <summary>Every endpoint declares the permission it needs; only a short list may be called without a key.</summary>
public sealed class EndpointPolicyTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static readonly string[] Anonymous = ["/healthz", "/readyz", "/openapi/{documentName}.json"];

    public static IEnumerable<string> Violations(IServiceProvider services)
    {
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var route = endpoint.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (anonymous && !Anonymous.Contains(route)) yield return $"{route} allows anonymous calls but is not on the allow-list";
            else if (!anonymous && policies.Count == 0) yield return $"{route} declares no policy";
            else if (policies.Any(p => p is null || !Permission.All.Contains(p))) yield return $"{route} names a policy that is not a permission";
        }
    }

    [Fact]
    public void Every_endpoint_declares_a_permission_or_is_on_the_anonymous_allow_list()
    {
        var violations = Violations(app.Services).ToList();
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        Assert.True(app.Services.GetRequiredService<EndpointDataSource>().Endpoints.Count > 15);
    }
}
