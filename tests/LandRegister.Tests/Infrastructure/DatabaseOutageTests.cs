using System.Collections.Concurrent;
using System.Net;
using LandRegister.Api.Infrastructure;
using LandRegister.Tests.Support;
using Npgsql;

namespace LandRegister.Tests.Infrastructure;

/// <summary>
/// While PostgreSQL restarts, the API answers 503 with Retry-After and a problem body, never 500, and serves again
/// once the database is back.
/// </summary>
[Collection(nameof(DatabaseOutages))]
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    readonly RegisterApp app = new();

    public Task InitializeAsync() => app.InitializeAsync();

    public Task DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task Requests_during_a_database_restart_get_503_with_retry_after_and_never_500()
    {
        var viewer = await app.ClientForAsync("viewer");
        var answers = new ConcurrentBag<HttpResponseMessage>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var client = i % 2 == 0 ? app.Client : viewer;
            while (!stop.IsCancellationRequested)
            {
                answers.Add(await client.GetAsync(i < 2 ? "/api/parcels?limit=10" : "/api/zones"));
                await Task.Delay(5);
            }
        })).ToList();

        await Task.Delay(300);
        await Cluster.RestartAsync();
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var byStatus = answers.GroupBy(a => (int)a.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        var summary = string.Join(", ", byStatus.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        Assert.DoesNotContain(500, byStatus.Keys);
        Assert.True(byStatus.Keys.All(s => s is 200 or 503), summary);
        var unavailable = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(unavailable.Count > 0, $"no request met the restart: {summary}");
        foreach (var answer in unavailable.Take(5))
        {
            Assert.True(answer.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "503 without Retry-After");
            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.ServiceUnavailable, "database");
        }
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/parcels?limit=10")).StatusCode);
    }

    /// <summary>
    /// How Npgsql reports a connection the database dropped, as it throws them: directly, wrapped when a broken
    /// connection is used again, and for several hosts during a failover. Each is a 503 (wait and retry), never a 500; a refusal of the request is not.
    /// </summary>
    [Fact]
    public void A_dropped_connection_is_transient_however_npgsql_wraps_it_and_a_refusal_is_not()
    {
        var shutdown = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);
        Assert.True(Database.IsTransient(shutdown));
        Assert.True(Database.IsTransient(new NpgsqlException("The connection was previously broken because of the following exception", shutdown)));
        Assert.True(Database.IsTransient(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())));
        Assert.True(Database.IsTransient(new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow)));
        // Several hosts (failover): none the primary yet; every host failing; a write on a primary demoted under it.
        Assert.True(Database.IsTransient(new NpgsqlException("No suitable host was found.")));
        Assert.True(Database.IsTransient(new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.",
            new AggregateException(shutdown, new NpgsqlException("Failed to connect to 127.0.0.1:55441", new System.Net.Sockets.SocketException(111))))));
        Assert.True(Database.IsTransient(new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", PostgresErrorCodes.ReadOnlySqlTransaction)));
        var refused = new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation);
        Assert.False(Database.IsTransient(refused));
        Assert.False(Database.IsTransient(new NpgsqlException("The connection was previously broken because of the following exception", refused)));
        Assert.False(Database.IsTransient(new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.",
            new AggregateException(shutdown, refused))));
    }
}
