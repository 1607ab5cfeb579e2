using System.Globalization;
using System.Text.RegularExpressions;

namespace LandRegister.Api.Infrastructure;

/// <summary>The classes of reads that tolerate a little replication lag and may be sent to a standby (<c>Database:StandbyReads</c>).</summary>
public enum ReadClass { Tiles, Features, Lists, Statistics, Exports }

/// <summary>
/// Where a read goes when <c>ConnectionStrings:Register</c> names several hosts (streaming replication: one primary,
/// standbys). Writes, and everything transactional, use the register's data source, whose
/// <c>Target Session Attributes</c> (<c>primary</c> by default here) finds the primary after a failover. A read of a class
/// named in <c>Database:StandbyReads</c> goes to a standby, in turn, when one is known to have replayed the client's
/// consistency token (<see cref="ConsistencyToken"/>), else to the primary: a client never reads an older version than
/// the one its own write answered with.
/// <para>
/// Each host is asked every <c>Database:StandbyPollMs</c> whether it is in recovery and how far it has replayed
/// (<c>pg_last_wal_replay_lsn()</c>). Replay only moves forward, so the figure kept is a lower bound of the host's
/// state when a read is sent: a standby chosen for a token has replayed it. A host that does not answer is not chosen.
/// </para>
/// </summary>
public sealed class Replicas : BackgroundService
{
    readonly NpgsqlDataSource primary;
    readonly Host[] hosts;
    readonly HashSet<ReadClass> classes;
    readonly TimeSpan poll;
    readonly ILogger<Replicas> log;
    int next;

    sealed class Host(string name, NpgsqlDataSource db)
    {
        public string Name { get; } = name;
        public NpgsqlDataSource Db { get; } = db;
        public volatile Reading? Last;
    }

    /// <summary>What a host said when last asked: a standby and how far it had replayed, or the primary and its WAL position.</summary>
    sealed record Reading(bool Standby, ulong Replayed);

