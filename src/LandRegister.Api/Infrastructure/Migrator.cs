using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Applies the numbered SQL scripts of <c>db/migrations</c> (embedded in this assembly) in order: one transaction per
/// script, recorded in <c>schema_journal</c> with its SHA-256, under an advisory lock so that instances starting together
/// never race. Scripts are added, never edited: a start finds an applied script whose text has changed and refuses.
/// </summary>
public sealed class Migrator(NpgsqlDataSource db, ILogger<Migrator> log)
{
    const long LockKey = 0x4C_52_4D_49_47; // "LRMIG"

    const string CreateJournal = """
        CREATE TABLE IF NOT EXISTS schema_journal (
            script     text PRIMARY KEY,
            sha256     text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    public sealed record Script(string Name, string Sql)
    {
        public string Sha256 => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    /// <summary>The scripts of this build, db/migrations.</summary>
    public static IReadOnlyList<Script> Embedded { get; } = LoadScripts("migrations/");

    /// <summary>The scripts this migrator applies: this build's; tests may give others.</summary>
    public IReadOnlyList<Script> Scripts { get; init; } = Embedded;

    /// <summary>The role requests are served as, granted its privileges after every start's migrations; null when the owner serves them.</summary>
    public string? ApplicationRole { get; init; }

    public async Task ApplyAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // Another instance may be applying a long migration: wait for it, however long it takes.
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, commandTimeout: 0, cancellationToken: ct));
        try
        {
            await RefuseStrangersAsync(conn);
            await conn.ExecuteAsync(CreateJournal);
            var applied = await AppliedAsync(conn);
            CheckUnchanged(applied);
            foreach (var script in Scripts.Where(s => !applied.ContainsKey(s.Name)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(script.Sql, transaction: tx, commandTimeout: 0, cancellationToken: ct));
                await conn.ExecuteAsync("INSERT INTO schema_journal (script, sha256) VALUES (@Name, @Sha256)", script, tx);
                await tx.CommitAsync(ct);
                log.LogInformation("Applied migration {Script}", script.Name);
            }
            if (ApplicationRole is { } role) await ApplicationPrivileges.GrantAsync(conn, role, log);
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

    static async Task<Dictionary<string, string>> AppliedAsync(NpgsqlConnection conn) =>
        (await conn.QueryAsync<(string Script, string Sha256)>("SELECT script, sha256 FROM schema_journal")).ToDictionary(r => r.Script, r => r.Sha256);

    /// <summary>A database made by something else, or by the pre-release migrations this baseline replaced, is not upgraded in place.</summary>
    static async Task RefuseStrangersAsync(NpgsqlConnection conn)
    {
        var journal = await conn.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_journal') IS NOT NULL");
        var shaColumn = journal && await conn.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'schema_journal'::regclass AND attname = 'sha256' AND NOT attisdropped)");
        var tables = await conn.ExecuteScalarAsync<bool>("SELECT to_regclass('parcel') IS NOT NULL");
        if ((journal && !shaColumn) || (!journal && tables))
            throw new InvalidOperationException(
                "This database holds a register made before the current schema baseline (pre-release migrations without checksums); " +
                "it cannot be upgraded in place. Make a new database for it (for the local one: make db-reset).");
    }

    void CheckUnchanged(Dictionary<string, string> applied)
    {
        var scripts = Scripts.ToDictionary(s => s.Name);
        foreach (var (name, sha256) in applied)
        {
            if (!scripts.TryGetValue(name, out var script))
                throw new InvalidOperationException(
                    $"Migration {name} was applied to this database but this build does not have it: the database is newer than the program, or was made by another one.");
            if (script.Sha256 != sha256)
                throw new InvalidOperationException(
                    $"Migration {name} has changed since it was applied to this database (SHA-256 {sha256[..12]}… applied, {script.Sha256[..12]}… now). " +
                    "Applied migrations are never edited: restore the file and put the change in a new migration.");
        }
    }

    internal static IReadOnlyList<Script> LoadScripts(string prefix)
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Script(n[prefix.Length..], reader.ReadToEnd());
            })
            .ToList();
    }
}
