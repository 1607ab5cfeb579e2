using System.Text.Json;
using System.Text.Json.Nodes;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;

namespace LandRegister.Api.Ledger;

/// <summary>
/// The targets the register measures itself, from its own data, on every read: what makes a ledger honest. Each kind is
/// computed for all the items read at once, in one statement per kind.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>parcels_in_status</c>: the parcels (the item's, unless it names others) that are in one of <c>statuses</c>.</item>
/// <item><c>use_mismatch_cleared</c>: the parcels whose actual use is their planned use (or a sub-code, or not surveyed).</item>
/// <item><c>idle_land_cleared</c>: the parcels that are not idle.</item>
/// <item><c>reserve_target</c>: the zone's reserve target for <c>year</c> is met (blocks meeting it, of those required).</item>
/// <item><c>enterprises_evaluated</c>: the zone's enterprises were evaluated for <c>year</c>.</item>
/// <item><c>no_raw_land_supplied</c>: every parcel of the zone supplied since <c>since</c> was clean land when supplied.</item>
/// <item><c>arrears_cleared</c>: the leases (the item's) that owe nothing due today.</item>
/// </list>
/// </remarks>
public static class LedgerTargets
{
    public static readonly string[] Kinds =
        ["parcels_in_status", "use_mismatch_cleared", "idle_land_cleared", "reserve_target", "enterprises_evaluated", "no_raw_land_supplied", "arrears_cleared"];

    static readonly string[] OnParcels = ["parcels_in_status", "use_mismatch_cleared", "idle_land_cleared"];

    public static void Check(LedgerTargetInput t, string field, FieldErrors errors)
    {
        if (t.Kind is null) { errors.Add($"{field}.kind", $"required: one of {string.Join(", ", Kinds)}"); return; }
        if (!Kinds.Contains(t.Kind)) { errors.AddUnknown($"{field}.kind", $"unknown target kind '{t.Kind}'", Kinds); return; }
        if (t.Kind == "parcels_in_status")
        {
            if (t.Statuses is not { Length: > 0 }) errors.Add($"{field}.statuses", "required: the statuses that count as reached");
            foreach (var s in t.Statuses ?? [])
                if (!ParcelStatus.IsKnown(s)) errors.AddUnknown($"{field}.statuses", $"unknown status '{s}'", ParcelStatus.All);
        }
        if (t.Kind is "reserve_target" or "enterprises_evaluated" && t.Year is not (>= 2000 and <= 2100)) errors.Add($"{field}.year", "required: 2000-2100");
        if (t.Kind == "no_raw_land_supplied" && t.Since is null) errors.Add($"{field}.since", "required: the day from which supplies count");
        if (t.ParcelIds is { Length: > LedgerItemInput.MaxLinks }) errors.Add($"{field}.parcelIds", $"at most {LedgerItemInput.MaxLinks}");
        if (t.ParcelIds is not null && !OnParcels.Contains(t.Kind)) errors.Add($"{field}.parcelIds", $"a {t.Kind} target counts no parcels");
    }

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The targets as stored in <c>ledger_item.targets</c>.</summary>
    public static string Store(LedgerTargetInput[] targets) => JsonSerializer.Serialize(targets, Json);

    sealed record Measured(long Item, int Idx, double Value, double Of);

