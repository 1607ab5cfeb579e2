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
/// </list>
/// </remarks>
public static class LedgerTargets
{
    public static readonly string[] Kinds =
        ["parcels_in_status", "use_mismatch_cleared", "idle_land_cleared", "reserve_target", "enterprises_evaluated", "no_raw_land_supplied"];

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
            foreach (var m in await conn.QueryAsync<Measured>("""
                         SELECT t.item, t.idx,
                                (count(p.id) FILTER (WHERE CASE t.kind
                                    WHEN 'parcels_in_status' THEN p.status = ANY(t.statuses)
                                    WHEN 'idle_land_cleared' THEN p.status <> 'idle'
                                    ELSE p.actual_use IS NULL OR p.planned_use IS NULL
                                         OR p.actual_use LIKE p.planned_use || '%' OR p.planned_use LIKE p.actual_use || '%' END))::float8 AS value,
                                count(p.id)::float8 AS of
                         FROM jsonb_to_recordset(@defs::jsonb) AS t (item bigint, idx int, kind text, parcels bigint[], statuses text[])
                         LEFT JOIN parcel p ON p.id = ANY(t.parcels)
                         GROUP BY t.item, t.idx
                         """, new { defs = JsonSerializer.Serialize(onParcels) }))
                measured[(m.Item, m.Idx)] = (m.Value, m.Of);

        foreach (var t in all.Where(t => Kind(t.Def) == "enterprises_evaluated"))
        {
            var done = await conn.ExecuteScalarAsync<bool>(
                "SELECT EXISTS (SELECT 1 FROM evaluation_current WHERE zone_code = @zone AND year = @year)", new { zone = t.Item.ZoneCode, year = (int)t.Def["year"]! });
            measured[(t.Item.Id, t.Idx)] = (done ? 1 : 0, 1);
        }
        foreach (var t in all.Where(t => Kind(t.Def) == "no_raw_land_supplied"))
        {
            var (clean, supplied) = await conn.QuerySingleAsync<(long, long)>("""
                SELECT count(*) FILTER (WHERE previous = 'clean_land'), count(*) FROM (
                    SELECT status, valid_from, lag(status) OVER (PARTITION BY parcel_id ORDER BY valid_from, version) AS previous
                    FROM parcel_history WHERE zone_code = @zone AND 'status' = ANY(changed)) h
                WHERE status = 'supplied' AND previous IS NOT NULL AND previous <> 'supplied' AND valid_from >= @since
                """, new { zone = t.Item.ZoneCode, since = RegisterClock.StartOf(DateOnly.Parse((string)t.Def["since"]!)).ToUniversalTime() });
            measured[(t.Item.Id, t.Idx)] = (clean, supplied);
        }
        foreach (var t in all.Where(t => Kind(t.Def) == "reserve_target"))
        {
            var (status, _) = await ReserveTargets.StatusAsync(db, t.Item.ZoneCode, (int)t.Def["year"]!, null, settings, uses);
            measured[(t.Item.Id, t.Idx)] = (status.Blocks.Count, status.Target.MinBlocks);
        }

        return items.ToDictionary(i => i.Id, i => i.TargetDefinitions().Select((def, idx) =>
        {
            var (value, of) = measured.GetValueOrDefault((i.Id, idx));
            var kind = Kind(def);
            return new LedgerTarget(kind, Describe(kind, def, value, of), value, of, value >= of, def);
        }).ToList());
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
        _ => kind,
    };
}
