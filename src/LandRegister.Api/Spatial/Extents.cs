using LandRegister.Api.Access;

namespace LandRegister.Api.Spatial;

/// <summary>
/// The exact extent of the register's data in a caller's zones, for TileJSON bounds, OGC collection extents and the
/// zones' bbox, [west, south, east, north] in WGS84. A parcel extent is read from <c>parcel_count</c>, where the parcel
/// table's own statements keep each zone's extent current at every commit (migration 0025): a row per zone, where
/// computing it took a scan of every parcel (1.1 s for a million with the table in memory, 87 s with it on disk).
/// Parks are few, and measured when asked. PostgreSQL's estimated extent is not used: it is as old as the table's
/// statistics, and a client that trusts stale bounds never asks for the tiles of new land.
/// </summary>
public static class Extents
{
    /// <summary>The bounds answered when the caller's zones hold nothing: the Web Mercator world.</summary>
    static readonly double[] World = [-180, -85.0511, 180, 85.0511];

    public static Task<double[]> ParcelsAsync(Caller caller, NpgsqlDataSource db) =>
        OfAsync($"SELECT ST_Extent(extent::geometry) FROM parcel_count WHERE {Caller.InScope()}", caller, db);

    public static Task<double[]> ParksAsync(Caller caller, NpgsqlDataSource db) =>
        OfAsync($"SELECT ST_Extent(boundary) FROM park WHERE {Caller.InScope()}", caller, db);

    sealed record Box(double? West, double? South, double? East, double? North);

    sealed record ZoneBox(string ZoneCode, double West, double South, double East, double North);

    /// <summary>
    /// The extent of the live parcels of each of the caller's zones (of <paramref name="zone"/> only, when given), on the
    /// caller's connection; zones without parcels are absent.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, double[]>> ZonesAsync(Caller caller, NpgsqlConnection conn, string? zone = null) =>
        (await conn.QueryAsync<ZoneBox>($"""
            SELECT zone_code, ST_XMin(extent) AS west, ST_YMin(extent) AS south, ST_XMax(extent) AS east, ST_YMax(extent) AS north
            FROM parcel_count WHERE {Caller.InScope()} AND (@zone::text IS NULL OR zone_code = @zone) AND extent IS NOT NULL
            """, new { scope = caller.Scope, zone })).ToDictionary(b => b.ZoneCode, b => new[] { b.West, b.South, b.East, b.North });

    /// <param name="extent">A statement whose one value is the extent (box2d), reading <c>@scope</c>.</param>
    static async Task<double[]> OfAsync(string extent, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var box = await conn.QuerySingleAsync<Box>(
            $"SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north FROM ({extent}) e (b)",
            new { scope = caller.Scope });
        return box.West is null ? World : [box.West.Value, box.South!.Value, box.East!.Value, box.North!.Value];
    }
}
