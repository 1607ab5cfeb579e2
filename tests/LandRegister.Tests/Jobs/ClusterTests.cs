using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using Npgsql;

namespace LandRegister.Tests.Jobs;

/// <summary>
/// The scheduler as Hangfire runs it: real API processes on one database. Each run executes once whichever node is
/// asked; a node killed mid-run has its run taken over and finished by another; a run cut off by a database restart
/// is tried again. Runs are evaluations of zones whose enterprises hold supplied parcels in use, with 2023-2024 figures.
/// </summary>
[Collection(nameof(DatabaseOutages))]
public sealed class ClusterTests : IAsyncLifetime
{
    string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabase.CreateAsync();
        await RunZones.ArrangeAsync(connectionString);
    }

    public async Task DisposeAsync() => await TestDatabase.DropAsync(connectionString);

    static Dictionary<string, string> Node(int pauseMs = 0) => new()
    {
        ["Jobs:PauseBeforeCommitMs"] = pauseMs.ToString(), ["Jobs:AbandonedAfterSeconds"] = "300",
    };

    async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        return (await conn.ExecuteScalarAsync<T>(sql, args))!;
    }

    static async Task<string> StartAsync(HttpClient client, string zone, int year)
    {
        var response = await client.PostAsync("/api/evaluation/runs",
            new StringContent(new JsonObject { ["zone"] = zone, ["year"] = year }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.ToString();
    }

    [Fact]
    public async Task On_two_nodes_each_of_eight_runs_executes_exactly_once_and_both_nodes_work()
    {
        // Each run holds its worker a second before committing, so one node alone could not take them all at once.
        await using var first = await TestApi.StartAsync(connectionString, Node(pauseMs: 1000));
        await using var second = await TestApi.StartAsync(connectionString, Node(pauseMs: 1000));
        var locations = new List<string>();
        foreach (var (zone, i) in RunZones.Zones.Select((z, i) => (z, i)))
            foreach (var year in new[] { 2023, 2024 })
                locations.Add(await StartAsync(i % 2 == 0 ? first.Client : second.Client, zone, year));
        var runs = new List<JsonObject>();
        foreach (var location in locations) runs.Add(await Runs.WaitAsync(first.Client, location, TimeSpan.FromSeconds(90)));

        Assert.All(runs, r => Assert.Equal("succeeded", (string)r["status"]!));
        Assert.All(runs, r => Assert.Equal(1, (int)r["attempts"]!));
        // A run's success is committed before it is logged, and the console logger writes on a thread of its own: the
        // last run's line can reach the output a moment after the run reads succeeded.
        var lines = runs.Select(run => $"Run {run["id"]} (evaluation, zone {run["zoneCode"]}) succeeded").ToList();
        var output = first.Output.Concat(second.Output).ToList();
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(10) && !lines.All(l => output.Any(o => o.Contains(l))); await Task.Delay(100))
            output = first.Output.Concat(second.Output).ToList();
        foreach (var line in lines)
            Assert.Single(output, o => o.Contains(line));
        Assert.Equal(2, runs.Select(r => (string)r["node"]!).Distinct().Count());
        Assert.Equal(6 * 2, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result r JOIN evaluation_current c USING (run_id)"));
        Assert.Equal(2, await ScalarAsync<long>("SELECT count(*) FROM hangfire.server"));
        // Hangfire marks a job succeeded once its method has returned, a moment after the run's own success commits.
        long succeeded = 0;
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(15); await Task.Delay(200))
            if ((succeeded = await ScalarAsync<long>("SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded' AND invocationdata::text LIKE '%RunJob%'")) == 8)
                break;
        Assert.Equal(8, succeeded);
    }

    [Fact]
    public async Task A_node_killed_mid_run_has_its_run_finished_by_the_other_node_within_a_minute()
    {
        // The previous results: a finished run of the same year.
        var previous = await ScalarAsync<long>("""
            INSERT INTO job_run (kind, zone_code, year, status, requested_by, finished_at) VALUES ('evaluation', 'KZ', 2024, 'succeeded', 'test', now()) RETURNING id
            """);
        await ScalarAsync<int>("""
            INSERT INTO evaluation_result (run_id, zone_code, year, credit_code, land_mu, class) VALUES (@previous, 'KZ', 2024, '91350100M000100Y43', 1, 'A');
            INSERT INTO evaluation_current (zone_code, year, run_id) VALUES ('KZ', 2024, @previous);
            SELECT 1
            """, new { previous });

        var doomed = await TestApi.StartAsync(connectionString, Node(pauseMs: 120_000));
        var location = await StartAsync(doomed.Client, "KZ", 2024);
        var paused = await WaitForPhaseAsync(doomed.Client, location, "paused");
        var runId = (long)paused["id"]!;
        await using var survivor = await TestApi.StartAsync(connectionString, Node());
        var clock = Stopwatch.StartNew();
        doomed.Kill();
        await doomed.DisposeAsync();

        // Nothing of the killed run is visible, and the previous results are still the year's.
        Assert.Equal(previous, await ScalarAsync<long>("SELECT run_id FROM evaluation_current WHERE zone_code = 'KZ' AND year = 2024"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @runId", new { runId }));

        var finished = await Runs.WaitAsync(survivor.Client, location, TimeSpan.FromSeconds(60));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"finished {clock.Elapsed} after the kill");
        Assert.Equal("succeeded", (string)finished["status"]!);
        Assert.Equal(2, (int)finished["attempts"]!);
        Assert.NotEqual((string)paused["node"]!, (string)finished["node"]!);
        Assert.Equal(runId, await ScalarAsync<long>("SELECT run_id FROM evaluation_current WHERE zone_code = 'KZ' AND year = 2024"));
        Assert.Equal(3, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @runId", new { runId }));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @previous", new { previous }));
    }

    [Fact]
    public async Task A_run_cut_off_by_a_database_restart_is_tried_again_and_the_next_run_can_start()
    {
        await using var node = await TestApi.StartAsync(connectionString, Node(pauseMs: 4000));
        var location = await StartAsync(node.Client, "KY", 2024);
        await WaitForPhaseAsync(node.Client, location, "paused");
        await Cluster.RestartAsync();
        var back = Stopwatch.StartNew();

        var finished = await Runs.WaitThroughOutageAsync(node.Client, location, TimeSpan.FromSeconds(60));
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(60), $"the run ended {back.Elapsed} after the database came back");
        if ((string)finished["status"]! == "succeeded") Assert.True((int)finished["attempts"]! >= 2, finished.ToJsonString());
        else Assert.Contains("database", (string)finished["error"]!);

        var next = await Runs.WaitAsync(node.Client, await StartAsync(node.Client, "KY", 2024), TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", (string)next["status"]!);
    }

    [Fact]
    public async Task A_node_started_while_a_killed_node_still_holds_a_schedule_lock_serves_and_writes_the_schedule_later()
    {
        await using (await TestApi.StartAsync(connectionString, Node())) { } // Hangfire's tables, and the schedules
        // What a node killed while the scheduler held the watchdog's lock leaves behind.
        const string Held = "INSERT INTO hangfire.lock (resource, acquired) VALUES ('hangfire:lock:recurring-job:watchdog', now()), ('lock:recurring-job:watchdog', now()) ON CONFLICT DO NOTHING";
        await ScalarAsync<int>($"{Held}; SELECT 1");

        await using var node = await TestApi.StartAsync(connectionString, Node());
        Assert.Equal(HttpStatusCode.OK, (await node.Client.GetAsync("/api/jobs")).StatusCode);
        Assert.Contains(node.Output, line => line.Contains("is locked by another node"));

        await ScalarAsync<int>("DELETE FROM hangfire.lock WHERE resource LIKE '%recurring-job:watchdog'; SELECT 1");
        for (var clock = Stopwatch.StartNew(); !node.Output.Any(line => line.Contains("The schedule watchdog is written")); await Task.Delay(250))
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the schedule was not written once the lock was free");
    }

    static async Task<JsonObject> WaitForPhaseAsync(HttpClient client, string location, string phase)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var run = JsonNode.Parse(await client.GetStringAsync(location))!.AsObject();
            if (((string?)run["phase"] ?? "").Contains(phase)) return run;
            if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException($"run never reached '{phase}': {run}");
            await Task.Delay(100);
        }
    }
}
