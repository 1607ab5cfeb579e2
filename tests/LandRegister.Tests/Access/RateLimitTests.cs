using System.Net;
using Microsoft.Extensions.DependencyInjection;
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

public sealed class AddressLimitedApp : RegisterApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimit:AddressBurst"] = "20",
        ["RateLimit:AddressPerSecond"] = "1",
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

/// <summary>
/// A flood of made-up keys is limited per address before any key is looked up, and a refused key is remembered, so it
/// costs the database (almost) nothing.
/// </summary>
public sealed class AddressLimitTests(AddressLimitedApp app) : IClassFixture<AddressLimitedApp>
{
    /// <summary>
    /// Scans of the api_key table so far: key lookups. The API's own pool is emptied first (its data source is not among
    /// the pools <c>ClearAllPools</c> reaches), so every backend that looked a key up has exited and reported its counts:
    /// otherwise the fixture's lookups could be reported late, inside the window measured.
    /// </summary>
    async Task<long> KeyLookupsAsync()
    {
        app.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().Clear();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Task.Delay(500);
        await using var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString) { Pooling = false }.ConnectionString);
        await conn.OpenAsync();
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(conn,
            "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relname = 'api_key'");
    }

    [Fact]
    public async Task Three_hundred_requests_with_a_made_up_key_are_throttled_by_address_and_cost_few_key_lookups()
    {
        // In the form of a generated key (a 16-digit public id and a 43-character secret): such a refusal is remembered.
        var madeUp = "lr_0123456789abcdef_made-up-secret-made-up-secret-made-up-secre";
        Assert.True(LandRegister.Api.Access.ApiKeySecret.TryReadPublicId(madeUp, out _));
        var stranger = app.ClientWithKey(madeUp);
        var before = await KeyLookupsAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 300; i++) statuses.Add((await stranger.GetAsync("/api/zones")).StatusCode);
        var after = await KeyLookupsAsync();

        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 250, string.Join(",", statuses.Distinct()));
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, s.ToString()));
        // One lookup (by public id, then among the keys without one) for the refused key: not one per request.
        Assert.True(after - before <= 4, $"{after - before} key lookups for 300 requests");
    }
}
