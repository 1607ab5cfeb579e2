using LandRegister.Api.Access;

namespace LandRegister.Api.Parcels;

/// <summary>The parcel register's reads, in one place (its writes: <see cref="ParcelWrites"/>).</summary>
static class ParcelSql
{
    /// <summary>A parcel by id, if it is in the caller's zones (<c>@scope</c>).</summary>
    public static readonly string ById = $"SELECT {ParcelRow.Columns} FROM parcel WHERE id = @id AND {Caller.InScope()}";

    /// <summary>
    /// The parcels as they stood in the world at the valid time <c>@asOf</c>, as the register knew it at the record time
    /// <c>@recordedAsOf</c> (null: as it knows it now), from their history and shaped like the <c>parcel</c> table, so
    /// that <c>WITH {AsOf(…)} SELECT … FROM parcel …</c> runs every parcel query against the past. Each attribute is
    /// taken from the latest version that changed it among those valid by <c>@asOf</c> and recorded by
    /// <c>@recordedAsOf</c> (later valid time first, then the later version): a change recorded late for the past
    /// falls into place under the changes recorded after it. <paramref name="filter"/> narrows the history read, on
    /// columns that never change (<c>parcel_id</c>, <c>zone_code</c>); without <paramref name="withGeometry"/> the
    /// geometries are not read (<c>geom</c> is null).
    /// </summary>
    public static string AsOf(string filter, bool withGeometry = true) => $"""
        parcel AS (
            SELECT h.parcel_id AS id, min(h.zone_code) AS zone_code, {Latest("code")}, {Latest("park_code")}, {Latest("name")},
                   {Latest("planned_use")}, {Latest("actual_use")}, {Latest("status")}, {Latest("status_source")},
                   {Latest("registered_area_m2")}, {Latest("area_m2", "geom")}, {(withGeometry ? Latest("geom") : "NULL::geometry AS geom")}, {Latest("supply_id")},
                   {Latest("clean_checklist")}, {Latest("construction_started_on")}, {Latest("retired_at")},
                   min(h.created_at) AS created_at, min(h.created_by) AS created_by, min(h.valid_from) AS existed_from,
                   max(h.recorded_at) AS updated_at, (array_agg(h.actor ORDER BY h.version DESC))[1] AS updated_by,
                   max(h.version) AS version,
                   (SELECT f.parent_ids FROM parcel_history f WHERE f.parcel_id = h.parcel_id AND f.version = 1) AS parent_ids
            FROM parcel_history h
            WHERE h.valid_from <= @asOf AND (@recordedAsOf::timestamptz IS NULL OR h.recorded_at <= @recordedAsOf) AND {filter}
            GROUP BY h.parcel_id)
        """;

