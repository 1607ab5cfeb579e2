using System.Text.RegularExpressions;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// What the application role may do, granted by the schema's owner at every start (so a new table is covered as soon as
/// its migration is applied): read and write the register's rows, but never change the schema, never TRUNCATE, never
/// UPDATE or DELETE a row of an append-only table (the histories, supply records, ledger progress and evidence, rent
/// allocations) and never DELETE a parcel, premises, lease or ledger item; read the migration journal; have the parcels'
/// statistics refreshed after a bulk write (<c>refresh_parcel_statistics</c>, run as the owner); keep Hangfire's state in
/// its own schema. The role is created (LOGIN, no password: set one for anything but a local install) when it
/// does not exist and the owner may create roles.
/// </summary>
public static partial class ApplicationPrivileges
{
    public static async Task GrantAsync(NpgsqlConnection conn, string role, ILogger log)
    {
        if (!RoleName().IsMatch(role))
            throw new InvalidOperationException($"The user of ConnectionStrings:Register, '{role}', is not a plain role name (lower-case letters, digits, '_').");
        if (!await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @role)", new { role }))
        {
            try
            {
                await conn.ExecuteAsync($"CREATE ROLE {role} LOGIN");
                log.LogInformation("Created the application role {Role}", role);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
            {
                // another instance (or database of the same server) created it at the same moment
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new InvalidOperationException(
                    $"The application role {role} does not exist and the owner (ConnectionStrings:Migrations) may not create roles: " +
                    $"create it (CREATE ROLE {role} LOGIN PASSWORD '…') and start again.", e);
            }
        }
        await conn.ExecuteAsync($"""
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
            REVOKE ALL ON schema_journal FROM {role};
            GRANT SELECT ON schema_journal TO {role};
            GRANT EXECUTE ON FUNCTION refresh_parcel_statistics(bigint) TO {role};
            DO $grant$
            DECLARE t record;
            BEGIN
                FOR t IN
                    SELECT c.relname, bool_or(g.tgname LIKE '%\_append\_only') AS append_only
                    FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc f ON f.oid = g.tgfoid
                    WHERE f.proname = 'register_append_only' AND c.relnamespace = 'public'::regnamespace
                    GROUP BY c.relname
                LOOP
                    EXECUTE format('REVOKE DELETE%s ON %I FROM {role}', CASE WHEN t.append_only THEN ', UPDATE' ELSE '' END, t.relname);
                END LOOP;
            END $grant$;
            CREATE SCHEMA IF NOT EXISTS hangfire;
            GRANT USAGE, CREATE ON SCHEMA hangfire TO {role};
            GRANT ALL ON ALL TABLES IN SCHEMA hangfire TO {role};
            GRANT ALL ON ALL SEQUENCES IN SCHEMA hangfire TO {role};
            """);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
