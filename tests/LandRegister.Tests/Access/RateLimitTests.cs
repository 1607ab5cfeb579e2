using System.Net;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Access;

public sealed class RateLimitedApp : RegisterApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimit:Burst"] = "5",
        ["RateLimit:PerSecond"] = "1",
    };
}

public sealed class RateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task A_key_over_its_limit_gets_429_with_retry_after_while_other_keys_are_served()
    {
        var viewer = await app.ClientForAsync("viewer");
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 12; i++) responses.Add(await app.Client.GetAsync("/api/zones"));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(refused.Count, 4, 8);
        Assert.True(refused[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await ProblemAssert.IsProblemAsync(refused[0], HttpStatusCode.TooManyRequests, "X-Api-Key");

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/zones")).StatusCode);
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/healthz")).StatusCode);
    }
}
