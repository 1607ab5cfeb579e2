using LandRegister.Api.Access;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Parcels;

/// <summary>
/// Every write to <c>parcel</c>, named, in one place: the parcel routes, the lifecycle (transitions, supply, split,
/// merge), construction reports and the background runs change parcels only through these statements. Each runs in the
/// caller's transaction, which has described the change for the history (<see cref="Infrastructure.RecordedChange"/>);
/// the database's triggers keep the versions, areas and history.
/// </summary>
static class ParcelWrites
{
    /// <summary>The condition of every change to an existing parcel: the version read (or any, for <c>If-Match: *</c>), still active, in scope.</summary>
    public static readonly string Changeable =
        $"id = @id AND (@version::bigint IS NULL OR version = @version) AND retired_at IS NULL AND {Caller.InScope()}";

    /// <summary>A parcel from a checked draft (<see cref="ParcelDraft"/>'s members, and <c>@by</c>).</summary>
    public const string Insert = $"""
        INSERT INTO parcel (zone_code, code, park_code, name, planned_use, actual_use, status, registered_area_m2, geom, created_by, updated_by)
        VALUES (@ZoneCode, @Code, @ParkCode, @Name, @PlannedUse, @ActualUse, @Status, @RegisteredAreaM2,
                register_geometry(@Geometry), @by, @by)
        RETURNING {ParcelRow.Columns}
        """;

    /// <summary>A merge patch's SET clause applied to a changeable parcel.</summary>
    public static string Update(string setClause) => $"""
        UPDATE parcel SET {setClause}, updated_by = @by
        WHERE {Changeable}
        RETURNING {ParcelRow.Columns}
        """;

    /// <summary>Retires a parcel: kept, hidden from lists, never reused. Returns its new version.</summary>
    public static readonly string Retire = $"""
        UPDATE parcel SET retired_at = now(), updated_by = @by
        WHERE {Changeable}
        RETURNING version
        """;

    /// <summary>What a status transition writes besides the status.</summary>
    /// <param name="ChecklistJson">The clean-land checklist confirmed, for a move to clean land.</param>
    /// <param name="ConstructionStartedOn">The day construction started, for a move to under construction.</param>
    public sealed record Transition(long Id, long? Version, string From, string To, long? SupplyId, string? ChecklistJson,
        DateOnly ConstructionStartedOn, string By, string[]? Scope);

    /// <summary>Moves a parcel from <c>From</c> to <c>To</c>, if it is still in <c>From</c> at the version read.</summary>
    public static Task<ParcelRow?> TransitionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Transition t) =>
        conn.QuerySingleOrDefaultAsync<ParcelRow>($"""
            UPDATE parcel
            SET status = @To, supply_id = coalesce(@SupplyId, supply_id),
                clean_checklist = CASE WHEN @To = 'clean_land' THEN @ChecklistJson::jsonb ELSE clean_checklist END,
                construction_started_on = CASE WHEN @To = 'under_construction' THEN coalesce(construction_started_on, @ConstructionStartedOn)
                                               ELSE construction_started_on END,
                updated_by = @By
            WHERE id = @Id AND (@Version::bigint IS NULL OR version = @Version) AND retired_at IS NULL
              AND (@Scope::text[] IS NULL OR zone_code = ANY(@Scope)) AND status = @From
            RETURNING {ParcelRow.Columns}
            """, t, tx);

    /// <summary>Points a parcel at a new supply record (a correction); returns its new version.</summary>
    public static Task<long?> SetSupplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, long? version, long supplyId, string by, string[]? scope) =>
        conn.QuerySingleOrDefaultAsync<long?>(
            $"UPDATE parcel SET supply_id = @supplyId, updated_by = @by WHERE {Changeable} RETURNING version",
            new { id, version, supplyId, by, scope }, tx);

    /// <summary>The parts of a split, each taking the parent's attributes, its own code, name and geometry, and the parent as lineage.</summary>
    public static async Task<List<ParcelRow>> InsertSplitPartsAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, long parentId, string[] codes, string?[] names, Geometry[] parts, string by) =>
        (await conn.QueryAsync<ParcelRow>($"""
            INSERT INTO parcel (zone_code, code, park_code, name, planned_use, actual_use, status, geom, supply_id,
                                clean_checklist, parent_ids, created_by, updated_by)
            SELECT p.zone_code, btrim(c.code), p.park_code, coalesce(c.name, p.name), p.planned_use, p.actual_use, p.status,
                   register_geometry(c.part), p.supply_id, p.clean_checklist, ARRAY[p.id], @by, @by
            FROM parcel p, unnest(@codes::text[], @names::text[], @parts::geometry[]) WITH ORDINALITY AS c (code, name, part, ord)
            WHERE p.id = @parentId
            ORDER BY c.ord
            RETURNING {ParcelRow.Columns}
            """, new { parentId, codes, names, parts, by }, tx)).AsList();

    /// <summary>The parcel a merge makes: the union of the parents, their shared attributes, the parents as lineage.</summary>
    public static Task<ParcelRow> InsertMergedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] parentIds, string code, string? name, string by) =>
        conn.QuerySingleAsync<ParcelRow>($"""
            INSERT INTO parcel (zone_code, code, park_code, name, planned_use, actual_use, status, geom, supply_id, clean_checklist,
                                parent_ids, created_by, updated_by)
            SELECT (array_agg(zone_code))[1], btrim(@code), (array_agg(park_code))[1], @name, (array_agg(planned_use))[1],
                   CASE WHEN count(DISTINCT actual_use) = 1 THEN min(actual_use) END, (array_agg(status))[1],
                   ST_ForcePolygonCCW(ST_Multi(ST_Union(geom))),
                   CASE WHEN count(DISTINCT supply_id) = 1 AND count(supply_id) = count(*) THEN min(supply_id) END,
                   (array_agg(clean_checklist))[1], @parentIds, @by, @by
            FROM parcel WHERE id = ANY(@parentIds)
            RETURNING {ParcelRow.Columns}
            """, new { parentIds, code, name, by }, tx);

    /// <summary>Retires merged parcels, each at the version read; returns how many were (fewer: one had changed).</summary>
    public static Task<int> RetireAtVersionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids, long[] versions, string by) =>
        conn.ExecuteAsync("""
            UPDATE parcel p SET retired_at = now(), updated_by = @by
            FROM unnest(@ids, @versions) AS v (id, version)
            WHERE p.id = v.id AND p.version = v.version AND p.retired_at IS NULL
            """, new { ids, versions, by }, tx);

    /// <summary>Records when construction started, keeping the earliest reported day.</summary>
    public static Task SetConstructionStartAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, DateOnly? startedOn, string by) =>
        conn.ExecuteAsync("""
            UPDATE parcel SET construction_started_on = @startedOn, updated_by = @by
            WHERE id = @id AND @startedOn::date IS NOT NULL AND (construction_started_on IS NULL OR construction_started_on > @startedOn)
            """, new { id, startedOn, by }, tx);

    /// <summary>
    /// The bulk status moves of the evaluation and idle-land runs: each parcel to its status, if it is still in one of
    /// <paramref name="from"/> and active. Returns how many moved.
    /// </summary>
    public static Task<int> MoveStatusesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids, string[] statuses, string[] from, string actor,
        CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            UPDATE parcel p SET status = v.status, updated_by = @actor
            FROM unnest(@ids, @statuses) AS v (id, status)
            WHERE p.id = v.id AND p.status = ANY(@from) AND p.retired_at IS NULL
            """, new { ids, statuses, from, actor }, tx, 0, cancellationToken: ct));
}
