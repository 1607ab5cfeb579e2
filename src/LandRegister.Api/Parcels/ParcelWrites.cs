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

    /// <summary>
    /// A parcel from a checked draft (<see cref="ParcelDraft"/>'s members, <c>@id</c>, <c>@supplyId</c> and <c>@by</c>):
    /// the id is drawn beforehand when the parcel arrives with its supply record, the two rows pointing at each other.
    /// </summary>
    public const string Insert = $"""
        INSERT INTO parcel (id, zone_code, code, park_code, name, planned_use, actual_use, status, registered_area_m2, geom, supply_id,
                            existed_from, created_by, updated_by)
        OVERRIDING SYSTEM VALUE
        VALUES (coalesce(@id, nextval(pg_get_serial_sequence('parcel', 'id'))), @ZoneCode, @Code, @ParkCode, @Name, @PlannedUse, @ActualUse,
                @Status, @RegisteredAreaM2, register_geometry(@Geometry), @supplyId, coalesce(@ExistedFrom, now()), @by, @by)
        RETURNING {ParcelRow.Columns}
        """;

    /// <summary>Draws a parcel id and a supply record id, and defers the references between the two tables to the commit.</summary>
    public static Task<(long ParcelId, long SupplyId)> DrawIdsAsync(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.QuerySingleAsync<(long, long)>("""
            SET CONSTRAINTS parcel_supply_fk, parcel_supply_parcel_fk DEFERRED;
            SELECT nextval(pg_get_serial_sequence('parcel', 'id')), nextval(pg_get_serial_sequence('parcel_supply', 'id'))
            """, transaction: tx);

    /// <summary>A merge patch's SET clause applied to a changeable parcel.</summary>
    public static string Update(string setClause) => $"""
        UPDATE parcel SET {setClause}, updated_by = @by
        WHERE {Changeable}
        RETURNING {ParcelRow.Columns}
        """;

    /// <summary>Retires a parcel (at <c>@retiredAt</c>, or now): kept, hidden from lists, never reused. Returns its new version.</summary>
    public static readonly string Retire = $"""
        UPDATE parcel SET retired_at = coalesce(@retiredAt, now()), updated_by = @by
        WHERE {Changeable}
        RETURNING version
        """;

    /// <summary>What a status transition writes besides the status.</summary>
    /// <param name="Current">The status the parcel is in now, as read.</param>
    /// <param name="SupplyId">The new supply record, for a move to supplied.</param>
    /// <param name="EndsSupply">The land goes back to the government: the parcel has no holder any more.</param>
    /// <param name="ChecklistJson">The clean-land checklist confirmed, for a move to clean land.</param>
    /// <param name="ConstructionStartedOn">The day construction started, for a move to under construction.</param>
    /// <param name="Shadowed">For a change recorded for the past: the columns later changes have set again, left as they are.</param>
    public sealed record Transition(long Id, long? Version, string Current, string To, long? SupplyId, bool EndsSupply, string? ChecklistJson,
        DateOnly ConstructionStartedOn, string[] Shadowed, string By, string[]? Scope)
    {
        /// <summary>What it sets on the columns later changes have set again, by column: the history records them as its own.</summary>
        public Dictionary<string, object?> ShadowedValues()
        {
            var sets = new Dictionary<string, object?> { ["status"] = To, ["status_source"] = "manual" };
            if (EndsSupply || SupplyId is not null) sets["supply_id"] = EndsSupply ? null : SupplyId;
            if (To == ParcelStatus.CleanLand) sets["clean_checklist"] = ChecklistJson is null ? null : System.Text.Json.Nodes.JsonNode.Parse(ChecklistJson);
            if (To == ParcelStatus.UnderConstruction) sets["construction_started_on"] = ConstructionStartedOn;
            return sets.Where(s => Shadowed.Contains(s.Key)).ToDictionary();
        }
    }

    /// <summary>Moves a parcel to <c>To</c>, if it is still in <c>Current</c> at the version read; a person's move, so its status is the person's.</summary>
    public static Task<ParcelRow?> TransitionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Transition t) =>
        conn.QuerySingleOrDefaultAsync<ParcelRow>($"""
            UPDATE parcel
            SET status = CASE WHEN 'status' = ANY(@Shadowed) THEN status ELSE @To END,
                status_source = CASE WHEN 'status' = ANY(@Shadowed) THEN status_source ELSE 'manual' END,
                supply_id = CASE WHEN 'supply_id' = ANY(@Shadowed) THEN supply_id WHEN @EndsSupply THEN NULL ELSE coalesce(@SupplyId, supply_id) END,
                clean_checklist = CASE WHEN @To = 'clean_land' AND NOT 'clean_checklist' = ANY(@Shadowed) THEN @ChecklistJson::jsonb
                                       ELSE clean_checklist END,
                construction_started_on = CASE WHEN @To = 'under_construction' AND NOT 'construction_started_on' = ANY(@Shadowed)
                                               THEN coalesce(construction_started_on, @ConstructionStartedOn) ELSE construction_started_on END,
                updated_by = @By
            WHERE id = @Id AND (@Version::bigint IS NULL OR version = @Version) AND retired_at IS NULL
              AND (@Scope::text[] IS NULL OR zone_code = ANY(@Scope)) AND status = @Current
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
    /// The idle-land run's moves: each parcel to its status, if it is still in one of <paramref name="from"/> and active;
    /// with <paramref name="onlyOwn"/>, only where the run set the status it is in. Returns how many moved.
    /// </summary>
    public static Task<int> MoveStatusesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] ids, string[] statuses, string[] from,
        string source, bool onlyOwn, string actor, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            UPDATE parcel p SET status = v.status, status_source = @source, updated_by = @actor
            FROM unnest(@ids, @statuses) AS v (id, status)
            WHERE p.id = v.id AND p.status = ANY(@from) AND p.retired_at IS NULL AND (NOT @onlyOwn OR p.status_source = @source)
            """, new { ids, statuses, from, source, onlyOwn, actor }, tx, 0, cancellationToken: ct));

    /// <summary>An evaluation's move of the parcels <c>Ids</c>, each graded with its holder in <c>Holders</c>, from <c>From</c> to <c>To</c>.</summary>
    public sealed record Grading(int Year, DateTimeOffset EndOfYear, string Actor)
    {
        public long[] Ids { get; init; } = [];
        public string[] Holders { get; init; } = [];
        public string From { get; init; } = "";
        public string To { get; init; } = "";
    }

    /// <summary>
    /// Moves graded parcels where the graded holder still holds the land (its current supply record names it), the
    /// status is still <c>From</c> (and, moving back to in use, an evaluation set it), and no status change has taken
    /// effect since the year ended but an evaluation's of that same year. Returns how many moved.
    /// </summary>
    public static Task<int> GradeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Grading g, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            UPDATE parcel p SET status = @To, status_source = 'evaluation', updated_by = @Actor
            FROM unnest(@Ids, @Holders) AS v (id, holder), parcel_supply s
            WHERE p.id = v.id AND s.id = p.supply_id AND s.recipient_credit_code = v.holder
              AND p.status = @From AND p.retired_at IS NULL AND (@To <> 'in_use' OR p.status_source = 'evaluation')
              AND NOT EXISTS (
                  SELECT 1 FROM parcel_history h
                  WHERE h.parcel_id = p.id AND h.valid_from > @EndOfYear AND 'status' = ANY(h.changed)
                    AND NOT (h.kind = 'evaluation' AND h.details ->> 'year' = @Year::text))
            """, g, tx, 0, cancellationToken: ct));
}