    public Replicas(NpgsqlDataSource primary, IConfiguration config, ILogger<Replicas> log)
    {
        this.primary = primary;
        this.log = log;
        var register = new NpgsqlConnectionStringBuilder(config.GetConnectionString("Register") ?? "");
        var names = (register.Host ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        classes = ReadClasses(config["Database:StandbyReads"]);
        poll = TimeSpan.FromMilliseconds(config.GetValue("Database:StandbyPollMs", 200));
        hosts = names.Length < 2 || classes.Count == 0 ? [] : names.Select(name =>
        {
            var one = new NpgsqlConnectionStringBuilder(register.ConnectionString) { Host = name };
            one.Remove("Target Session Attributes");
            one.Remove("Load Balance Hosts");
            return new Host(name, Database.Open(one.ConnectionString));
        }).ToArray();
    }

    /// <summary>Whether reads may go to standbys at all (several hosts, some read classes allowed).</summary>
    public bool Enabled => hosts.Length > 0;

    /// <summary>
    /// The data source for a read of <paramref name="read"/>: a standby that has replayed the request's consistency token
    /// (the standbys in turn), else the primary. Says which answered in the <c>LandRegister-Read-From</c> header.
    /// </summary>
    public NpgsqlDataSource For(ReadClass read, HttpContext http)
    {
        if (!Enabled || !classes.Contains(read)) return primary;
        var token = ConsistencyToken.Read(http.Request);
        var start = (int)((uint)Interlocked.Increment(ref next) % hosts.Length);
        for (var i = 0; i < hosts.Length; i++)
        {
            var host = hosts[(start + i) % hosts.Length];
            if (host.Last is { Standby: true } last && last.Replayed >= token)
            {
                http.Response.Headers["LandRegister-Read-From"] = "standby";
                return host.Db;
            }
        }
        http.Response.Headers["LandRegister-Read-From"] = "primary";
        return primary;
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        if (!Enabled) return;
        log.LogInformation("Reads of {Classes} may go to standbys among {Hosts}", string.Join(", ", classes), string.Join(", ", hosts.Select(h => h.Name)));
        using var timer = new PeriodicTimer(poll);
        try
        {
            do await Task.WhenAll(hosts.Select(host => AskAsync(host, stop)));
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // stopping
        }
    }

    async Task AskAsync(Host host, CancellationToken stop)
    {
        try
        {
            await using var conn = await host.Db.OpenConnectionAsync(stop);
            // A standby's replay position, or the primary's WAL position (what the standbys' lag is measured against).
            await using var ask = new NpgsqlCommand("""
                SELECT pg_is_in_recovery(),
                       (CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_replay_lsn(), '0/0') ELSE pg_current_wal_lsn() END)::text
                """, conn) { CommandTimeout = 2 };
            await using var reader = await ask.ExecuteReaderAsync(stop);
            await reader.ReadAsync(stop);
            var reading = new Reading(reader.GetBoolean(0), ConsistencyToken.Parse(reader.GetString(1)) ?? 0);
            if (host.Last?.Standby != reading.Standby)
                log.LogInformation("{Host} is now {Role}", host.Name, reading.Standby ? "a standby" : "the primary");
            host.Last = reading;
            RegisterMetrics.NodeRole.WithLabels(host.Name).Set(reading.Standby ? 0 : 1);
            if (reading.Standby && hosts.FirstOrDefault(h => h.Last is { Standby: false })?.Last is { } primary)
                RegisterMetrics.StandbyLag.WithLabels(host.Name).Set(primary.Replayed > reading.Replayed ? primary.Replayed - reading.Replayed : 0);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            if (host.Last is not null) log.LogWarning("{Host} does not answer ({Reason}); reads go elsewhere", host.Name, e.Message);
            host.Last = null;
            RegisterMetrics.NodeRole.WithLabels(host.Name).Set(-1);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    static HashSet<ReadClass> ReadClasses(string? setting)
    {
        if (setting is null) return [.. Enum.GetValues<ReadClass>()];
        var chosen = new HashSet<ReadClass>();
        foreach (var name in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            chosen.Add(Enum.TryParse<ReadClass>(name, ignoreCase: true, out var read) && Enum.IsDefined(read)
                ? read
                : throw new InvalidOperationException(
                    $"Database:StandbyReads names '{name}': use a comma-separated list of {string.Join(", ", Enum.GetNames<ReadClass>()).ToLowerInvariant()} (empty for none)."));
        return chosen;
    }
}

public static class ReplicasSetup
{
    /// <summary>Where reads go (<see cref="Replicas"/>); its hosts are asked from start-up unless <paramref name="poll"/> is false (the build-time document).</summary>
    public static IServiceCollection AddReplicas(this IServiceCollection services, bool poll)
    {
        services.AddSingleton<Replicas>();
        if (poll) services.AddHostedService(provider => provider.GetRequiredService<Replicas>());
        return services;
    }
}

/// <summary>
/// The consistency token: the position in the primary's WAL (an LSN, <c>0/3000D8</c>) at which a write's answer was
/// sent. A successful write answers with it in <c>LandRegister-Lsn</c> and a short-lived cookie of the same name (for the
/// map page); a read that presents either is sent only to a standby that has replayed that far.
/// </summary>
public static partial class ConsistencyToken
{
    public const string Header = "LandRegister-Lsn";
    public const string Cookie = "landregister_lsn";
    static readonly TimeSpan CookieLife = TimeSpan.FromSeconds(60);

    /// <summary>The highest token a request presents (header or cookie); 0 when none. A malformed header is refused (400).</summary>
    public static ulong Read(HttpRequest request)
    {
        ulong token = 0;
        if (request.Headers[Header] is { Count: > 0 } header)
            token = Parse(header.ToString()) ?? throw Problems.BadRequest(Header, "not a WAL position (as answered by a write, e.g. 0/3000D8)");
        // A cookie is the browser's, not the client's own words: a malformed one is ignored.
        if (request.Cookies[Cookie] is { } cookie && Parse(cookie) is { } fromCookie && fromCookie > token) token = fromCookie;
        return token;
    }

    /// <summary>Answers a successful write with the primary's WAL position now (its commit is at or before it).</summary>
    public static async Task StampAsync(HttpContext http, NpgsqlDataSource primary)
    {
        try
        {
            await using var conn = await primary.OpenConnectionAsync(http.RequestAborted);
            await using var ask = new NpgsqlCommand("SELECT pg_current_wal_lsn()::text", conn);
            var lsn = (string)(await ask.ExecuteScalarAsync(http.RequestAborted))!;
            http.Response.Headers[Header] = lsn;
            http.Response.Cookies.Append(Cookie, lsn, new CookieOptions
            {
                MaxAge = CookieLife, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", Secure = http.Request.IsHttps,
            });
        }
        catch (Exception e)
        {
            // The write is committed and must be answered as such: without a token, the client's next reads are simply
            // not promised a standby.
            if (e is not OperationCanceledException) http.RequestServices.GetRequiredService<ILogger<Replicas>>()
                .LogWarning("A write was answered without its consistency token ({Reason})", e.Message);
        }
    }

    /// <summary>Reads <c>X/Y</c> (hexadecimal halves, as PostgreSQL prints an LSN).</summary>
    public static ulong? Parse(string text)
    {
        if (Lsn().Match(text) is not { Success: true } m) return null;
        return (ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) << 32)
               | ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})$")]
    private static partial Regex Lsn();
}
