using System.Diagnostics;
using Dapper;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Support;
using Npgsql;

namespace LandRegister.Tests.Infrastructure;

/// <summary>db/schema.sql is the schema the migrations make, and the errors the API translates name real constraints.</summary>
public sealed class SchemaTests
{
    [Fact]
    public async Task A_migrated_database_is_exactly_db_schema_sql()
    {
        var cs = await TestDatabase.CreateAsync();
        try
        {
            var dumped = await DumpAsync(cs);
            var committed = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "db", "schema.sql"));
            var (ours, theirs) = (dumped.Split('\n'), committed.Split('\n'));
            var first = Enumerable.Range(0, Math.Max(ours.Length, theirs.Length))
                .FirstOrDefault(i => i >= ours.Length || i >= theirs.Length || ours[i] != theirs[i], -1);
            Assert.True(first < 0,
                $"db/schema.sql differs from a migrated database at line {first + 1}:\n  committed: {theirs.ElementAtOrDefault(first)}\n  migrated:  {ours.ElementAtOrDefault(first)}\n" +
                "Regenerate it with `make schema` (migrations are added, never edited) and commit it.");
        }
        finally
        {
            await TestDatabase.DropAsync(cs);
        }
    }

    [Fact]
    public async Task Every_constraint_the_api_translates_exists()
    {
        var cs = await TestDatabase.CreateAsync();
        try
        {
            await using var conn = new NpgsqlConnection(cs);
            var known = (await conn.QueryAsync<string>("""
                SELECT conname FROM pg_constraint UNION SELECT indexrelid::regclass::text FROM pg_index
                UNION SELECT (regexp_matches(prosrc, 'CONSTRAINT = ''([a-z_]+)''', 'g'))[1] FROM pg_proc
                """)).ToHashSet();
            var unknown = PostgresErrors.ConstraintNames.Where(c => !known.Contains(c)).ToList();
            Assert.True(unknown.Count == 0, $"PostgresErrors names constraints the schema does not have: {string.Join(", ", unknown)}");
        }
        finally
        {
            await TestDatabase.DropAsync(cs);
        }
    }

    static async Task<string> DumpAsync(string connectionString)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "db", "schema.sh"), "dump", cs.Database!])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["PGHOST"] = cs.Host, ["PGPORT"] = cs.Port.ToString(), ["PGUSER"] = cs.Username },
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return await output;
    }
}
