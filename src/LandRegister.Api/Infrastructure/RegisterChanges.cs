using System.Globalization;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// A change the database announced (migration 0016): the table written, and the extent of the rows written (degrees,
/// old and new geometries alike), or null when anything in the table may have changed.
/// </summary>
public sealed record RegisterChange(string Table, double[]? Extent)
{
    /// <summary>Reads a notification's payload: <c>table west south east north</c>, or <c>table *</c>.</summary>
    public static RegisterChange? Read(string payload)
    {
        var parts = payload.Split(' ');
        if (parts.Length == 2 && parts[1] == "*") return new RegisterChange(parts[0], null);
        if (parts.Length != 5) return null;
        var extent = new double[4];
        for (var i = 0; i < 4; i++)
            if (!double.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out extent[i])) return null;
        return new RegisterChange(parts[0], extent);
    }

    /// <summary>Whether the change may touch the box [west, south, east, north].</summary>
    public bool Touches(double[] box) =>
        Extent is not { } e || (e[0] <= box[2] && box[0] <= e[2] && e[1] <= box[3] && box[1] <= e[3]);
}

/// <summary>
/// Listens, on a connection of its own, to the changes the database announces (<c>LISTEN register_change</c>), and tells
/// what this instance keeps in memory, so a cached answer can be served without asking the database whether it is
/// still current. A cache may trust what it read only while <see cref="Epoch"/> has not moved since before it read:
/// the epoch moves when the connection is lost (the notifications sent meanwhile are lost with it, so every cache is
/// dropped through <see cref="Lost"/>) and again once it listens anew. While it is not listening, the epoch is negative
/// and caches fall back to asking the database. A silent connection is found out by a query every
/// <see cref="Heartbeat"/>.
/// </summary>
public sealed class RegisterChanges(NpgsqlDataSource db, ILogger<RegisterChanges> log) : BackgroundService
{
    public const string Channel = "register_change";
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    /// <summary>How long a write's answer waits for this instance to hear its own announcement.</summary>
    public static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(2);

    const string SyncPrefix = "sync ";

    long epoch;
    volatile bool listening;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> waiting = new();

    /// <summary>The current epoch while listening; -1 while not (nothing read now may be trusted later).</summary>
    public long Epoch => listening ? Interlocked.Read(ref epoch) : -1;

    /// <summary>Raised, on the listening task, for every change announced.</summary>
    public event Action<RegisterChange>? Changed;

    /// <summary>Raised when the connection is lost: whatever was trusted must be dropped.</summary>
    public event Action? Lost;

    /// <summary>The listening connection's backend, for the tests that cut it.</summary>
    public int? BackendId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(stop);
                conn.Notification += (_, e) => Announce(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", conn)) await listen.ExecuteNonQueryAsync(stop);
                BackendId = conn.ProcessID;
                Interlocked.Increment(ref epoch);
                listening = true;
                delay = TimeSpan.FromMilliseconds(100);
                log.LogInformation("Listening to the register's changes (backend {Backend})", conn.ProcessID);
                while (!stop.IsCancellationRequested)
                    if (!await conn.WaitAsync(Heartbeat, stop))
                        await using (var ping = new NpgsqlCommand("SELECT 1", conn)) await ping.ExecuteScalarAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                if (listening) log.LogWarning(e, "Lost the connection listening to the register's changes; cached tiles and keys dropped");
            }
            finally
            {
                Drop();
            }
            await Task.Delay(delay, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
        }
    }

    /// <summary>
    /// Waits until this instance has heard every change committed so far, so an answer to a write is sent only once
    /// nothing stale is kept here (a client that reads after writing reads its write). NOTIFY is delivered in commit
    /// order, so hearing a notification sent now means every earlier one was heard. Should it not come within
    /// <see cref="CatchUpLimit"/>, everything kept is dropped instead.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        if (Epoch < 0) return;
        var token = Guid.NewGuid().ToString("N");
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting[token] = heard;
        try
        {
            await using (var conn = await db.OpenConnectionAsync(ct))
            await using (var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", conn))
            {
                notify.Parameters.AddWithValue("channel", Channel);
                notify.Parameters.AddWithValue("payload", SyncPrefix + token);
                await notify.ExecuteNonQueryAsync(ct);
            }
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(CatchUpLimit);
            await heard.Task.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client left: nobody reads this write through this answer, and the announcement is on its way.
        }
        catch (OperationCanceledException)
        {
            log.LogWarning("A change announcement was not heard within {Limit}; cached tiles and keys dropped", CatchUpLimit);
            DropTrusted();
        }
        catch (Exception e)
        {
            // The write is committed and must be answered as such: what cannot be confirmed heard is dropped instead.
            log.LogWarning("Could not confirm a write was heard ({Reason}); cached tiles and keys dropped", e.Message);
            DropTrusted();
        }
        finally
        {
            waiting.TryRemove(token, out _);
        }
    }

    void Drop()
    {
        var was = listening;
        listening = false;
        BackendId = null;
        Interlocked.Increment(ref epoch);
        if (was) Lost?.Invoke();
        foreach (var heard in waiting.Values) heard.TrySetResult();
    }

    void Announce(string payload)
    {
        if (payload.StartsWith(SyncPrefix, StringComparison.Ordinal))
        {
            // Another instance's catching up is none of this one's business.
            if (waiting.TryGetValue(payload[SyncPrefix.Length..], out var heard)) heard.TrySetResult();
            return;
        }
        if (RegisterChange.Read(payload) is { } change)
        {
            Changed?.Invoke(change);
            return;
        }
        // Not knowing what changed, trust nothing read so far.
        log.LogWarning("A change notification could not be read ({Payload}); cached tiles and keys dropped", payload);
        DropTrusted();
    }

    /// <summary>Drops everything kept, and anything being read now, while still listening.</summary>
    void DropTrusted()
    {
        Interlocked.Increment(ref epoch);
        Lost?.Invoke();
    }
}

public static class RegisterChangesSetup
{
    public static IServiceCollection AddRegisterChanges(this IServiceCollection services, bool listen)
    {
        services.AddSingleton<RegisterChanges>();
        if (listen) services.AddHostedService(provider => provider.GetRequiredService<RegisterChanges>());
        return services;
    }

    /// <summary>
    /// An answer to a write that succeeded waits until this instance heard the write (<see cref="RegisterChanges.CatchUpAsync"/>)
    /// and, with standbys, carries its consistency token (<see cref="ConsistencyToken"/>).
    /// </summary>
    public static void UseChangesHeardBeforeAnswering(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var method = http.Request.Method;
            if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
                http.Response.OnStarting(async () =>
                {
                    if (http.Response.StatusCode >= 300) return;
                    var services = http.RequestServices;
                    await services.GetRequiredService<RegisterChanges>().CatchUpAsync(http.RequestAborted);
                    if (services.GetRequiredService<Replicas>().Enabled)
                        await ConsistencyToken.StampAsync(http, services.GetRequiredService<NpgsqlDataSource>());
                });
            await next(http);
        });
    }
}
