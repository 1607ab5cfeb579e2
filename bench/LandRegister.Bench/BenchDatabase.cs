using Dapper;
using Npgsql;

namespace LandRegister.Bench;

/// <summary>The benchmark's own database on the local cluster, kept between runs (its million parcels take minutes to make).</summary>
sealed class BenchDatabase : IAsyncDisposable
{
    public const string Name = "lr_bench";

    public required string ConnectionString { get; init; }
    public required NpgsqlDataSource Source { get; init; }

    public static async Task<BenchDatabase> OpenAsync(BenchOptions options)
    {
        var admin = new NpgsqlConnectionStringBuilder(options.Server) { Database = "postgres" }.ConnectionString;
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            if (!await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @Name)", new { Name }))
                await conn.ExecuteAsync($"CREATE DATABASE {Name}");
        }
        var cs = new NpgsqlConnectionStringBuilder(options.Server) { Database = Name }.ConnectionString;
        return new BenchDatabase { ConnectionString = cs, Source = NpgsqlDataSource.Create(cs) };
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

    public ValueTask DisposeAsync() => Source.DisposeAsync();
}
