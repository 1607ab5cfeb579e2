using Dapper;
using Npgsql;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// Loads the demo zone (db/demo, generated deterministically in SQL) when <c>LandRegister:LoadDemo</c> is true:
/// each script once, recorded in the migrations' journal as <c>demo/…</c>, so a later script reaches a register
/// that already holds the zone.
/// </summary>
public static class DemoData
{
    public const string ZoneCode = "LSKFQ";

    public static async Task LoadAsync(NpgsqlDataSource db, ILogger log)
    {
        await using var conn = await db.OpenConnectionAsync();
        var loaded = (await conn.QueryAsync<string>("SELECT script FROM schema_journal WHERE script LIKE 'demo/%'")).ToHashSet();
        var zoneThere = await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM zone WHERE code = @ZoneCode)", new { ZoneCode });
        foreach (var (name, sql) in Migrator.LoadScripts("demo/"))
        {
            var script = "demo/" + name;
            if (loaded.Contains(script)) continue;
            await using var tx = await conn.BeginTransactionAsync();
            // The zone script predates the journal's record of demo scripts: a zone already there was loaded by it.
            var done = zoneThere && name.Contains("_demo_zone", StringComparison.Ordinal);
            if (!done) await conn.ExecuteAsync(new CommandDefinition(sql, transaction: tx, commandTimeout: 0));
            await conn.ExecuteAsync("INSERT INTO schema_journal (script) VALUES (@script)", new { script }, tx);
            await tx.CommitAsync();
            if (!done) log.LogInformation("Loaded demo data {Script}", name);
        }
    }

    /// <summary>The year the demo's figures are evaluated for, with the zone's scheme of db/demo/0003.</summary>
    public const int EvaluatedYear = 2025;

    /// <summary>
    /// Once the app has started (the scheduler running), evaluates the demo zone's last year unless it has been:
    /// the per-mu figures and classes the map's details panel shows.
    /// </summary>
    public static void EvaluateOnStart(WebApplication app, Jobs.RunKind evaluation)
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        var runs = app.Services.GetRequiredService<Jobs.JobRuns>();
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync();
                var evaluated = await conn.ExecuteScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = @ZoneCode AND year = @EvaluatedYear)", new { ZoneCode, EvaluatedYear });
                if (evaluated || await runs.ActiveAsync(evaluation.Name, ZoneCode, EvaluatedYear) is not null) return;
                var run = await runs.StartAsync(evaluation, ZoneCode, EvaluatedYear, null, "demo");
                app.Logger.LogInformation("Evaluating the demo zone's {Year}: run {Run}", EvaluatedYear, run.Id);
            }
            catch (Exception e)
            {
                app.Logger.LogError(e, "Starting the demo zone's evaluation failed");
            }
        }));
    }
}
