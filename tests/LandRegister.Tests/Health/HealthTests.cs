using System.Net;
using Dapper;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Health;

public sealed class HealthTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task Healthz_and_readyz_answer_200_when_the_schema_is_current()
    {
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/healthz")).StatusCode);
        var ready = await app.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (string)(await ready.JsonAsync())["status"]!);
    }

    [Fact]
    public async Task Readyz_answers_503_while_a_migration_is_pending()
    {
        var last = Migrator.Embedded[^1];
        await using var conn = await app.OpenAsync();
        await conn.ExecuteAsync("DELETE FROM schema_journal WHERE script = @Name", last);
        try
        {
            var ready = await app.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains(last.Name, (await ready.JsonAsync())["pendingMigrations"]!.AsArray().Select(p => (string)p!));
        }
        finally
        {
            await conn.ExecuteAsync("INSERT INTO schema_journal (script, sha256) VALUES (@Name, @Sha256)", last);
        }
    }

    [Fact]
    public async Task Metrics_need_a_key_that_may_read_jobs_and_count_requests_by_endpoint_and_status()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWithKey(null).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("viewer")).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/zones")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/api/parcels/999999999")).StatusCode);

        // Prometheus sends the key as Basic credentials.
        var scraper = app.ClientWithKey(null);
        scraper.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"prometheus:{RegisterApp.AdminKey}")));
        var metrics = await scraper.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Matches("""http_request_duration_seconds_count\{code="200",method="GET",[^}]*endpoint="/api/zones/?"\} [1-9]""", text);
        Assert.Matches("""http_request_duration_seconds_count\{code="404",method="GET",[^}]*endpoint="/api/parcels/\{id:long\}"\} [1-9]""", text);
        Assert.Contains("landregister_database_unavailable_total", text);
    }
}
