using System.Collections.Concurrent;

namespace LandRegister.Api.Access;

/// <summary>
/// Finds the key behind a presented secret. Keys live in the database; a key found valid is remembered (by the hash of
/// the secret) while this instance hears the database's change announcements, and forgotten at any change to any key
/// (migration 0016), so a request with a known key costs no database round trip while a revocation takes effect as
/// soon as it is announced: before the revoking request is answered on the instance that made it, within the
/// notification's delivery on the others. Expiry is checked on every request. A refused secret in the form of a
/// generated key (which can never become valid: its public id is unknown, or it was revoked or expired) is remembered
/// by its hash for <see cref="RefusalSeconds"/>, so a client repeating it costs no database round trip. Other secrets
/// can only be the key given at start-up, which another instance may set at any moment; the per-address rate limit
/// bounds their cost.
/// </summary>
public sealed class ApiKeyStore
{
    public const string BootstrapName = "admin";
    public const int RefusalSeconds = 30;
    const int MaxRefusals = 10_000, MaxVerified = 10_000;

    readonly ConcurrentDictionary<string, (string Failure, DateTime Until)> refused = new();
    readonly ConcurrentDictionary<string, (ApiKeyRow Key, long Epoch)> verified = new();
    readonly Lock gate = new();
    readonly NpgsqlDataSource db;
    readonly RegisterChanges changes;
    long generation;

    public ApiKeyStore(NpgsqlDataSource db, RegisterChanges changes)
    {
        (this.db, this.changes) = (db, changes);
        changes.Changed += change =>
        {
            if (change.Table == "api_key") ForgetVerified();
        };
        changes.Lost += ForgetVerified;
    }

    void ForgetVerified()
    {
        lock (gate)
        {
            generation++;
            verified.Clear();
        }
    }

    /// <summary>The active key for <paramref name="presented"/>, or why there is none (unknown, revoked, expired).</summary>
    internal async Task<(ApiKeyRow? Key, string? Failure)> FindAsync(string presented)
    {
        var hash = Convert.ToBase64String(ApiKeySecret.Hash(presented));
        var epoch = changes.Epoch;
        if (epoch >= 0 && verified.TryGetValue(hash, out var valid) && valid.Epoch == epoch
            && (valid.Key.ExpiresAt is null || valid.Key.ExpiresAt > DateTime.UtcNow))
            return (valid.Key, null);
        long seen;
        lock (gate) seen = generation;
        // Only refused secrets in the form of a generated key are remembered: others may become the start-up key.
        var generated = ApiKeySecret.TryReadPublicId(presented, out _);
        if (generated && refused.TryGetValue(hash, out var known) && known.Until > DateTime.UtcNow) return (null, known.Failure);
        var found = await LookUpAsync(presented);
        if (found.Key is { } key)
        {
            lock (gate)
                if (epoch >= 0 && epoch == changes.Epoch && seen == generation)
                {
                    if (verified.Count >= MaxVerified) verified.Clear();
                    verified[hash] = (key, epoch);
                }
        }
        else if (generated && found.Failure is { } failure)
        {
            if (refused.Count >= MaxRefusals) refused.Clear();
            refused[hash] = (failure, DateTime.UtcNow.AddSeconds(RefusalSeconds));
        }
        return found;
    }

    async Task<(ApiKeyRow? Key, string? Failure)> LookUpAsync(string presented)
    {
        await using var conn = await db.OpenConnectionAsync();
        ApiKeyRow? key = null;
        if (ApiKeySecret.TryReadPublicId(presented, out var publicId))
        {
            var row = await conn.QuerySingleOrDefaultAsync<ApiKeyRow>(
                $"SELECT {ApiKeyRow.Columns} FROM api_key WHERE public_id = @publicId", new { publicId });
            if (row is not null && ApiKeySecret.Matches(row.SecretHash, presented)) key = row;
        }
        if (key is null)
        {
            // Keys without a public id (the one given by LANDREGISTER_ADMIN_KEY) are few; compare each in constant time.
            var rows = await conn.QueryAsync<ApiKeyRow>($"SELECT {ApiKeyRow.Columns} FROM api_key WHERE public_id IS NULL");
            key = rows.FirstOrDefault(r => ApiKeySecret.Matches(r.SecretHash, presented));
        }
        return key switch
        {
            null => (null, "unknown"),
            { RevokedAt: not null } => (null, "revoked"),
            { ExpiresAt: { } at } when at <= DateTime.UtcNow => (null, "expired"),
            _ => (key, null),
        };
    }

    /// <summary>Makes the admin key given at start-up exist with exactly that value (created or rotated).</summary>
    public async Task EnsureBootstrapAdminAsync(string key)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("""
            INSERT INTO api_key (name, role, zones, public_id, secret_hash, created_by)
            VALUES (@BootstrapName, 'admin', NULL, NULL, @hash, 'LANDREGISTER_ADMIN_KEY')
            ON CONFLICT (name) DO UPDATE
            SET role = 'admin', zones = NULL, public_id = NULL, secret_hash = excluded.secret_hash,
                expires_at = NULL, revoked_at = NULL, revoked_by = NULL, version = api_key.version + 1
            WHERE api_key.secret_hash <> excluded.secret_hash OR api_key.revoked_at IS NOT NULL
               OR api_key.role <> 'admin' OR api_key.zones IS NOT NULL OR api_key.expires_at IS NOT NULL
            """, new { BootstrapName, hash = ApiKeySecret.Hash(key) });
    }
}
