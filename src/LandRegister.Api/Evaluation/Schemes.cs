using System.ComponentModel;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Zones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Evaluation;

/// <summary>A zone's scheme for a year as stored: version 0 is the default, never stored.</summary>
public sealed record StoredScheme(string ZoneCode, int Year, long Version, bool IsDefault, EvaluationScheme Scheme, DateTimeOffset? CreatedAt, string? CreatedBy);

/// <summary>Evaluation schemes per zone and year, versioned: every change is a new version, the latest applies.</summary>
public static class Schemes
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    sealed record Row(long Version, string Scheme, DateTime CreatedAt, string CreatedBy);

    const string Latest = """
        SELECT version, scheme::text AS scheme, created_at, created_by FROM evaluation_scheme
        WHERE zone_code = @zone AND year = @year ORDER BY version DESC LIMIT 1
        """;

    public static async Task<EvaluationScheme> EffectiveAsync(NpgsqlConnection conn, string zone, int year, NpgsqlTransaction? tx = null) =>
        (await StoredAsync(conn, zone, year, tx)).Scheme;

    static async Task<StoredScheme> StoredAsync(NpgsqlConnection conn, string zone, int year, NpgsqlTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<Row>(Latest, new { zone, year }, tx);
        return row is null
            ? new StoredScheme(zone, year, 0, true, EvaluationScheme.Default, null, null)
            : new StoredScheme(zone, year, row.Version, false, JsonSerializer.Deserialize<EvaluationScheme>(row.Scheme, Json)!, row.CreatedAt, row.CreatedBy);
    }

    public static RouteGroupBuilder MapSchemes(this RouteGroupBuilder evaluation)
    {
        evaluation.MapGet("/schemes/{year:int}", GetScheme).WithName(nameof(GetScheme)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("The evaluation scheme of a zone for a year (the default until one is stored)");
        evaluation.MapPut("/schemes/{year:int}", PutScheme).WithName(nameof(PutScheme)).RequireAuthorization(Permission.RunEvaluation)
            .WithSummary("Store a new version of a zone's scheme for a year (If-Match: the version read)");
        return evaluation;
    }

    public static async Task<Ok<StoredScheme>> GetScheme(
        int year, Caller caller, NpgsqlDataSource db, HttpResponse response, [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var stored = await StoredAsync(conn, code, year);
        ETags.Set(response, stored.Version);
        return TypedResults.Ok(stored);
    }

    public static async Task<Ok<StoredScheme>> PutScheme(
        int year, EvaluationScheme scheme, Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null)
    {
        var expected = ETags.RequiredVersion(http.Request);
        if (year is < 2000 or > 2100) throw Problems.Invalid("year", "between 2000 and 2100");
        scheme.Validate();
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var version = await conn.QuerySingleOrDefaultAsync<long?>("""
            INSERT INTO evaluation_scheme (zone_code, year, version, scheme, created_by)
            SELECT @code, @year, current.version + 1, @json::jsonb, @by
            FROM (SELECT coalesce(max(version), 0) AS version FROM evaluation_scheme WHERE zone_code = @code AND year = @year) current
            WHERE @expected::bigint IS NULL OR current.version = @expected
            ON CONFLICT DO NOTHING
            RETURNING version
            """, new { code, year, json = JsonSerializer.Serialize(scheme, Json), by = caller.Name, expected });
        if (version is null) throw Problems.PreconditionFailed(ETags.For((await StoredAsync(conn, code, year)).Version));
        var stored = await StoredAsync(conn, code, year);
        ETags.Set(http.Response, stored.Version);
        return TypedResults.Ok(stored);
    }
}
