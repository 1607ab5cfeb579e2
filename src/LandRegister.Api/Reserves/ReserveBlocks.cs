using System.Data;
using System.Diagnostics;
using Dapper;
using Npgsql;

namespace LandRegister.Api.Reserves;

/// <summary>How blocks are formed: the clean land of these uses, joined across gaps up to this width.</summary>
/// <param name="UsePatterns">Land-use prefixes as LIKE patterns (1001 and its sub-codes: <c>1001%</c>).</param>
public sealed record BlockRule(string ZoneCode, string[] UsePatterns, double GapM)
{
    /// <summary>The cache key of the land uses.</summary>
    public string UsesKey => string.Join(",", UsePatterns.Order(StringComparer.Ordinal));
}

/// <summary>
/// Contiguous clean-land blocks (集中连片净地), computed by PostGIS: the zone's clean parcels of the rule's uses,
/// clustered in the zone's Gauss-Krüger projection (so the gap is in metres) with every pair closer than the
/// gap joined, each cluster's area the sum of its parcels'. A block's id hashes its member ids, so it stays the
/// same while its membership does. Blocks (and the clean parcels, for the available-land search) are kept in
/// <c>reserve_item</c> and recomputed on read when the zone's clean land has changed since (its
/// <c>land_generation</c>): never stale, and computed once per change, not per request.
/// </summary>
public static class ReserveBlocks
{
    /// <summary>
    /// The clusters of the clean land of <c>parcel</c> (or of the as-of relation standing in for it). One centimetre
    /// is added to the gap: a vertex of one parcel on another's edge is not exactly on it once projected. For the
    /// same reason the union is snap-rounded to 1e-7° (about 1 cm), so that touching parcels dissolve into one polygon.
    /// </summary>
    const string Clusters = """
        clean AS (
            SELECT p.id, p.code, p.park_code, p.planned_use, p.area_m2, p.geom
            FROM parcel p
            WHERE p.zone_code = @zone AND p.status = 'clean_land' AND p.retired_at IS NULL AND p.planned_use LIKE ANY(@patterns)),
        clustered AS (
            SELECT c.*, ST_ClusterDBSCAN(ST_Transform(c.geom, (SELECT gk_epsg FROM zone WHERE code = @zone)), eps := @gap + 0.01, minpoints := 1)
                        OVER () AS cluster
            FROM clean c),
        blocks AS (
            SELECT 'block'::text AS kind, 'B' || left(md5(string_agg(id::text, ',' ORDER BY id)), 15) AS item_id, sum(area_m2) AS area_m2,
                   array_agg(id ORDER BY id) AS parcel_ids, array_agg(code ORDER BY id) AS parcel_codes,
                   coalesce(array_agg(DISTINCT park_code) FILTER (WHERE park_code IS NOT NULL), '{}') AS park_codes,
                   array_agg(DISTINCT planned_use) AS land_use_codes, ST_Multi(ST_Union(geom, 1e-7)) AS geom
            FROM clustered GROUP BY cluster)
        """;

    const string Store = $"""
        WITH {Clusters}
        INSERT INTO reserve_item (zone_code, land_uses, gap_m, kind, item_id, area_m2, parcel_ids, parcel_codes, park_codes, land_use_codes, geom, geog)
        SELECT @zone, @uses, @gap, kind, item_id, area_m2, parcel_ids, parcel_codes, park_codes, land_use_codes, geom, geom::geography
        FROM (SELECT * FROM blocks
              UNION ALL
              SELECT 'parcel', id::text, area_m2, ARRAY[id], ARRAY[code],
                     CASE WHEN park_code IS NULL THEN ARRAY[]::text[] ELSE ARRAY[park_code] END, ARRAY[planned_use], geom
              FROM clean) items
        """;

    /// <summary>The blocks as they were, computed from the history (<c>@asOf</c>), for a past year's target.</summary>
    public static string AsOf(string asOfRelation) => $"""
        WITH {asOfRelation}, {Clusters}
        SELECT item_id AS block_id, area_m2, parcel_codes, park_codes FROM blocks ORDER BY area_m2 DESC
        """;

    public static object Args(BlockRule rule) => new { zone = rule.ZoneCode, patterns = rule.UsePatterns, uses = rule.UsesKey, gap = rule.GapM };

    /// <summary>Makes the zone's blocks for the rule current; returns the seconds spent computing (0 when they were).</summary>
    public static async Task<double> EnsureAsync(NpgsqlDataSource db, BlockRule rule, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var args = Args(rule);
        if (await IsCurrentAsync(conn, args, null)) return 0;
        var clock = Stopwatch.StartNew();
        // One computation at a time per rule (the lock is taken before the snapshot, so a computation finished
        // while this one waited is seen), and one snapshot for the generation and the land it stands for.
        const string Lock = "hashtext(@zone || '|' || @uses || '|' || @gap::text)";
        await conn.ExecuteAsync(new CommandDefinition($"SELECT pg_advisory_lock({Lock})", args, commandTimeout: 0, cancellationToken: ct));
        try
        {
            return await ComputeAsync(conn, rule, args, clock, ct);
        }
        finally
        {
            await conn.ExecuteAsync($"SELECT pg_advisory_unlock({Lock})", args);
        }
    }

    static async Task<double> ComputeAsync(NpgsqlConnection conn, BlockRule rule, object args, Stopwatch clock, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        if (await IsCurrentAsync(conn, args, tx)) return 0;
        await conn.ExecuteAsync("DELETE FROM reserve_item WHERE zone_code = @zone AND land_uses = @uses AND gap_m = @gap", args, tx);
        await conn.ExecuteAsync(new CommandDefinition(Store, args, tx, 0, cancellationToken: ct));
        var seconds = clock.Elapsed.TotalSeconds;
        await conn.ExecuteAsync("""
            INSERT INTO reserve_set (zone_code, land_uses, gap_m, generation, seconds)
            VALUES (@zone, @uses, @gap, (SELECT coalesce((SELECT generation FROM land_generation WHERE zone_code = @zone), 0)), @seconds)
            ON CONFLICT (zone_code, land_uses, gap_m) DO UPDATE SET generation = excluded.generation, computed_at = now(), seconds = excluded.seconds
            """, new { zone = rule.ZoneCode, uses = rule.UsesKey, gap = rule.GapM, seconds }, tx);
        await tx.CommitAsync(ct);
        return seconds;
    }

    static Task<bool> IsCurrentAsync(NpgsqlConnection conn, object args, NpgsqlTransaction? tx) =>
        conn.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM reserve_set s
                           WHERE s.zone_code = @zone AND s.land_uses = @uses AND s.gap_m = @gap
                             AND s.generation = coalesce((SELECT generation FROM land_generation WHERE zone_code = @zone), 0))
            """, args, tx);
}
