using Dapper;
using LandRegister.Api.Access;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace LandRegister.Api.Geometry;

/// <summary>
/// The extent of the register's data in a caller's zones, for TileJSON bounds and OGC collection extents, kept for
/// five minutes: PostgreSQL's estimate for a key of every zone (an exact extent of a million parcels takes most of a
/// second), the exact extent of the zones otherwise. [west, south, east, north] in WGS84.
/// </summary>
public static class Extents
{
    public static Task<double[]> ParcelsAsync(Caller caller, NpgsqlDataSource db, IMemoryCache cache) => OfAsync("parcel", "geom", caller, db, cache);

    public static Task<double[]> ParksAsync(Caller caller, NpgsqlDataSource db, IMemoryCache cache) => OfAsync("park", "boundary", caller, db, cache);

    sealed record Box(double? West, double? South, double? East, double? North);

    static async Task<double[]> OfAsync(string table, string column, Caller caller, NpgsqlDataSource db, IMemoryCache cache)
    {
        var key = $"extent|{table}|{(caller.Zones is null ? "*" : string.Join(",", caller.Zones.Order(StringComparer.Ordinal)))}";
        if (cache.TryGetValue(key, out double[]? known) && known is not null) return known;
        await using var conn = await db.OpenConnectionAsync();
        var estimate = caller.Zones is null ? $"ST_EstimatedExtent('public', '{table}', '{column}')" : "NULL::box2d";
        var box = await conn.QuerySingleAsync<Box>($"""
            SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
            FROM (SELECT coalesce({estimate}, (SELECT ST_Extent({column}) FROM {table} WHERE {Caller.InScope()})) AS b) e
            """, new { scope = caller.Scope });
        double[] bounds = box.West is null ? [-180, -85.0511, 180, 85.0511] : [box.West.Value, box.South!.Value, box.East!.Value, box.North!.Value];
        cache.Set(key, bounds, new MemoryCacheEntryOptions { Size = 256, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
        return bounds;
    }
}
