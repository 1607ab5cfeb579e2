using LandRegister.Api.Access;

namespace LandRegister.Api.Parcels;

/// <summary>The parcel register's reads, in one place (its writes: <see cref="ParcelWrites"/>).</summary>
static class ParcelSql
{
    /// <summary>A parcel by id, if it is in the caller's zones (<c>@scope</c>).</summary>
    public static readonly string ById = $"SELECT {ParcelRow.Columns} FROM parcel WHERE id = @id AND {Caller.InScope()}";

    /// <summary>
    /// The parcels as they were at <c>@asOf</c>, from their history, shaped like the <c>parcel</c> table so that
    /// <c>WITH {AsOf(…)} SELECT … FROM parcel …</c> runs every parcel query against the past.
    /// </summary>
    public static string AsOf(string filter) => $"""
        parcel AS (
            SELECT h.parcel_id AS id, h.zone_code, h.code, h.park_code, h.name, h.planned_use, h.actual_use, h.status,
                   h.registered_area_m2, h.area_m2, h.clean_checklist, h.construction_started_on, h.parent_ids, h.created_at,
                   h.recorded_at AS updated_at, h.retired_at, h.created_by, h.actor AS updated_by, h.version,
                   (SELECT g.geom FROM parcel_history g
                    WHERE g.parcel_id = h.parcel_id AND g.version <= h.version AND g.geom IS NOT NULL
                    ORDER BY g.version DESC LIMIT 1) AS geom
            FROM (SELECT DISTINCT ON (parcel_id) * FROM parcel_history
                  WHERE recorded_at <= @asOf AND {filter}
                  ORDER BY parcel_id, version DESC) h)
        """;

    /// <summary>One parcel as it was at <c>@asOf</c>.</summary>
    public static readonly string ByIdAsOf = $"WITH {AsOf("parcel_id = @id")} {ById}";

    /// <summary>The statement behind one page of <c>GET /api/parcels</c>: the exact match count, then the page (one row more, to know if another follows).</summary>
    public static string Page(ParcelQuery query, DynamicParameters args)
    {
        args.Add("take", query.Limit + 1);
        var with = query.AsOf is not null ? $"WITH {AsOf("true")}" : "";
        if (query.AsOf is not null) args.Add("asOf", query.AsOf);
        return $"""
            {with} SELECT count(*) FROM parcel WHERE {query.Where(args, paging: false)};
            {with} SELECT {ParcelRow.Columns} FROM parcel WHERE {query.Where(args, paging: true)} ORDER BY id LIMIT @take
            """;
    }

    public static async Task<(long Matched, List<ParcelRow> Rows)> PageAsync(NpgsqlDataSource db, ParcelQuery query)
    {
        var args = new DynamicParameters();
        var sql = Page(query, args);
        await using var conn = await db.OpenConnectionAsync();
        await using var grid = await conn.QueryMultipleAsync(sql, args);
        var matched = await grid.ReadSingleAsync<long>();
        var rows = (await grid.ReadAsync<ParcelRow>()).AsList();
        return (matched, rows);
    }

    /// <summary>Why a conditional write touched no row: 404 (no such parcel), 409 (retired) or 412 (stale ETag).</summary>
    public static async Task<ProblemException> WhyNotWrittenAsync(NpgsqlConnection conn, long id, Caller caller)
    {
        var current = await conn.QuerySingleOrDefaultAsync<(long Version, DateTime? RetiredAt)>(
            $"SELECT version, retired_at FROM parcel WHERE id = @id AND {Caller.InScope()}", new { id, scope = caller.Scope });
        if (current == default) return Problems.NotFound($"No parcel has the id {id}.");
        if (current.RetiredAt is { } at)
            return Problems.Conflict("id", $"parcel {id} was retired at {at:O}; retired parcels are kept as they were");
        return Problems.PreconditionFailed(ETags.For(current.Version));
    }
}
