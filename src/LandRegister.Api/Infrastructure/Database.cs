using Dapper;
using Npgsql;

namespace LandRegister.Api.Infrastructure;

public static class Database
{
    /// <summary>
    /// Registers the register's one <see cref="NpgsqlDataSource"/>, built from <c>ConnectionStrings:Register</c>.
    /// The data source is created lazily so that build-time OpenAPI generation needs no database.
    /// </summary>
    public static IServiceCollection AddRegisterDatabase(this IServiceCollection services, IConfiguration config)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(_ =>
        {
            var text = config.GetConnectionString("Register");
            if (string.IsNullOrWhiteSpace(text))
                throw new InvalidOperationException(
                    "ConnectionStrings:Register is not set. Set it in appsettings or as the environment variable ConnectionStrings__Register.");
            var cs = new NpgsqlConnectionStringBuilder(text);
            // Parallel query makes the register's small spatial queries slower on small machines (GIS.md). JIT
            // compilation is set off by the high cost PostGIS declares for its functions and costs more than it
            // saves: 1.8 s of compiling to cluster 50,000 clean parcels in 0.6 s.
            if (string.IsNullOrEmpty(cs.Options)) cs.Options = "-c max_parallel_workers_per_gather=0 -c jit=off";
            if (string.IsNullOrEmpty(cs.ApplicationName)) cs.ApplicationName = "landregister";
            return new NpgsqlDataSourceBuilder(cs.ConnectionString).Build();
        });
        services.AddSingleton<Migrator>();
        return services;
    }
}

