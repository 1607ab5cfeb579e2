using Dapper;
using Npgsql;

namespace LandRegister.Bench;

/// <summary>
/// A benchmark database on the local cluster: <c>lr_bench</c> is kept between runs (its million parcels and five
/// million history rows take minutes to make); others are made fresh for one benchmark.
/// </summary>
sealed class BenchDatabase : IAsyncDisposable
{
    public const string Kept = "lr_bench";

    public required string ConnectionString { get; init; }
    public required NpgsqlDataSource Source { get; init; }

    public static async Task<BenchDatabase> OpenAsync(BenchOptions options, string name = Kept, bool fresh = false)
    {
        var admin = new NpgsqlConnectionStringBuilder(options.Server) { Database = "postgres" }.ConnectionString;
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            if (fresh || await MadeBeforeBaselineAsync(options, name)) await conn.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if (!await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", new { name }))
                await conn.ExecuteAsync($"CREATE DATABASE {name}");
        }
        // The session settings the API gives its own connections, so that direct statements compare fairly.
        var cs = new NpgsqlConnectionStringBuilder(options.Server) { Database = name, Options = "-c max_parallel_workers_per_gather=0 -c jit=off" }.ConnectionString;
        return new BenchDatabase { ConnectionString = cs, Source = NpgsqlDataSource.Create(cs) };
    }

    /// <summary>A kept database made by the migrations the schema baseline replaced, which the API refuses: it is made again.</summary>
    static async Task<bool> MadeBeforeBaselineAsync(BenchOptions options, string name)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.Server) { Database = "postgres" }.ConnectionString);
        await conn.OpenAsync();
        if (!await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @name)", new { name })) return false;
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.Server) { Database = name, Pooling = false }.ConnectionString);
        await db.OpenAsync();
        return await db.ExecuteScalarAsync<bool>("""
            SELECT to_regclass('schema_journal') IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'schema_journal'::regclass AND attname = 'sha256')
            """);
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var conn = await Source.OpenConnectionAsync();
        await conn.ExecuteAsync(new CommandDefinition(sql, args, commandTimeout: 0));
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = await Source.OpenConnectionAsync();
        return (await conn.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, commandTimeout: 0)))!;
    }

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var conn = await Source.OpenConnectionAsync();
        return (await conn.QueryAsync<T>(new CommandDefinition(sql, args, commandTimeout: 0))).ToList();
    }

    /// <summary>
    /// Runs a page's statement as the API does (the count, then the rows) and reads every value of every row, as a
    /// client of PostgreSQL would: the peer of an API page.
    /// </summary>
    public async Task<(long Matched, int Rows)> ReadPageAsync(string sql, object args)
    {
        await using var conn = await Source.OpenConnectionAsync();
        await using var reader = await conn.ExecuteReaderAsync(sql, args);
        await reader.ReadAsync();
        var matched = reader.GetInt64(0);
        await reader.NextResultAsync();
        var rows = 0;
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }
        return (matched, rows);
    }

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
