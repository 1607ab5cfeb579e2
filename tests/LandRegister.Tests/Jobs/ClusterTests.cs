using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using Npgsql;

namespace LandRegister.Tests.Jobs;

/// <summary>
/// The scheduler as a cluster of real processes on one database: a run executes once whichever node is asked, and
/// a node killed in the middle of a run leaves the previous results in place; the run is then taken over by
/// another node or marked failed, never left running.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    string connectionString = "";
    readonly string cluster = $"cluster-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        connectionString = await TestDatabase.CreateAsync();
        await using var conn = new NpgsqlConnection(connectionString);
        // A zone of three enterprises, each holding a supplied parcel in use, with figures for 2023 and 2024.
        await conn.ExecuteAsync("""
            INSERT INTO zone (code, name, gk_epsg) VALUES ('KZ', '集群测试区', 4549), ('KY', '另一区', 4549);
            INSERT INTO enterprise (credit_code, zone_code, name, above_scale, production_started_on, created_by, updated_by)
            SELECT code, zone, 'E' || n, true, '2010-01-01', 'test', 'test'
            FROM (VALUES (1, '91350100M000100Y43', 'KZ'), (2, '91110000600037341L', 'KZ'), (3, '911100001000079554', 'KZ'),
                         (4, '91320000134784613K', 'KY')) AS e (n, code, zone);
            WITH e AS (SELECT credit_code, zone_code, name, row_number() OVER (ORDER BY credit_code) AS n FROM enterprise),
            p AS (
                INSERT INTO parcel (zone_code, code, status, geom, created_by, updated_by)
                SELECT zone_code, 'P-' || credit_code, 'in_use', ST_Multi(ST_MakeEnvelope(119.3 + 0.01 * n, 33.8, 119.302 + 0.01 * n, 33.802, 4326)), 'test', 'test'
                FROM e RETURNING id, code)
            INSERT INTO parcel_supply (parcel_id, method, dealt_on, recipient_name, recipient_credit_code, price_wan, construction_start_by, completion_by, created_by)
            SELECT p.id, 'transfer', '2015-01-01', e.name, e.credit_code, 100, '2015-06-01', '2017-06-01', 'test'
            FROM p JOIN e ON p.code = 'P-' || e.credit_code;
            UPDATE parcel p SET supply_id = s.id FROM parcel_supply s WHERE s.parcel_id = p.id;
            INSERT INTO enterprise_indicator (credit_code, year, tax_wan, sales_wan, energy_tce, updated_by)
            SELECT credit_code, y, 10 + length(credit_code) * y % 7, 100 + y % 13, 50, 'test' FROM enterprise, generate_series(2023, 2024) y;
            """);
    }

    public async Task DisposeAsync() => await TestDatabase.DropAsync(connectionString);

    Dictionary<string, string> Node(int pauseMs = 0) => new()
    {
        ["Jobs:SchedulerName"] = cluster, ["Jobs:ClusterCheckinSeconds"] = "1", ["Jobs:AbandonedAfterSeconds"] = "120",
        ["Jobs:PauseBeforeCommitMs"] = pauseMs.ToString(),
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
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    [Fact]
    public async Task On_a_cluster_of_two_nodes_each_run_executes_once()
    {
        await using var first = await ApiProcess.StartAsync(connectionString, Node());
        await using var second = await ApiProcess.StartAsync(connectionString, Node());
        var locations = new List<string>
        {
            await StartAsync(first.Client, "KZ", 2024), await StartAsync(second.Client, "KY", 2024),
        };
        var runs = new List<JsonObject>();
        foreach (var location in locations) runs.Add(await Runs.WaitAsync(first.Client, location, TimeSpan.FromSeconds(60)));
        Assert.All(runs, r => Assert.Equal("succeeded", (string)r["status"]!));
        Assert.All(runs, r => Assert.Equal(1, (int)r["attempts"]!));
        Assert.Equal(3, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result r JOIN evaluation_current c ON c.run_id = r.run_id WHERE c.zone_code = 'KZ'"));
        Assert.Equal(2, await ScalarAsync<long>("SELECT count(*) FROM job_run WHERE status = 'succeeded'"));
        Assert.Equal(2, await ScalarAsync<long>($"SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = '{cluster}'"));
    }

    [Fact]
    public async Task A_node_killed_mid_run_leaves_the_previous_results_and_the_run_is_taken_over_or_failed()
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

        var doomed = await ApiProcess.StartAsync(connectionString, Node(pauseMs: 120_000));
        var location = await StartAsync(doomed.Client, "KZ", 2024);
        var paused = await Runs.WaitAsync(doomed.Client, location, TimeSpan.FromSeconds(60), "running");
        for (var i = 0; i < 300 && !((string?)paused["phase"] ?? "").Contains("paused"); i++)
        {
            await Task.Delay(100);
            paused = JsonNode.Parse(await doomed.Client.GetStringAsync(location))!.AsObject();
        }
        Assert.Contains("paused", (string)paused["phase"]!);
        var runId = (long)paused["id"]!;
        doomed.Kill();
        await doomed.DisposeAsync();

        // Nothing of the killed run is visible, and the previous results are still the year's.
        Assert.Equal(previous, await ScalarAsync<long>("SELECT run_id FROM evaluation_current WHERE zone_code = 'KZ' AND year = 2024"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @runId", new { runId }));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @previous", new { previous }));

        // Another node of the cluster takes the run over.
        await using var survivor = await ApiProcess.StartAsync(connectionString, Node());
        var finished = await Runs.WaitAsync(survivor.Client, location, TimeSpan.FromSeconds(90));
        if ((string)finished["status"]! == "succeeded")
        {
            Assert.True((int)finished["attempts"]! >= 2, finished.ToJsonString());
            Assert.Equal(runId, await ScalarAsync<long>("SELECT run_id FROM evaluation_current WHERE zone_code = 'KZ' AND year = 2024"));
            Assert.Equal(3, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @runId", new { runId }));
        }
        else
        {
            Assert.Equal(previous, await ScalarAsync<long>("SELECT run_id FROM evaluation_current WHERE zone_code = 'KZ' AND year = 2024"));
            Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @runId", new { runId }));
        }
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM evaluation_result WHERE run_id = @previous", new { previous }));
    }
}
