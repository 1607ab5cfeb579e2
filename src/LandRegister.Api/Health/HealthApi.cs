using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Health;

/// <summary>The process is up.</summary>
public sealed record Liveness(string Status);

/// <summary>The register can serve: the database answers and every migration is applied.</summary>
public sealed record Readiness(string Status, bool Database, IReadOnlyList<string> PendingMigrations);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Healthz).WithName(nameof(Healthz)).WithTags("Health").WithSummary("The process is up")
            .AllowAnonymous().DisableRateLimiting();
        app.MapGet("/readyz", Readyz).WithName(nameof(Readyz)).WithTags("Health")
            .WithSummary("The database is reachable and migrations are applied").AllowAnonymous().DisableRateLimiting();
        return app;
    }

    public static Ok<Liveness> Healthz() => TypedResults.Ok(new Liveness("ok"));

    public static async Task<Results<Ok<Readiness>, JsonHttpResult<Readiness>>> Readyz(
        NpgsqlDataSource db, Migrator migrator, ILogger<Migrator> log, CancellationToken ct)
    {
        try
        {
            await using (var conn = await db.OpenConnectionAsync(ct)) await conn.ExecuteScalarAsync<int>("SELECT 1");
            var pending = await migrator.PendingAsync(ct);
            return pending.Count == 0
                ? TypedResults.Ok(new Readiness("ready", true, pending))
                : TypedResults.Json(new Readiness("migrations pending", true, pending), statusCode: 503);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning("Readiness check failed: {Reason}", e.Message);
            return TypedResults.Json(new Readiness("database unreachable", false, []), statusCode: 503);
        }
    }
}
