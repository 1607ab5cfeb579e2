using Dapper;
using LandRegister.Api.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LandRegister.Tests.Support;

/// <summary>
/// The test cluster (started by <c>make test</c>): one template database migrated once per run, and a fresh
/// copy of it for every test class, so classes never see each other's rows.
/// </summary>
public static class TestDatabase
{
    const string Template = "lr_test_template";

    /// <summary>Server connection string, from LANDREGISTER_TEST_DB or the project-local cluster's default.</summary>
    public static string Server { get; } =
        Environment.GetEnvironmentVariable("LANDREGISTER_TEST_DB") ?? "Host=127.0.0.1;Port=55432;Username=postgres";

    static readonly Lazy<Task> template = new(CreateTemplateAsync);

    public static string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = database, Pooling = false }.ConnectionString;

    /// <summary>A new database holding the migrated schema and nothing else; returns its connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        await template.Value;
        var name = $"lr_test_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE \"{name}\" TEMPLATE \"{Template}\"");
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    /// <summary>An empty database, without the schema (for migration tests).</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        await template.Value; // it clears the leftovers of earlier runs, which this database must not be taken for
        var name = $"lr_test_{Guid.NewGuid():N}";
        await AdminAsync($"CREATE DATABASE \"{name}\"");
        return new NpgsqlConnectionStringBuilder(Server) { Database = name }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await AdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    static async Task CreateTemplateAsync()
    {
        await using var conn = await OpenAdminAsync();
        var leftovers = await conn.QueryAsync<string>("SELECT datname FROM pg_database WHERE datname LIKE 'lr\\_test\\_%'");
        foreach (var name in leftovers) await conn.ExecuteAsync($"DROP DATABASE \"{name}\" WITH (FORCE)");
        await conn.ExecuteAsync($"CREATE DATABASE \"{Template}\"");
        await using (var db = NpgsqlDataSource.Create(ConnectionString(Template)))
            await new Migrator(db, NullLogger<Migrator>.Instance).ApplyAsync();
        NpgsqlConnection.ClearAllPools();
    }

    static async Task AdminAsync(string sql)
    {
        await using var conn = await OpenAdminAsync();
        await conn.ExecuteAsync(sql);
    }

    static async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var conn = new NpgsqlConnection(ConnectionString("postgres"));
        try
        {
            await conn.OpenAsync();
            return conn;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"No PostgreSQL server at '{Server}'. Run the tests with `make test` (it starts the project's cluster), " +
                "or start it with `db/local.sh start`, or point LANDREGISTER_TEST_DB at a server with PostGIS.", e);
        }
    }
}
