using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Testing;
using LandRegister.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace LandRegister.Tests.Jobs;

/// <summary>
/// The fault drill: two API instances under steady load (readers and writers) while PostgreSQL restarts twice, one
/// instance is killed and started again, and evaluation and idle-land runs are in flight. Afterwards every acknowledged
/// write is in the database, no request was answered 500, every run ended with a status and a reason, and a new run
/// starts and succeeds.
/// </summary>
[Collection(nameof(DatabaseOutages))]
public sealed class FaultDrillTests(ITestOutputHelper output) : IAsyncLifetime
{
    const int Readers = 16, Writers = 8;
    string owner = "";

    public async Task InitializeAsync()
    {
        owner = await TestDatabase.CreateAsync();
        await RunZones.ArrangeAsync(owner);
    }

    public async Task DisposeAsync() => await TestDatabase.DropAsync(owner);

    /// <summary>An instance as deployed: the owner migrates, the application role serves; runs pause before committing, so they are in flight when the database goes.</summary>
    Task<ApiProcess> StartInstanceAsync(int? port = null) =>
        TestApi.StartAsync(new NpgsqlConnectionStringBuilder(owner) { Username = RegisterApp.ApplicationRole }.ConnectionString,
            new Dictionary<string, string>
            {
                ["ConnectionStrings:Migrations"] = owner, ["Jobs:PauseBeforeCommitMs"] = "3000", ["Jobs:AbandonedAfterSeconds"] = "300",
                ["Jobs:DatabaseWaitSeconds"] = "60",
                // The load comes from one address with one key, far above a real client's allowance.
                ["RateLimit:Burst"] = "1000000", ["RateLimit:PerSecond"] = "1000000",
                ["RateLimit:AddressBurst"] = "1000000", ["RateLimit:AddressPerSecond"] = "1000000",
            }, port);

    sealed record Answer(int Instance, int Status, TimeSpan At, string Request);

