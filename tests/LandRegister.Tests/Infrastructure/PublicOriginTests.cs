using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Infrastructure;

public sealed class PublishedApp : RegisterApp
{
    public const string PublicBaseUrl = "https://register.example.org/lr";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["LandRegister:PublicBaseUrl"] = PublicBaseUrl + "/",
    };
}

/// <summary>
/// Absolute links are never built from a Host header the register was not configured for: a host outside
/// <c>AllowedHosts</c> is refused, and with <c>LandRegister:PublicBaseUrl</c> every link starts with it.
/// </summary>
public sealed class PublicOriginTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static async Task<HttpResponseMessage> GetWithHostAsync(HttpClient client, string path, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("/tiles/parcels.json")]
    [InlineData("/api/parcels?limit=1")]
    [InlineData("/ogc")]
    public async Task A_host_outside_the_allowed_hosts_is_refused_and_appears_in_no_link(string path)
    {
        var response = await GetWithHostAsync(app.Client, path, "evil.example");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "Host");
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync());

        var local = await GetWithHostAsync(app.Client, path, $"localhost:{app.BaseAddress.Port}");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }
}

public sealed class PublicBaseUrlTests(PublishedApp app) : IClassFixture<PublishedApp>
{
    [Fact]
    public async Task Every_absolute_link_starts_with_the_configured_public_base_url()
    {
        var zone = await app.ZoneAsync();
        for (var i = 0; i < 3; i++)
            await app.CreateParcelAsync(Arrange.Feature(Arrange.Rectangle(119.30 + i * 0.002, 33.80, 80, 80), zone));

        var tileJson = JsonNode.Parse(await app.Client.GetStringAsync("/tiles/parcels.json"))!;
        Assert.StartsWith($"{PublishedApp.PublicBaseUrl}/tiles/parcels/", (string)tileJson["tiles"]![0]!);

        var page = JsonNode.Parse(await app.Client.GetStringAsync("/api/parcels?limit=1"))!;
        var links = page["links"]!.AsArray().Select(l => (string)l!["href"]!).ToList();
        Assert.Contains(links, l => l.StartsWith($"{PublishedApp.PublicBaseUrl}/api/parcels?", StringComparison.Ordinal));
        Assert.All(links, l => Assert.StartsWith(PublishedApp.PublicBaseUrl + "/", l));

        var landing = JsonNode.Parse(await app.Client.GetStringAsync("/ogc"))!;
        Assert.All(landing["links"]!.AsArray(), l => Assert.StartsWith(PublishedApp.PublicBaseUrl + "/", (string)l!["href"]!));
    }
}
