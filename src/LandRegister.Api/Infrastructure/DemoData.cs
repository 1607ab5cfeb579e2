using Dapper;
using Npgsql;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Loads the demo zone (db/demo, generated deterministically in SQL) when <c>LandRegister:LoadDemo</c> is true
/// and the zone is not there yet.
/// </summary>
public static class DemoData
{
    public const string ZoneCode = "LSKFQ";

    public static async Task LoadAsync(NpgsqlDataSource db, ILogger log)
    {
        await using var conn = await db.OpenConnectionAsync();
        if (await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM zone WHERE code = @ZoneCode)", new { ZoneCode }))
            return;
        await using var tx = await conn.BeginTransactionAsync();
        foreach (var (name, sql) in Migrator.LoadScripts("demo/"))
        {
            await conn.ExecuteAsync(new CommandDefinition(sql, transaction: tx, commandTimeout: 0));
            log.LogInformation("Loaded demo data {Script}", name);
        }
        await tx.CommitAsync();
    }
}