    /// <summary>
    /// Prepares, in a run's transaction, the parcels of <paramref name="zone"/> as they stood at <paramref name="asOf"/>
    /// (as recorded by <paramref name="recordedAsOf"/>) for a run that reads their attributes, not their metadata (who
    /// changed them last, when, their version) nor their geometry. A parcel with no change valid after <c>asOf</c> (nor
    /// recorded after <c>recordedAsOf</c>) stood then as its row stands now, since the row keeps the latest-valid value of
    /// every attribute (a change recorded for the past leaves what later changes set: migration 0007); only the parcels
    /// changed since are rebuilt from their history, into temporary tables dropped at commit and analysed, so that the
    /// run's statement is planned on how many there are, a few or tens of thousands. A register in use changes a few
    /// parcels a day: a run for the year before reads the history of those, not of every parcel of the zone.
    /// Returns the member of a <c>WITH</c> clause that defines <c>parcel</c> (reading <c>@zone</c>), or null when no parcel
    /// of the zone changed since: the table is then the zone as it stood.
    /// </summary>
    public static async Task<string?> ZoneAsOfAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string zone, DateTimeOffset asOf,
        DateTimeOffset? recordedAsOf = null)
    {
        var args = new { zone, asOf, recordedAsOf };
        var changed = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            DROP TABLE IF EXISTS pg_temp.parcel_changed_since, pg_temp.parcel_rebuilt;
            CREATE TEMP TABLE parcel_changed_since ON COMMIT DROP AS
            SELECT DISTINCT parcel_id AS id FROM parcel_history
            WHERE zone_code = @zone AND (valid_from > @asOf OR recorded_at > @recordedAsOf::timestamptz);
            SELECT EXISTS (SELECT FROM parcel_changed_since)
            """, args, tx, 0));
        if (!changed) return null;
        await conn.ExecuteAsync(new CommandDefinition($"""
            CREATE TEMP TABLE parcel_rebuilt ON COMMIT DROP AS
            WITH {AsOf("h.zone_code = @zone AND h.parcel_id IN (SELECT id FROM parcel_changed_since)", withGeometry: false)}
            SELECT * FROM parcel;
            ALTER TABLE parcel_changed_since ADD PRIMARY KEY (id);
            ALTER TABLE parcel_rebuilt ADD PRIMARY KEY (id);
            ANALYZE parcel_changed_since, parcel_rebuilt;
            """, args, tx, 0));
        return """
            parcel AS NOT MATERIALIZED (
                SELECT id, zone_code, code, park_code, name, planned_use, actual_use, status, status_source, registered_area_m2, area_m2,
                       NULL::geometry AS geom, supply_id, clean_checklist, construction_started_on, retired_at,
                       created_at, created_by, existed_from, updated_at, updated_by, version, parent_ids
                FROM public.parcel p
                WHERE p.zone_code = @zone AND NOT EXISTS (SELECT 1 FROM parcel_changed_since c WHERE c.id = p.id)
                UNION ALL
                SELECT * FROM parcel_rebuilt)
            """;
    }

    /// <summary>
    /// Whether any parcel of <paramref name="zone"/> changed in valid time after <paramref name="asOf"/> (in one of
    /// <paramref name="attributes"/>, when named). If none did, the <c>parcel</c> table is the zone as it stood then (in
    /// those attributes), and a read of the past reads it instead of the history.
    /// </summary>
    public static Task<bool> ChangedSinceAsync(NpgsqlConnection conn, string zone, DateTimeOffset asOf, string[]? attributes = null) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM parcel_history
                           WHERE zone_code = @zone AND valid_from > @asOf AND (@attributes::text[] IS NULL OR changed && @attributes))
            """, new { zone, asOf, attributes }));

    /// <summary>The value of <paramref name="column"/> from the latest version valid and recorded that changed <paramref name="attribute"/>.</summary>
    static string Latest(string column, string? attribute = null) =>
        $"(array_agg(h.{column} ORDER BY h.valid_from DESC, h.version DESC) FILTER (WHERE '{attribute ?? column}' = ANY(h.changed)))[1] AS {column}";

    /// <summary>One parcel as it was at <c>@asOf</c> (as recorded by <c>@recordedAsOf</c>).</summary>
    public static readonly string ByIdAsOf = $"WITH {AsOf("h.parcel_id = @id")} {ById}";

    /// <summary>
    /// The statement behind one page of <c>GET /api/parcels</c>: the exact match count (null when the query does not
    /// count), then the page (one row more, to know if another follows), each row as <paramref name="features"/> reads it.
    /// </summary>
    public static string Page(ParcelQuery query, DynamicParameters args, ParcelJson features)
    {
        args.AddDynamicParams(new { take = query.Limit + 1, offset = query.Offset });
        var with = query.AsOf is not null ? $"WITH {AsOf(query.HistoryWhere(args))}" : "";
        if (query.AsOf is not null) args.AddDynamicParams(new { asOf = query.AsOf, recordedAsOf = query.RecordedAsOf });
        return $"""
            {(!query.CountMatched ? "SELECT NULL::bigint"
                : query.CountOfWholeZones(args) ?? $"{with} SELECT count(*) FROM parcel WHERE {query.Where(args, paging: false)}")};
            {with} SELECT {features.SelectList(query.GeometrySql)} FROM parcel WHERE {query.Where(args, paging: true)}
            ORDER BY {query.OrderBy} LIMIT @take OFFSET @offset
            """;
    }

    /// <summary>
    /// A page of <paramref name="query"/>: its match count, its Features written one after another (UTF-8 JSON, separated
    /// by commas; the caller disposes of their buffer), how many, the last one's id, and whether another page follows (the
    /// statement reads one row past the limit, whose Feature is not written).
    /// </summary>
    public static async Task<(long? Matched, PooledBuffer Features, int Count, long LastId, bool More)> PageAsync(NpgsqlDataSource db, ParcelQuery query)
    {
        var args = new DynamicParameters();
        var features = query.Features();
        var sql = Page(query, args, features);
        await using var conn = await db.OpenConnectionAsync();
        await using var reader = await conn.ExecuteReaderAsync(sql, args);
        var matched = await reader.ReadSingleAsync<long?>();
        var page = new PooledBuffer(64 * 1024);
        var (count, lastId) = (0, 0L);
        try
        {
            while (await reader.ReadAsync())
            {
                if (count == query.Limit) return (matched, page, count, lastId, true);
                features.Append(reader, page);
                (count, lastId) = (count + 1, reader.GetInt64(0));
            }
        }
        catch
        {
            page.Dispose();
            throw;
        }
        return (matched, page, count, lastId, false);
    }

    /// <summary>
    /// Every parcel <paramref name="query"/> matches (from its cursor on, its limit aside), without geometries, read as
    /// they are written out: an export of a million parcels holds one row at a time.
    /// </summary>
    public static async IAsyncEnumerable<ParcelFeature> AllAsync(NpgsqlDataSource db, ParcelQuery query)
    {
        var args = new DynamicParameters(new { offset = query.Offset });
        var with = "";
        if (query.AsOf is not null)
        {
            with = $"WITH {AsOf(query.HistoryWhere(args), withGeometry: false)}";
            args.AddDynamicParams(new { asOf = query.AsOf, recordedAsOf = query.RecordedAsOf });
        }
        await using var conn = await db.OpenConnectionAsync();
        var rows = conn.QueryUnbufferedAsync<ParcelRow>(
            $"{with} SELECT {ParcelRow.Attributes}, NULL AS geometry FROM parcel WHERE {query.Where(args, paging: true)} ORDER BY {query.OrderBy} OFFSET @offset",
            args);
        await foreach (var row in rows) yield return row.ToFeature();
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
