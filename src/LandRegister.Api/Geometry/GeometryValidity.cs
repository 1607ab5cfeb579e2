using System.Globalization;
using Dapper;
using LandRegister.Api.Infrastructure;
using Npgsql;

namespace LandRegister.Api.Geometry;

/// <summary>PostGIS's verdict on a polygon (EWKB in the CRS the client sent it in).</summary>
public static class GeometryValidity
{
    const string Sql = """
        SELECT d.valid, d.reason, ST_X(d.location) AS x, ST_Y(d.location) AS y
        FROM ST_IsValidDetail(ST_GeomFromEWKB(@ewkb)) d
        """;

    sealed record Verdict(bool Valid, string? Reason, double? X, double? Y);

    /// <summary>Throws a 422 naming PostGIS's reason and the position where the polygon is invalid.</summary>
    public static async Task EnsureValidAsync(NpgsqlConnection conn, byte[] ewkb, string field)
    {
        var verdict = await conn.QuerySingleAsync<Verdict>(Sql, new { ewkb });
        if (!verdict.Valid)
            throw Problems.Invalid(field, Describe(verdict.Reason, verdict.X, verdict.Y),
                new Dictionary<string, object?> { ["location"] = verdict.X is null ? null : new[] { verdict.X, verdict.Y } });
    }

    public static string Describe(string? reason, double? x, double? y) =>
        x is null
            ? $"invalid polygon: {reason}"
            : string.Create(CultureInfo.InvariantCulture, $"invalid polygon: {reason} at [{x}, {y}]");
}
