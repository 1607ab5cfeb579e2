using Dapper;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LandRegister.Tests.Infrastructure;

public sealed class MigratorTests
{
    static Migrator On(NpgsqlDataSource db, IReadOnlyList<Migrator.Script>? scripts = null) =>
        new(db, NullLogger<Migrator>.Instance) { Scripts = scripts ?? Migrator.Embedded };

    static async Task WithEmptyDatabaseAsync(Func<NpgsqlDataSource, Task> test)
    {
        var cs = await TestDatabase.CreateEmptyAsync();
        try
        {
            await using var db = NpgsqlDataSource.Create(cs);
            await test(db);
        }
        finally
        {
            await TestDatabase.DropAsync(cs);
        }
    }

    [Fact]
    public Task Two_instances_starting_together_apply_each_script_exactly_once() => WithEmptyDatabaseAsync(async db =>
    {
        await using var other = NpgsqlDataSource.Create(db.ConnectionString);
        await Task.WhenAll(On(db).ApplyAsync(), On(other).ApplyAsync());
        await using var conn = await db.OpenConnectionAsync();
        var journal = (await conn.QueryAsync<(string Script, string Sha256)>("SELECT script, sha256 FROM schema_journal ORDER BY script")).ToList();
        Assert.Equal(Migrator.Embedded.Select(s => (s.Name, s.Sha256)), journal);
        Assert.Empty(await On(db).PendingAsync());
    });

    [Fact]
    public Task A_failing_script_leaves_nothing_of_itself_behind() => WithEmptyDatabaseAsync(async db =>
    {
        var broken = Migrator.Embedded.Take(1).Append(new Migrator.Script("0002_broken.sql", "CREATE TABLE broken_one (id int); SELECT 1 / 0;")).ToList();
        await Assert.ThrowsAsync<PostgresException>(() => On(db, broken).ApplyAsync());
        await using var conn = await db.OpenConnectionAsync();
        Assert.False(await conn.ExecuteScalarAsync<bool>("SELECT to_regclass('broken_one') IS NOT NULL"));
        Assert.True(await conn.ExecuteScalarAsync<bool>("SELECT to_regclass('zone') IS NOT NULL"));
        Assert.Equal(["0002_broken.sql"], await On(db, broken).PendingAsync());
    });

    [Fact]
    public Task An_applied_migration_that_was_edited_stops_the_start_with_its_name() => WithEmptyDatabaseAsync(async db =>
    {
        await On(db).ApplyAsync();
        var edited = Migrator.Embedded.Select(s => s.Name == "0003_history.sql" ? s with { Sql = s.Sql + "\n-- a late edit\n" } : s).ToList();
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => On(db, edited).ApplyAsync());
        Assert.Contains("0003_history.sql has changed since it was applied", refusal.Message);
        Assert.Contains("new migration", refusal.Message);
    });

    [Fact]
    public Task A_database_made_by_the_pre_release_migrations_is_refused_not_patched() => WithEmptyDatabaseAsync(async db =>
    {
        await using (var conn = await db.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                CREATE TABLE schema_journal (script text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                INSERT INTO schema_journal (script) VALUES ('0001_zones_and_parks.sql'), ('0016_map.sql');
                """);
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => On(db).ApplyAsync());
        Assert.Contains("make db-reset", refusal.Message);
    });

    [Fact]
    public Task Results_written_with_indicator_objects_keep_their_values_points_and_benchmarks_as_arrays() => WithEmptyDatabaseAsync(async db =>
    {
        await On(db, Migrator.Embedded.TakeWhile(s => string.CompareOrdinal(s.Name, "0024") < 0).ToList()).ApplyAsync();
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO evaluation_result (run_id, zone_code, year, credit_code, land_mu, class, indicators) VALUES
              (7, 'KZ', 2024, 'A1', 10, 'A', '{"tax_per_mu": {"value": 12.5, "benchmark": 10, "points": 45}, "tax_per_energy": {"value": null, "benchmark": 0.5, "points": 0}}'),
              (7, 'KZ', 2024, 'A2', 10, 'B', '{"tax_per_mu": {"value": 2, "benchmark": 10, "points": 9}, "tax_per_energy": {"value": 0.25, "benchmark": 0.5, "points": 10}}'),
              (7, 'KZ', 2024, 'T1', 10, 'T', '{}'),
              (8, 'KZ', 2023, 'A1', 10, 'A', '{"sales_per_mu": {"value": 100, "benchmark": 80, "points": 35}}');
            """);
        await On(db).ApplyAsync();
        Assert.Equal([(7L, 1, "tax_per_mu", 10.0), (7L, 2, "tax_per_energy", 0.5), (8L, 1, "sales_per_mu", 80.0)],
            await conn.QueryAsync<(long, int, string, double)>("SELECT run_id, ordinal, indicator, benchmark FROM evaluation_benchmark ORDER BY run_id, ordinal"));
        var results = (await conn.QueryAsync<(string? Values, string? Points)>(
            "SELECT indicator_values::text, indicator_points::text FROM evaluation_result ORDER BY run_id, credit_code")).ToList();
        Assert.Equal([("{12.5,NULL}", "{45,0}"), ("{2,0.25}", "{9,10}"), (null, null), ("{100}", "{35}")], results);
    });

    [Fact]
    public async Task The_api_does_not_start_on_a_database_whose_applied_migration_changed()
    {
        var cs = await TestDatabase.CreateAsync();
        try
        {
            await using (var conn = new NpgsqlConnection(cs))
                await conn.ExecuteAsync("UPDATE schema_journal SET sha256 = repeat('0', 64) WHERE script = '0001_register.sql'");
            var start = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApi.StartAsync(cs, new Dictionary<string, string>()));
            Assert.Contains("Migration 0001_register.sql has changed since it was applied", start.Message);
        }
        finally
        {
            await TestDatabase.DropAsync(cs);
        }
    }
}
