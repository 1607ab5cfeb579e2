using LandRegister.Api.Jobs;

namespace LandRegister.Api.Demo;

/// <summary>
/// Loads the demo zone (db/demo, generated deterministically in SQL) when <c>LandRegister:LoadDemo</c> is true: each
/// script once, recorded in <c>demo_load</c>, so a later script reaches a register that already holds the zone.
/// </summary>
public static class DemoData
{
    public const string ZoneCode = "LSKFQ";

    public static async Task LoadAsync(NpgsqlDataSource db, ILogger log)
    {
        await using var conn = await db.OpenConnectionAsync();
        await conn.ExecuteAsync("CREATE TABLE IF NOT EXISTS demo_load (script text PRIMARY KEY, loaded_at timestamptz NOT NULL DEFAULT now())");
        var loaded = (await conn.QueryAsync<string>("SELECT script FROM demo_load")).ToHashSet();
        foreach (var script in Migrator.LoadScripts("demo/").Where(s => !loaded.Contains(s.Name)))
        {
            await using var tx = await conn.BeginTransactionAsync();
            await conn.ExecuteAsync(new CommandDefinition(script.Sql, transaction: tx, commandTimeout: 0));
            await conn.ExecuteAsync("INSERT INTO demo_load (script) VALUES (@Name)", script, tx);
            await tx.CommitAsync();
            log.LogInformation("Loaded demo data {Script}", script.Name);
        }
    }

    /// <summary>The year the demo's figures are evaluated for, with the zone's scheme of db/demo/0003.</summary>
    public const int EvaluatedYear = 2025;

    /// <summary>
    /// Once the app has started (the scheduler running), evaluates the demo zone's last year and applies the idle-land
    /// rule today, unless they have been: so the map's details panel shows per-mu figures and classes, and the idle-land
    /// findings list the zone's idle land, from the first start.
    /// </summary>
    public static void RunOnStart(WebApplication app, RunKind evaluation, RunKind idleLand)
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        var runs = app.Services.GetRequiredService<JobRuns>();
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync();
                var (evaluated, idleChecked) = await conn.QuerySingleAsync<(bool, bool)>("""
                    SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = @ZoneCode AND year = @EvaluatedYear),
                           EXISTS (SELECT 1 FROM idle_current WHERE zone_code = @ZoneCode)
                    """, new { ZoneCode, EvaluatedYear });
                if (!evaluated && await runs.ActiveAsync(evaluation.Name, ZoneCode, EvaluatedYear) is null)
                {
                    var run = await runs.StartAsync(evaluation, ZoneCode, EvaluatedYear, null, "demo");
                    app.Logger.LogInformation("Evaluating the demo zone's {Year}: run {Run}", EvaluatedYear, run.Id);
                }
                if (!idleChecked && await runs.ActiveAsync(idleLand.Name, ZoneCode, null) is null)
                {
                    var run = await runs.StartAsync(idleLand, ZoneCode, null, RegisterClock.Today, "demo");
                    app.Logger.LogInformation("Applying the idle-land rule to the demo zone: run {Run}", run.Id);
                }
            }
            catch (Exception e)
            {
                app.Logger.LogError(e, "Starting the demo zone's runs failed");
            }
        }));
    }
}
