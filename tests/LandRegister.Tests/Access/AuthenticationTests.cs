using System.Net;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Access;

/// <summary>Who may call at all: 401 without a valid key, and keys live in the database.</summary>
public sealed class AuthenticationTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    public static TheoryData<string, string> Protected() => new()
    {
        { "GET", "/api/parcels" }, { "POST", "/api/parcels" }, { "GET", "/api/parcels/1" }, { "PATCH", "/api/parcels/1" },
        { "DELETE", "/api/parcels/1" }, { "POST", "/api/parcels/import" }, { "POST", "/api/parcels/search" },
        { "GET", "/api/zones" }, { "POST", "/api/zones" }, { "GET", "/api/parks" }, { "GET", "/api/land-uses" },
        { "GET", "/api/keys" }, { "POST", "/api/keys" },
    };

    static async Task Is401Async(HttpResponseMessage response)
    {
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "X-Api-Key");
        Assert.Contains("ApiKey", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(Protected))]
    public async Task No_key_is_a_401(string method, string path) =>
        await Is401Async(await app.ClientWithKey(null).SendAsync(new HttpRequestMessage(new HttpMethod(method), path)));

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("lr_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("test-admin-key-0123456789abcdeF")]
    public async Task A_wrong_key_is_a_401(string key) =>
        await Is401Async(await app.ClientWithKey(key).GetAsync("/api/parcels"));

    [Fact]
    public async Task A_revoked_key_is_refused_at_the_next_request()
    {
        var created = await app.CreateKeyAsync("planner");
        var client = app.ClientWithKey((string)created["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/parcels")).StatusCode);
        var id = (long)created["info"]!["id"]!;
        var etag = (await app.Client.GetAsync($"/api/keys/{id}")).Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"/api/keys/{id}", ifMatch: etag)).StatusCode);
        await Is401Async(await client.GetAsync("/api/parcels"));
        Assert.Contains("revoked", (string)(await (await client.GetAsync("/api/parcels")).JsonAsync())["detail"]!);
    }

    [Fact]
    public async Task An_expired_key_is_a_401()
    {
        // The key is known (and remembered) while valid; its expiry is checked on every request all the same.
        var expiry = DateTimeOffset.UtcNow.AddSeconds(5);
        var created = await app.CreateKeyAsync("viewer", expiresAt: expiry);
        var client = app.ClientWithKey((string)created["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/parcels")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/parcels")).StatusCode);
        var left = expiry - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
        if (left > TimeSpan.Zero) await Task.Delay(left);
        await Is401Async(await client.GetAsync("/api/parcels"));
    }

    /// <summary>A key changed elsewhere (in SQL, on another instance) is refused here once the change is announced: within a second.</summary>
    static async Task RefusedSoonAsync(HttpClient client)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await client.GetAsync("/api/parcels")).StatusCode == HttpStatusCode.OK)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "the key still works a second after it was revoked");
            await Task.Delay(10);
        }
        await Is401Async(await client.GetAsync("/api/parcels"));
    }

    [Fact]
    public async Task A_key_revoked_or_expired_in_sql_or_by_another_instance_is_refused_within_a_second()
    {
        var expired = await app.CreateKeyAsync("viewer", expiresAt: DateTimeOffset.UtcNow.AddHours(1));
        var expiredClient = app.ClientWithKey((string)expired["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await expiredClient.GetAsync("/api/parcels")).StatusCode);
        await app.ScalarAsync<int>("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE id = @id RETURNING 1",
            new { id = (long)expired["info"]!["id"]! });
        await RefusedSoonAsync(expiredClient);

        var revoked = await app.CreateKeyAsync("viewer");
        var revokedClient = app.ClientWithKey((string)revoked["key"]!);
        Assert.Equal(HttpStatusCode.OK, (await revokedClient.GetAsync("/api/parcels")).StatusCode);
        await using var other = await app.SecondInstanceAsync();
        var id = (long)revoked["info"]!["id"]!;
        var etag = (await other.Client.GetAsync($"/api/keys/{id}")).Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NoContent, (await other.SendAsync(HttpMethod.Delete, $"/api/keys/{id}", ifMatch: etag)).StatusCode);
        await RefusedSoonAsync(revokedClient);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_need_no_key()
    {
        var anonymous = app.ClientWithKey(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs/index.html")).StatusCode);
    }

    [Fact]
    public async Task A_key_made_on_one_instance_works_on_another_at_once_and_a_revocation_there_is_seen_here()
    {
        await using var other = await app.SecondInstanceAsync();
        var created = await other.CreateKeyAsync("planner");
        var key = (string)created["key"]!;
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWithKey(key).GetAsync("/api/zones")).StatusCode);

        var id = (long)created["info"]!["id"]!;
        var etag = (await other.Client.GetAsync($"/api/keys/{id}")).Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.NoContent, (await other.SendAsync(HttpMethod.Delete, $"/api/keys/{id}", ifMatch: etag)).StatusCode);
        // Seen here when the revocation is announced (this instance had remembered the key as valid).
        await RefusedSoonAsync(app.ClientWithKey(key));
    }

    [Fact]
    public async Task Restarting_with_another_admin_key_rotates_it()
    {
        await using (var rotated = await app.SecondInstanceAsync("rotated-admin-key-9876543210"))
        {
            Assert.Equal(HttpStatusCode.OK, (await rotated.Client.GetAsync("/api/keys")).StatusCode);
            await Is401Async(await app.Client.GetAsync("/api/keys"));
        }
        await using var restored = await app.SecondInstanceAsync(RegisterApp.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/keys")).StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"k1","role":"superuser"}""", HttpStatusCode.BadRequest, "role")]
    [InlineData("""{"role":"viewer"}""", HttpStatusCode.UnprocessableEntity, "name")]
    [InlineData("""{"name":"bad name","role":"viewer"}""", HttpStatusCode.UnprocessableEntity, "name")]
    [InlineData("""{"name":"k2","role":"viewer","zones":["NOZONE"]}""", HttpStatusCode.UnprocessableEntity, "zones")]
    [InlineData("""{"name":"k3","role":"viewer","expiresAt":"2001-01-01T00:00:00Z"}""", HttpStatusCode.UnprocessableEntity, "expiresAt")]
    [InlineData("""{"name":"admin","role":"viewer"}""", HttpStatusCode.Conflict, "name")]
    public async Task A_bad_key_request_is_refused(string body, HttpStatusCode status, string field)
    {
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM api_key");
        await ProblemAssert.IsProblemAsync(await app.SendAsync(HttpMethod.Post, "/api/keys", body), status, field);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM api_key"));
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_never_listed_logged_or_stored()
    {
        var created = await app.CreateKeyAsync("analyst");
        var key = (string)created["key"]!;
        Assert.StartsWith("lr_", key);
        var client = app.ClientWithKey(key);
        await client.GetAsync("/api/parcels");
        await app.ClientWithKey(key + "x").GetAsync("/api/parcels");
        await app.ClientWithKey("lr_" + key[3..^1] + "A").GetAsync("/api/parcels");

        var secret = key.Split('_', 3)[2]; // lr_<public id>_<secret>: the secret itself may hold '_' (base64url)
        var listed = await app.Client.GetStringAsync("/api/keys");
        Assert.DoesNotContain(secret, listed);
        Assert.Contains((string)created["info"]!["name"]!, listed);
        var one = await app.Client.GetStringAsync($"/api/keys/{(long)created["info"]!["id"]!}");
        Assert.DoesNotContain(secret, one);

        Assert.Contains(app.Logs.Lines, l => l.Contains("Refused an API key"));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(secret) || l.Contains(RegisterApp.AdminKey));

        var everything = await app.ScalarAsync<string>("""
            SELECT string_agg(t, '') FROM (
                SELECT row_to_json(k)::text AS t FROM api_key k
                UNION ALL SELECT row_to_json(p)::text FROM parcel p
                UNION ALL SELECT row_to_json(z)::text FROM zone z) rows
            """);
        Assert.DoesNotContain(secret, everything);
        Assert.DoesNotContain(key, everything);
        Assert.DoesNotContain(RegisterApp.AdminKey, everything);
    }
}
