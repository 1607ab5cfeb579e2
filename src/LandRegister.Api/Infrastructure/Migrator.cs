using System.Reflection;
using Dapper;
using Npgsql;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Applies the numbered SQL scripts of <c>db/migrations</c> (embedded in this assembly) in order: one
/// transaction per script, recorded in <c>schema_journal</c>, under an advisory lock so that instances
/// starting together never race.
/// </summary>
public sealed class Migrator(NpgsqlDataSource db, ILogger<Migrator> log)
{
    const long LockKey = 0x4C_52_4D_49_47; // "LRMIG"

    const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_journal (
            script     text PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = LoadScripts("migrations/");

    public async Task ApplyAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // Another instance may be applying a long migration: wait for it, however long it takes.
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, commandTimeout: 0, cancellationToken: ct));
        try
        {
            await conn.ExecuteAsync(CreateJournal);
            var applied = (await conn.QueryAsync<string>("SELECT script FROM schema_journal")).ToHashSet();
            foreach (var (name, sql) in Scripts.Where(s => !applied.Contains(s.Name)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(sql, transaction: tx, commandTimeout: 0, cancellationToken: ct));
                await conn.ExecuteAsync("INSERT INTO schema_journal (script) VALUES (@name)", new { name }, tx);
                await tx.CommitAsync(ct);
                log.LogInformation("Applied migration {Script}", name);
            }
        }
        finally
        {
            await conn.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
        // Scripts may create types (PostGIS); later connections must see them.
        await conn.ReloadTypesAsync(ct);
    }

    /// <summary>Names of the scripts not yet applied; empty when the schema is current.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var journal = await conn.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_journal') IS NOT NULL");
        var applied = journal ? (await conn.QueryAsync<string>("SELECT script FROM schema_journal")).ToHashSet() : [];
        return Scripts.Select(s => s.Name).Where(n => !applied.Contains(n)).ToList();
    }

    internal static IReadOnlyList<(string Name, string Sql)> LoadScripts(string prefix)
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return (n[prefix.Length..], reader.ReadToEnd());
            })
            .ToList();
    }
}
