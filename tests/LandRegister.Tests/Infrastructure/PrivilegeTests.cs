using Dapper;
using LandRegister.Tests.Support;
using Npgsql;

namespace LandRegister.Tests.Infrastructure;

/// <summary>
/// The app serves requests as an application role that cannot change the schema, TRUNCATE anything, or rewrite or
/// delete history; the schema's owner migrates.
/// </summary>
public sealed class PrivilegeTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task Requests_are_served_as_the_application_role()
    {
        var db = (NpgsqlDataSource)app.Services.GetService(typeof(NpgsqlDataSource))!;
        await using var conn = await db.OpenConnectionAsync();
        Assert.Equal(RegisterApp.ApplicationRole, await conn.ExecuteScalarAsync<string>("SELECT current_user"));
        Assert.False(await conn.ExecuteScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"));
    }

    [Theory]
    [InlineData("TRUNCATE parcel_history")]
    [InlineData("TRUNCATE parcel CASCADE")]
    [InlineData("UPDATE parcel_history SET reason = 'rewritten'")]
    [InlineData("DELETE FROM parcel_history")]
    [InlineData("DELETE FROM parcel_supply")]
    [InlineData("UPDATE ledger_progress SET text = 'rewritten'")]
    [InlineData("DELETE FROM parcel")]
    [InlineData("ALTER TABLE parcel ADD COLUMN note text")]
    [InlineData("DROP TABLE zone CASCADE")]
    [InlineData("CREATE TABLE public.scratch (i int)")]
    [InlineData("DROP TRIGGER parcel_history_append_only ON parcel_history")]
    [InlineData("INSERT INTO schema_journal (script, sha256) VALUES ('9999_x.sql', 'x')")]
    public async Task The_application_role_may_not(string sql)
    {
        await using var conn = new NpgsqlConnection(app.ApplicationConnectionString);
        await conn.OpenAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync(sql));
        Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
    }

    [Fact]
    public async Task The_application_role_reads_and_writes_the_registers_rows()
    {
        await using var conn = new NpgsqlConnection(app.ApplicationConnectionString);
        await conn.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await conn.ExecuteAsync("INSERT INTO zone (code, name, gk_epsg, created_by, updated_by) VALUES ('PRIV', '权限测试', 4549, 't', 't')", transaction: tx);
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM zone WHERE code = 'PRIV'", transaction: tx));
        Assert.True(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_journal", transaction: tx) > 0);
        await tx.RollbackAsync();
    }
}