    /// <summary>Every target of <paramref name="items"/>, by item id, in each item's order.</summary>
    internal static async Task<Dictionary<long, List<LedgerTarget>>> MeasureAsync(
        NpgsqlConnection conn, NpgsqlDataSource db, IReadOnlyList<LedgerItemRow> items, ReserveSettings settings, LandUseCodes uses)
    {
        var all = items.SelectMany(i => i.TargetDefinitions().Select((t, idx) => (Item: i, Idx: idx, Def: t))).ToList();
        var measured = new Dictionary<(long, int), (double Value, double Of)>();

        var onParcels = all.Where(t => OnParcels.Contains(Kind(t.Def))).Select(t => new
        {
            item = t.Item.Id, idx = t.Idx, kind = Kind(t.Def),
            parcels = t.Def["parcelIds"]?.AsArray().Select(p => (long)p!).ToArray() ?? t.Item.ParcelIds,
            statuses = t.Def["statuses"]?.AsArray().Select(s => (string)s!).ToArray() ?? [],
        }).ToList();
        if (onParcels.Count > 0)
        {
            // Each distinct set of parcels (an item's targets usually share its links) is read once, and each parcel once:
            // one index scan over the sorted ids, then the sets' statuses, then every target from its set.
            var sets = onParcels.Select(t => t.parcels).Distinct(ParcelSets.Instance).Select((parcels, set) => new { set, parcels }).ToList();
            var setOf = sets.ToDictionary(s => s.parcels, s => s.set, ParcelSets.Instance);
            var defs = onParcels.Select(t => new { t.item, t.idx, t.kind, set = setOf[t.parcels], t.statuses });
            var ids = sets.SelectMany(s => s.parcels).Distinct().Order().ToArray();
            foreach (var m in await conn.QueryAsync<Measured>("""
                         WITH linked AS MATERIALIZED (
                             SELECT p.id, p.status,
                                    p.actual_use IS NULL OR p.planned_use IS NULL
                                    OR p.actual_use LIKE p.planned_use || '%' OR p.planned_use LIKE p.actual_use || '%' AS as_planned
                             FROM parcel p WHERE p.id = ANY(@ids)),
                         sets AS (
                             SELECT s.set, array_agg(l.status) AS statuses, count(*) FILTER (WHERE l.as_planned) AS as_planned
                             FROM jsonb_to_recordset(@sets::jsonb) AS s (set int, parcels bigint[])
                             CROSS JOIN LATERAL unnest(s.parcels) AS u (id) JOIN linked l ON l.id = u.id
                             GROUP BY s.set)
                         SELECT t.item, t.idx,
                                coalesce(CASE t.kind
                                    WHEN 'parcels_in_status' THEN (SELECT count(*) FROM unnest(s.statuses) AS x WHERE x = ANY(t.statuses))
                                    WHEN 'idle_land_cleared' THEN (SELECT count(*) FROM unnest(s.statuses) AS x WHERE x <> 'idle')
                                    ELSE s.as_planned END, 0)::float8 AS value,
                                coalesce(cardinality(s.statuses), 0)::float8 AS of
                         FROM jsonb_to_recordset(@defs::jsonb) AS t (item bigint, idx int, kind text, set int, statuses text[])
                         LEFT JOIN sets s ON s.set = t.set
                         """, new { ids, sets = JsonSerializer.Serialize(sets), defs = JsonSerializer.Serialize(defs) }))
                measured[(m.Item, m.Idx)] = (m.Value, m.Of);
        }

        var onLeases = all.Where(t => Kind(t.Def) == "arrears_cleared").ToList();
        if (onLeases.Count > 0)
        {
            var owing = (await conn.QueryAsync<long>("""
                SELECT DISTINCT lease_id FROM rent_bill
                WHERE lease_id = ANY(@ids) AND settled_on IS NULL AND closed_by IS NULL AND due_on <= @today
                """, new { ids = onLeases.SelectMany(t => t.Item.LeaseIds).Distinct().ToArray(), today = RegisterClock.Today })).ToHashSet();
            foreach (var t in onLeases)
                measured[(t.Item.Id, t.Idx)] = (t.Item.LeaseIds.Distinct().Count(l => !owing.Contains(l)), t.Item.LeaseIds.Distinct().Count());
        }

        // The zone-wide kinds are measured once per zone and year (or day), however many items carry them.
        foreach (var group in all.Where(t => Kind(t.Def) == "enterprises_evaluated").GroupBy(t => (t.Item.ZoneCode, Year: (int)t.Def["year"]!)))
        {
            var done = await conn.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = @ZoneCode AND year = @Year)", new { group.Key.ZoneCode, group.Key.Year });
            foreach (var t in group) measured[(t.Item.Id, t.Idx)] = (done ? 1 : 0, 1);
        }
        foreach (var group in all.Where(t => Kind(t.Def) == "no_raw_land_supplied").GroupBy(t => (t.Item.ZoneCode, Since: (string)t.Def["since"]!)))
        {
            // Each change to supplied since the day, with the status it changed from (in valid time).
            var (clean, supplied) = await conn.QuerySingleAsync<(long, long)>("""
                SELECT count(*) FILTER (WHERE before.status = 'clean_land'), count(*)
                FROM parcel_history h
                CROSS JOIN LATERAL (
                    SELECT b.status FROM parcel_history b
                    WHERE b.parcel_id = h.parcel_id AND 'status' = ANY(b.changed) AND (b.valid_from, b.version) < (h.valid_from, h.version)
                    ORDER BY b.valid_from DESC, b.version DESC LIMIT 1) before
                WHERE h.zone_code = @zone AND h.valid_from >= @since AND h.status = 'supplied' AND 'status' = ANY(h.changed)
                  AND before.status <> 'supplied'
                """, new { zone = group.Key.ZoneCode, since = RegisterClock.StartOf(DateOnly.Parse(group.Key.Since)).ToUniversalTime() });
            foreach (var t in group) measured[(t.Item.Id, t.Idx)] = (clean, supplied);
        }
        foreach (var group in all.Where(t => Kind(t.Def) == "reserve_target").GroupBy(t => (t.Item.ZoneCode, Year: (int)t.Def["year"]!)))
        {
            var (status, _) = await ReserveTargets.StatusAsync(db, group.Key.ZoneCode, group.Key.Year, null, settings, uses, countOnly: true);
            foreach (var t in group) measured[(t.Item.Id, t.Idx)] = (status.Blocks.Count, status.Target.MinBlocks);
        }

        return items.ToDictionary(i => i.Id, i => i.TargetDefinitions().Select((def, idx) =>
        {
            var (value, of) = measured.GetValueOrDefault((i.Id, idx));
            var kind = Kind(def);
            return new LedgerTarget(kind, Describe(kind, def, value, of), value, of, value >= of, def);
        }).ToList());
    }

    /// <summary>Parcel sets compared by their ids, in order.</summary>
    sealed class ParcelSets : IEqualityComparer<long[]>
    {
        public static readonly ParcelSets Instance = new();

        public bool Equals(long[]? x, long[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(long[] set)
        {
            var hash = new HashCode();
            foreach (var id in set) hash.Add(id);
            return hash.ToHashCode();
        }
    }

    static string Kind(JsonObject def) => (string?)def["kind"] ?? "";

    static string Describe(string kind, JsonObject def, double value, double of) => kind switch
    {
        "parcels_in_status" => $"{value} of {of} parcels {string.Join(" or ", def["statuses"]!.AsArray().Select(s => (string)s!))}",
        "use_mismatch_cleared" => $"{value} of {of} parcels used as planned",
        "idle_land_cleared" => $"{value} of {of} parcels no longer idle",
        "reserve_target" => $"{value} of {of} contiguous blocks required for {def["year"]}",
        "enterprises_evaluated" => value >= 1 ? $"the {def["year"]} evaluation is done" : $"the {def["year"]} evaluation is not done",
        "no_raw_land_supplied" => $"{value} of {of} parcels supplied since {def["since"]} were clean land",
        "arrears_cleared" => $"{value} of {of} leases owe nothing",
        _ => kind,
    };
}
