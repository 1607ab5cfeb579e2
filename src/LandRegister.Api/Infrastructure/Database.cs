using System.Data;
using System.Net.Sockets;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Infrastructure;

public static class Database
{
    /// <summary>
    /// Registers the register's one <see cref="NpgsqlDataSource"/>, built from <c>ConnectionStrings:Register</c>, with
    /// PostGIS geometries carried as NetTopologySuite types. The data source is created lazily so that build-time
    /// OpenAPI generation needs no database.
    /// </summary>
    public static IServiceCollection AddRegisterDatabase(this IServiceCollection services, IConfiguration config)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        GeometryParameters.Register();
        string Register() => config.GetConnectionString("Register") ?? throw new InvalidOperationException(
            "ConnectionStrings:Register is not set. Set it in appsettings or as the environment variable ConnectionStrings__Register.");
        services.AddSingleton(_ => Open(Register()));
        services.AddSingleton(_ => new SchemaOwner(Open(config.GetConnectionString("Migrations") is { Length: > 0 } owner ? owner : Register())));
        services.AddSingleton(provider => new Migrator(provider.GetRequiredService<SchemaOwner>().Db, provider.GetRequiredService<ILogger<Migrator>>())
        {
            ApplicationRole = ApplicationRole(Register(), config.GetConnectionString("Migrations")),
        });
        return services;
    }

    /// <summary>
    /// The role requests are served as, when it is not the schema's owner: the user of <c>ConnectionStrings:Register</c>
    /// when <c>ConnectionStrings:Migrations</c> names another. Null when both are one (the owner serves requests).
    /// </summary>
    static string? ApplicationRole(string register, string? migrations)
    {
        if (string.IsNullOrEmpty(migrations)) return null;
        var app = new NpgsqlConnectionStringBuilder(register).Username;
        var owner = new NpgsqlConnectionStringBuilder(migrations).Username;
        return string.IsNullOrEmpty(app) || app == owner ? null : app;
    }

    /// <summary>A data source on <paramref name="connectionString"/> with the register's session settings and PostGIS types.</summary>
    public static NpgsqlDataSource Open(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ConnectionStrings:Register is empty. Set it in appsettings or as the environment variable ConnectionStrings__Register.");
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        // Parallel query makes the register's small spatial queries slower on small machines. JIT compilation is set
        // off by the high cost PostGIS declares for its functions and costs more than it saves: 1.8 s of compiling to
        // cluster 50,000 clean parcels in 0.6 s.
        if (string.IsNullOrEmpty(cs.Options)) cs.Options = "-c max_parallel_workers_per_gather=0 -c jit=off";
        if (string.IsNullOrEmpty(cs.ApplicationName)) cs.ApplicationName = "landregister";
        var builder = new NpgsqlDataSourceBuilder(OnPrimary(cs.ConnectionString));
        builder.UseNetTopologySuite();
        return builder.Build();
    }

    /// <summary>
    /// <paramref name="connectionString"/>, made to find the primary when it names several hosts (streaming replication),
    /// whichever node that is after a failover: <c>Target Session Attributes=primary</c> unless it says otherwise. Every
    /// connection that may write is opened with it, Hangfire's too.
    /// </summary>
    public static string OnPrimary(string connectionString)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        if (cs.Host?.Contains(',') == true && string.IsNullOrEmpty(cs.TargetSessionAttributes)) cs.TargetSessionAttributes = "primary";
        return cs.ConnectionString;
    }

    /// <summary>
    /// The rows of the current result of <paramref name="reader"/>, mapped as Dapper maps them; the reader then moves to
    /// the next result, as Dapper's grid reader does. For statements run together whose rows carry geometries or
    /// Features: Dapper's <c>QueryMultiple</c> reads in sequential access, where a column whose bytes have not arrived
    /// yet is read synchronously, holding a thread-pool thread blocked on the socket; a plain reader
    /// (<c>ExecuteReaderAsync</c>) receives each whole row asynchronously first.
    /// </summary>
    public static async Task<List<T>> ReadRowsAsync<T>(this System.Data.Common.DbDataReader reader, int capacity = 0)
    {
        var parse = reader.GetRowParser<T>();
        var rows = new List<T>(capacity);
        while (await reader.ReadAsync()) rows.Add(parse(reader));
        await reader.NextResultAsync();
        return rows;
    }

    /// <summary>The one row of the current result (a count), as <see cref="ReadRowsAsync{T}"/> reads it.</summary>
    public static async Task<T> ReadSingleAsync<T>(this System.Data.Common.DbDataReader reader) => (await reader.ReadRowsAsync<T>(1)).Single();

    /// <summary>
    /// Whether an error is the database being away for a while (restarting, failing over, unreachable) rather than a
    /// refusal of what was asked: worth waiting out and trying again.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        // A write on a primary demoted under it (read-only now) waits for the new one like any other failover.
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                                || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                                    or PostgresErrorCodes.ReadOnlySqlTransaction,
        // Several hosts and none the primary yet (a standby being promoted): Npgsql says so in words only. Every host
        // failing is the hosts' exceptions together; a connection broken earlier and used again, its cause.
        NpgsqlException n => n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException
                             || (n.InnerException is null && n.Message.StartsWith("No suitable host was found", StringComparison.Ordinal))
                             || (n.InnerException is { } cause && IsTransient(cause)),
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsTransient),
        SocketException or TimeoutException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };
}

/// <summary>
/// The connection of the role that owns the register's schema (<c>ConnectionStrings:Migrations</c>, by default the same as
/// <c>ConnectionStrings:Register</c>): it applies the migrations, grants the application role what it may do, and loads
/// the demo. Requests never use it.
/// </summary>
public sealed record SchemaOwner(NpgsqlDataSource Db);

/// <summary>
/// Lets Dapper pass NetTopologySuite geometries as PostGIS parameters. Without a handler Dapper would take a
/// MultiPolygon (an enumerable of polygons) for a list to expand into several parameters.
/// </summary>
static class GeometryParameters
{
    static int registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        SqlMapper.AddTypeHandler(new Handler<Geometry>());
        SqlMapper.AddTypeHandler(new Handler<Polygon>());
        SqlMapper.AddTypeHandler(new Handler<MultiPolygon>());
        SqlMapper.AddTypeHandler(new Handler<Point>());
        SqlMapper.AddTypeHandler(new Handler<LineString>());
        SqlMapper.AddTypeHandler(new Handler<MultiPoint>());
        SqlMapper.AddTypeHandler(new Handler<MultiLineString>());
    }

    sealed class Handler<T> : SqlMapper.TypeHandler<T> where T : Geometry
    {
        public override void SetValue(IDbDataParameter parameter, T? value) => parameter.Value = (object?)value ?? DBNull.Value;

        public override T Parse(object value) => (T)value;
    }
}
