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
}