    [Fact]
    public async Task Under_load_through_database_restarts_and_a_killed_instance_no_write_is_lost_and_nothing_answers_500()
    {
        await using var a = await StartInstanceAsync();
        var b = await StartInstanceAsync();
        var addresses = new[] { a.Client.BaseAddress!, b.Client.BaseAddress! };
        var clients = addresses.Select(address =>
        {
            var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
            client.DefaultRequestHeaders.Add("X-Api-Key", RegisterApp.AdminKey);
            return client;
        }).ToArray();
        var ids = (await a.Client.GetStringAsync("/api/parcels?limit=100")) is var page
            ? JsonNode.Parse(page)!["features"]!.AsArray().Select(f => (long)f!["id"]!).ToArray() : [];

        var answers = new ConcurrentBag<Answer>();
        var unanswered = new ConcurrentBag<(int Instance, TimeSpan At, string Reason)>();
        var acknowledged = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var written = 0;

        async Task SendAsync(int instance, Func<HttpClient, Task<HttpResponseMessage>> send, Action<HttpResponseMessage>? onSuccess = null)
        {
            try
            {
                using var response = await send(clients[instance]);
                answers.Add(new Answer(instance, (int)response.StatusCode, clock.Elapsed, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri!.PathAndQuery}"));
                if (response.IsSuccessStatusCode) onSuccess?.Invoke(response);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                unanswered.Add((instance, clock.Elapsed, e.Message));
                await Task.Delay(100);
            }
        }

        var load = Enumerable.Range(0, Readers + Writers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var instance = (worker + i) % 2;
                if (worker < Readers)
                {
                    var path = i % 3 == 0 ? $"/api/parcels/{ids[i % ids.Length]}" : i % 3 == 1 ? "/api/parcels?limit=100" : "/api/parcels?zone=KZ&limit=20";
                    await SendAsync(instance, c => c.GetAsync(path));
                }
                else
                {
                    var n = Interlocked.Increment(ref written);
                    var code = $"DRILL-{n}";
                    var feature = Arrange.Feature(Arrange.Rectangle(118 + n % 100 * 0.003, 30 + n / 100 * 0.003, 100, 100), "KZ", code);
                    await SendAsync(instance,
                        c => c.PostAsync("/api/parcels", new StringContent(feature.ToJsonString(), Encoding.UTF8, "application/geo+json")),
                        _ => acknowledged.Add(code));
                }
            }
        })).ToList();

        // The faults, one after another, while the load runs.
        var killedAt = TimeSpan.Zero;
        var backAt = TimeSpan.Zero;
        await Task.Delay(3000);
        await Cluster.RestartAsync();
        var runs = new List<string>();
        foreach (var (path, body) in new[] { ("/api/evaluation/runs", """{"zone":"KZ","year":2024}"""), ("/api/idle-land/runs", """{"zone":"KY"}""") })
            runs.Add(await StartRunAsync(a.Client, path, body));
        await Task.Delay(1000);
        killedAt = clock.Elapsed;
        b.Kill();
        var killedOutput = b.Output;
        await b.DisposeAsync();
        await Task.Delay(1000);
        await Cluster.RestartAsync();
        b = await StartInstanceAsync(addresses[1].Port);
        backAt = clock.Elapsed;
        await Task.Delay(4000);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var loadTime = clock.Elapsed;

        // Every run ends, with its reason when it failed; a new one starts and succeeds.
        var finished = new List<JsonObject>();
        foreach (var run in runs) finished.Add(await Runs.WaitThroughOutageAsync(a.Client, run, TimeSpan.FromSeconds(90)));
        var next = await Runs.WaitAsync(b.Client, await StartRunAsync(b.Client, "/api/evaluation/runs", """{"zone":"KZ","year":2024}"""),
            TimeSpan.FromSeconds(60));
        var failures = Failures(a.Output).Concat(Failures(killedOutput)).Concat(Failures(b.Output)).ToList();
        await b.DisposeAsync();

        var statuses = answers.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        var successes = answers.Where(x => x.Status < 400).Select(x => x.At).Order().ToList();
        var longestGap = successes.Zip(successes.Skip(1), (x, y) => y - x).DefaultIfEmpty().Max();
        var figures = ($"fault drill: {answers.Count + unanswered.Count} requests in {loadTime.TotalSeconds:F1} s by {Readers} readers and {Writers} writers " +
                         $"on two instances; answers {string.Join(", ", statuses)}; unanswered {unanswered.Count} " +
                         $"(instance B down from {killedAt.TotalSeconds:F1} s to {backAt.TotalSeconds:F1} s); " +
                         $"longest time without a successful answer {longestGap.TotalSeconds:F1} s; {acknowledged.Count} acknowledged writes; " +
                         $"runs: {string.Join(", ", finished.Select(r => $"{r["kind"]} {r["status"]} after {r["attempts"]} attempt(s){(r["error"] is { } e ? $" ({e})" : "")}"))}; " +
                         $"next run {next["status"]}");
        output.WriteLine(figures);
        // make test prints this file after the run, so the figures are seen whatever the logger's verbosity.
        Directory.CreateDirectory(Path.Combine(Repository.Root, "TestResults"));
        await File.WriteAllTextAsync(Path.Combine(Repository.Root, "TestResults", "fault-drill.txt"), figures + "\n");

        var errors = answers.Where(x => x.Status >= 500 && x.Status != 503).ToList();
        Assert.True(errors.Count == 0, $"answered {string.Join("; ", errors.Select(x => $"{x.Status} to {x.Request} on instance {x.Instance} at {x.At.TotalSeconds:F1} s"))}; " +
                                       $"the instances logged:\n{string.Join("\n", failures)}");
        Assert.All(answers, x => Assert.True(x.Status is 200 or 201 or 503, $"answer {x.Status}"));
        Assert.True(unanswered.All(u => u.Instance == 1 && u.At >= killedAt - TimeSpan.FromSeconds(1) && u.At <= backAt + TimeSpan.FromSeconds(1)),
            "a live instance left requests unanswered: " + string.Join("; ", unanswered.Where(u => u.Instance == 0).Take(3).Select(u => u.Reason)));
        // A new connection: the pooled ones of the arrangement did not survive the restarts.
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { Pooling = false }.ConnectionString))
        {
            var codes = acknowledged.ToArray();
            var found = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM parcel WHERE code = ANY(@codes)", new { codes });
            Assert.True(found == codes.Length, $"{codes.Length - found} of {codes.Length} acknowledged writes are not in the database");
        }
        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} writes were acknowledged");
        Assert.All(finished, r =>
        {
            Assert.True((string)r["status"]! is "succeeded" or "failed", r.ToJsonString());
            if ((string)r["status"]! == "failed") Assert.False(string.IsNullOrWhiteSpace((string?)r["error"]), r.ToJsonString());
        });
        Assert.Equal("succeeded", (string)next["status"]!);
    }

    /// <summary>What an instance logged as errors (a <c>fail:</c> line and its indented message and stack), to name a request it answered 500.</summary>
    static IEnumerable<string> Failures(IReadOnlyList<string> output)
    {
        for (var i = 0; i < output.Count; i++)
            if (output[i].StartsWith("fail:", StringComparison.Ordinal))
                yield return string.Join("\n", output.Skip(i).Take(1).Concat(output.Skip(i + 1).TakeWhile(line => line.StartsWith(' ')).Take(30)));
    }

    /// <summary>Starts a run, trying again while the database is away (503); returns its Location.</summary>
    static async Task<string> StartRunAsync(HttpClient client, string path, string body)
    {
        for (var clock = Stopwatch.StartNew(); ; await Task.Delay(250))
        {
            var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.Accepted) return response.Headers.Location!.ToString();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
