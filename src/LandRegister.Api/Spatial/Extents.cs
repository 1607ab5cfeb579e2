using LandRegister.Api.Access;
using Microsoft.Extensions.Caching.Memory;

namespace LandRegister.Api.Spatial;

/// <summary>
/// The exact extent of the register's data in a caller's zones, for TileJSON bounds and OGC collection extents,
/// [west, south, east, north] in WGS84. Kept for a minute per set of zones (the extent of a million parcels takes
/// most of a second), so a parcel drawn outside the old bounds widens them within a minute. PostgreSQL's estimated
/// extent is not used: it is as old as the table's statistics, and a client that trusts stale bounds never asks for
/// the tiles of new land.
/// </summary>
public static class Extents
{
    public static Task<double[]> ParcelsAsync(Caller caller, NpgsqlDataSource db, IMemoryCache cache) => OfAsync("parcel", "geom", caller, db, cache);

    public static Task<double[]> ParksAsync(Caller caller, NpgsqlDataSource db, IMemoryCache cache) => OfAsync("park", "boundary", caller, db, cache);

    sealed record Box(double? West, double? South, double? East, double? North);

    sealed record ZoneBox(string ZoneCode, double West, double South, double East, double North);

    /// <summary>The extent of each of the caller's zones' live parcels (zones without parcels are absent), kept a minute.</summary>
    public static async Task<IReadOnlyDictionary<string, double[]>> ZonesAsync(Caller caller, NpgsqlDataSource db, IMemoryCache cache)
    {
        var key = $"extent|zones|{caller.ScopeKey}";
        if (cache.TryGetValue(key, out IReadOnlyDictionary<string, double[]>? known) && known is not null) return known;
        await using var conn = await db.OpenConnectionAsync();
        var boxes = (await conn.QueryAsync<ZoneBox>($"""
            SELECT zone_code, ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
            FROM (SELECT zone_code, ST_Extent(geom) AS b FROM parcel WHERE {Caller.InScope()} AND retired_at IS NULL GROUP BY zone_code) e
            """, new { scope = caller.Scope })).ToDictionary(b => b.ZoneCode, b => new[] { b.West, b.South, b.East, b.North });
        cache.Set(key, (IReadOnlyDictionary<string, double[]>)boxes, new MemoryCacheEntryOptions
        {
            Size = 256 + boxes.Count * 64, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1),
        });
        return boxes;
    }

    static async Task<double[]> OfAsync(string table, string column, Caller caller, NpgsqlDataSource db, IMemoryCache cache)
    {
        var key = $"extent|{table}|{caller.ScopeKey}";
        if (cache.TryGetValue(key, out double[]? known) && known is not null) return known;
        await using var conn = await db.OpenConnectionAsync();
        var box = await conn.QuerySingleAsync<Box>($"""
            SELECT ST_XMin(b) AS west, ST_YMin(b) AS south, ST_XMax(b) AS east, ST_YMax(b) AS north
            FROM (SELECT ST_Extent({column}) AS b FROM {table} WHERE {Caller.InScope()}{(table == "parcel" ? " AND retired_at IS NULL" : "")}) e
            """, new { scope = caller.Scope });
        double[] bounds = box.West is null ? [-180, -85.0511, 180, 85.0511] : [box.West.Value, box.South!.Value, box.East!.Value, box.North!.Value];
        cache.Set(key, bounds, new MemoryCacheEntryOptions { Size = 256, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        return bounds;
    }
}
