using System.Net;
using Dapper;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LandRegister.Tests.Infrastructure;

public sealed class MigratorTests
{
    [Fact]
    public async Task Two_instances_starting_together_apply_each_script_exactly_once()
    {
        var cs = await TestDatabase.CreateEmptyAsync();
        try
        {
            await using var a = NpgsqlDataSource.Create(cs);
            await using var b = NpgsqlDataSource.Create(cs);
            await Task.WhenAll(
                new Migrator(a, NullLogger<Migrator>.Instance).ApplyAsync(),
                new Migrator(b, NullLogger<Migrator>.Instance).ApplyAsync());
            await using var conn = await a.OpenConnectionAsync();
            var journal = (await conn.QueryAsync<string>("SELECT script FROM schema_journal ORDER BY script")).ToList();
            Assert.Equal(Migrator.Scripts.Select(s => s.Name), journal);
            Assert.Empty(await new Migrator(a, NullLogger<Migrator>.Instance).PendingAsync());
        }
        finally
        {
            await TestDatabase.DropAsync(cs);
        }
    }

    [Fact]
    public async Task A_failing_script_leaves_nothing_of_itself_behind()
    {
        var cs = await TestDatabase.CreateEmptyAsync();
        try
        {
            await using var db = NpgsqlDataSource.Create(cs);
            await using (var conn = await db.OpenConnectionAsync())
                await conn.ExecuteAsync("CREATE TABLE zone (code text)"); // collides with the first script
            await Assert.ThrowsAsync<PostgresException>(() => new Migrator(db, NullLogger<Migrator>.Instance).ApplyAsync());
            await using var check = await db.OpenConnectionAsync();
            Assert.False(await check.ExecuteScalarAsync<bool>("SELECT to_regclass('park') IS NOT NULL"));
            Assert.Equal(Migrator.Scripts.Count, (await new Migrator(db, NullLogger<Migrator>.Instance).PendingAsync()).Count);
        }
        finally
        {
            await TestDatabase.DropAsync(cs);
        }
    }
}

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
        var last = Migrator.Scripts[^1].Name;
        await using var conn = await app.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("DELETE FROM schema_journal WHERE script = @last", new { last }, tx);
        // Visible to the app only if committed; commit, check, and put the row back.
        await tx.CommitAsync();
        try
        {
            var ready = await app.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains(last, (await ready.JsonAsync())["pendingMigrations"]!.AsArray().Select(p => (string)p!));
        }
        finally
        {
            await conn.ExecuteAsync("INSERT INTO schema_journal (script) VALUES (@last)", new { last });
        }
    }
}
