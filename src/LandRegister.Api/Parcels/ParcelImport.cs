using LandRegister.Api.Docs;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using LandRegister.Api.LandUses;
using Microsoft.AspNetCore.Http.Features;
using NpgsqlTypes;

namespace LandRegister.Api.Parcels;

/// <summary>One feature an import refused: its index in the file, its code if it had one, and every reason.</summary>
public sealed record ImportRejection(int Index, string? Code, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>What an import did.</summary>
public sealed record ImportReport(int Received, int Imported, IReadOnlyList<ImportRejection> Rejected, long DurationMs);

/// <summary>
/// Bulk import of a GeoJSON FeatureCollection. Every feature is checked in C# (structure, codes) and sent
/// to a staging table by binary COPY; one INSERT then moves them into the register, where the
/// table's constraints check geometry, zone, park and code. Only when that fails does the import look
/// for the culprits, feature by feature, to report them. All or nothing unless atomic=false.
/// </summary>
public static class ParcelImport
{
    internal const string Stage = """
        CREATE TEMP TABLE parcel_import (
            idx integer PRIMARY KEY, zone_code text, code text, park_code text, name text, planned_use text,
            actual_use text, status text, registered_area_m2 numeric, geom geometry, existed_from timestamptz,
            supply_valid_from date, supply jsonb, g geometry
        ) ON COMMIT DROP
        """;

    const string Copy = """
        COPY parcel_import (idx, zone_code, code, park_code, name, planned_use, actual_use, status, registered_area_m2, geom,
                            existed_from, supply_valid_from, supply)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// The geometries as the register will store them, once, indexed for the overlap checks. The index comes first: built
    /// after the update, over its HOT chains, PostgreSQL keeps it from the transaction that built it (indcheckxmin), and
    /// the overlap check paired every feature of the file with every earlier one (20 s for the 6,821 Paris parcels).
    /// The statistics are those of the columns the checks join on (40-50 ms for the whole table, 16 ms for these).
    /// </summary>
    internal const string Prepare = """
        CREATE INDEX ON parcel_import USING gist (g);
        UPDATE parcel_import SET g = register_geometry(geom) WHERE ST_IsValid(geom);
        ANALYZE parcel_import (idx, zone_code, g);
        """;

    const string Diagnose = """
        SELECT s.idx, 'geometry' AS field,
               'invalid polygon: ' || d.reason || coalesce(' at [' || ST_X(d.location) || ', ' || ST_Y(d.location) || ']', '') AS reason
        FROM parcel_import s, ST_IsValidDetail(s.geom) d
        WHERE NOT d.valid
        UNION ALL
        SELECT s.idx, 'geometry', 'not a valid polygon after conversion to WGS84'
        FROM parcel_import s WHERE ST_IsValid(s.geom) AND NOT ST_IsValid(register_geometry(s.geom))
        UNION ALL
        SELECT s.idx, 'properties.zoneCode', 'no zone has this code'
        FROM parcel_import s WHERE NOT EXISTS (SELECT 1 FROM zone z WHERE z.code = s.zone_code)
        UNION ALL
        SELECT s.idx, 'properties.parkCode', 'no park with this code in the parcel''s zone'
        FROM parcel_import s
        WHERE s.park_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM park k WHERE k.zone_code = s.zone_code AND k.code = s.park_code)
        UNION ALL
        SELECT s.idx, 'properties.code', 'a parcel with this code already exists in the zone (id ' || p.id || ')'
        FROM parcel_import s JOIN parcel p ON p.zone_code = s.zone_code AND p.code = s.code
        """;

    /// <summary>
    /// Moves the staged features into the register, and the supply records of those that carry one: each parcel and its
    /// record drawn ids first, as they point at each other (the references checked at commit).
    /// </summary>
    const string Insert = """
        SET CONSTRAINTS parcel_supply_fk, parcel_supply_parcel_fk DEFERRED;
        WITH ids AS (
            SELECT idx, nextval(pg_get_serial_sequence('parcel', 'id')) AS parcel_id,
                   CASE WHEN supply IS NOT NULL THEN nextval(pg_get_serial_sequence('parcel_supply', 'id')) END AS supply_id
            FROM (SELECT idx, supply FROM parcel_import WHERE idx <> ALL (@rejected) ORDER BY idx) ordered),
        supplies AS (
            INSERT INTO parcel_supply (id, parcel_id, method, listed_on, dealt_on, recipient_name, recipient_credit_code, price_wan,
                construction_start_by, completion_by, investment_intensity_wan_per_mu, tax_per_mu_wan, sales_per_mu_wan, min_plot_ratio,
                valid_from, created_by)
            OVERRIDING SYSTEM VALUE
            SELECT i.supply_id, i.parcel_id, s.supply ->> 'method', (s.supply ->> 'listedOn')::date, (s.supply ->> 'dealtOn')::date,
                   btrim(s.supply ->> 'recipientName'), s.supply ->> 'recipientCreditCode', (s.supply ->> 'priceWan')::numeric,
                   (s.supply ->> 'constructionStartBy')::date, (s.supply ->> 'completionBy')::date,
                   (s.supply -> 'commitments' ->> 'investmentIntensityWanPerMu')::numeric, (s.supply -> 'commitments' ->> 'taxPerMuWan')::numeric,
                   (s.supply -> 'commitments' ->> 'salesPerMuWan')::numeric, (s.supply -> 'commitments' ->> 'minPlotRatio')::numeric,
                   s.supply_valid_from, @by
            FROM ids i JOIN parcel_import s USING (idx) WHERE i.supply_id IS NOT NULL)
        INSERT INTO parcel (id, zone_code, code, park_code, name, planned_use, actual_use, status, registered_area_m2, geom, supply_id,
                            existed_from, created_by, updated_by)
        OVERRIDING SYSTEM VALUE
        SELECT i.parcel_id, s.zone_code, s.code, s.park_code, s.name, s.planned_use, s.actual_use, s.status, s.registered_area_m2, s.g,
               i.supply_id, coalesce(s.existed_from, now()), @by, @by
        FROM ids i JOIN parcel_import s USING (idx)
        ORDER BY idx
        """;

    public static RouteHandlerBuilder MapParcelImport(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/parcels").WithTags("Parcels")
            .MapPost("/import", ImportParcels).WithName(nameof(ImportParcels)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Import a GeoJSON FeatureCollection of parcels, all or nothing by default")
            .TakesFile("The parcels: a GeoJSON FeatureCollection, each Feature's properties as for POST /api/parcels", "application/geo+json", "application/json");

    public static async Task<IResult> ImportParcels(
        HttpContext http, Caller caller, NpgsqlDataSource db, LandUseCodes uses, RegisterLimits limits, ParcelOverlaps overlaps,
        [Description("Zone of features that do not name one in properties.zoneCode.")] string? zone = null,
        [Description("CRS of the coordinates: EPSG:4326 (default), EPSG:4490 or EPSG:4513-4554. A crs member in the file is also read.")] string? crs = null,
        [Description("true (default): import nothing if any feature is refused; false: import the good features and report the rest.")] bool? atomic = null,
        [Description("gbt21010 to read numeric land-use codes as GB/T 21010 codes.")] string? useScheme = null,
        [Description("Where properties are found in the file, e.g. code:numero,registeredAreaM2:contenance. Without code, the feature id is used.")] string? mapping = null,
        [Description("When the file's parcels came into being (yyyy-MM-dd), for features without properties.effectiveDate; default: when imported.")] DateOnly? effectiveDate = null)
    {
        var clock = Stopwatch.StartNew();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limits.MaxImportBodyBytes;
        var map = ReadMapping(mapping);
        var dateErrors = new FieldErrors();
        ValidTime.Check(effectiveDate, "effectiveDate", dateErrors);
        dateErrors.ThrowIfAny();
        var useCodes = ParcelsApi.UseScheme(useScheme);
        await uses.CatalogueAsync();

        using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        var root = doc.RootElement;
        UnicodeText.Ensure(root);
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var t) || t.GetString() != "FeatureCollection"
            || !root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
            throw Problems.Invalid("type", "must be a GeoJSON FeatureCollection with a features array");
        var options = new ParcelReadOptions(InputCrsOf(crs, root), zone, useCodes, Strict: false, map);

        var drafts = new List<(int Index, ParcelDraft Draft)>(features.GetArrayLength());
        var rejected = new List<ImportRejection>();
        var firstIndex = new Dictionary<(string, string), int>();
        var index = 0;
        foreach (var feature in features.EnumerateArray())
        {
            var errors = new FieldErrors();
            var draft = ParcelInput.Read(feature, options, uses, errors, $"features[{index}].", effectiveDate);
            if (draft is not null && !caller.CanActIn(draft.ZoneCode))
                errors.Add($"features[{index}].properties.zoneCode", "no zone has this code");
            else if (draft is not null && !firstIndex.TryAdd((draft.ZoneCode, draft.Code), index))
                errors.Add($"features[{index}].properties.code", $"the same code as features[{firstIndex[(draft.ZoneCode, draft.Code)]}] in this file");
            if (errors.Any) rejected.Add(new ImportRejection(index, draft?.Code ?? CodeOf(feature, map), Group(errors)));
            else drafts.Add((index, draft!));
            index++;
        }

        await using var conn = await db.OpenConnectionAsync(http.RequestAborted);
        await using var tx = await new RecordedChange("imported").BeginAsync(conn, http.RequestAborted);
        await conn.ExecuteAsync(Stage, transaction: tx);
        await CopyAsync(conn, drafts, http.RequestAborted);
        await conn.ExecuteAsync(new CommandDefinition(Prepare, transaction: tx, commandTimeout: 0));
        var codes = drafts.ToDictionary(d => d.Index, d => d.Draft.Code);
        var overlapping = await conn.QueryAsync<(int Idx, string Reason)>(new CommandDefinition(ParcelOverlaps.InImport,
            new { rejected = rejected.Select(r => r.Index).ToArray(), tolerance = overlaps.ToleranceM2 }, tx, commandTimeout: 0));
        rejected.AddRange(overlapping.GroupBy(o => o.Idx).Select(g => new ImportRejection(g.Key, codes[g.Key],
            new Dictionary<string, string[]> { [$"features[{g.Key}].geometry"] = g.Select(o => o.Reason).ToArray() })));
        var atomicImport = atomic ?? true;
        if (rejected.Count == 0)
        {
            await tx.SaveAsync("clean", http.RequestAborted);
            try
            {
                var all = await InsertAsync(conn, tx, [], caller);
                await RefreshStatisticsAsync(conn, tx, all);
                await tx.CommitAsync(http.RequestAborted);
                return TypedResults.Ok(new ImportReport(index, all, [], clock.ElapsedMilliseconds));
            }
            catch (PostgresException e) when (e.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                await tx.RollbackAsync("clean", http.RequestAborted);
            }
        }
        var found = await conn.QueryAsync<(int Idx, string Field, string Reason)>(Diagnose, transaction: tx);
        rejected.AddRange(found.GroupBy(f => f.Idx).Select(g => new ImportRejection(g.Key, codes[g.Key],
            g.GroupBy(f => $"features[{g.Key}].{f.Field}").ToDictionary(f => f.Key, f => f.Select(x => x.Reason).ToArray()))));
        rejected = rejected.GroupBy(r => r.Index).Select(g => g.Count() == 1 ? g.First() : new ImportRejection(g.Key, g.First().Code,
            g.SelectMany(r => r.Errors).GroupBy(e => e.Key).ToDictionary(e => e.Key, e => e.SelectMany(x => x.Value).ToArray()))).ToList();
        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        if (atomicImport && rejected.Count > 0) throw Refused(index, rejected);
        var imported = await InsertAsync(conn, tx, rejected.Select(r => r.Index).ToArray(), caller);
        await RefreshStatisticsAsync(conn, tx, imported);
        await tx.CommitAsync(http.RequestAborted);
        return TypedResults.Ok(new ImportReport(index, imported, rejected, clock.ElapsedMilliseconds));
    }

    /// <summary>
    /// The planner's statistics brought up to date when the import is large for the table (a tenth of it or more), so
    /// that the next statement (the reserve blocks, a list) is not planned for the table as it was before. Inside the
    /// import's transaction, so they are visible when its parcels are; from a small sample when autovacuum will take the
    /// full one after the commit (migration 0023).
    /// </summary>
    static Task RefreshStatisticsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int imported) =>
        conn.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT refresh_parcel_statistics(@imported)", new { imported = (long)imported }, tx, commandTimeout: 0));

    static Task<int> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int[] rejected, Caller caller) =>
        conn.ExecuteAsync(new CommandDefinition(Insert, new { rejected, by = caller.Name }, tx, commandTimeout: 0));

    static async Task CopyAsync(NpgsqlConnection conn, List<(int Index, ParcelDraft Draft)> drafts, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(Copy, ct);
        foreach (var (i, d) in drafts)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(i, NpgsqlDbType.Integer, ct);
            foreach (var text in (string?[])[d.ZoneCode, d.Code, d.ParkCode, d.Name, d.PlannedUse, d.ActualUse, d.Status])
                await WriteAsync(copy, text, ct);
            if (d.RegisteredAreaM2 is { } area) await copy.WriteAsync(area, NpgsqlDbType.Numeric, ct);
            else await copy.WriteNullAsync(ct);
            await copy.WriteAsync(d.Geometry, NpgsqlDbType.Geometry, ct);
            if (d.ExistedFrom is { } from) await copy.WriteAsync(from, NpgsqlDbType.TimestampTz, ct);
            else await copy.WriteNullAsync(ct);
            if (d.Supply is { } supply)
            {
                await copy.WriteAsync(d.EffectiveDate ?? RegisterClock.Today, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(JsonSerializer.Serialize(supply, SupplyJson), NpgsqlDbType.Jsonb, ct);
            }
            else
            {
                await copy.WriteNullAsync(ct);
                await copy.WriteNullAsync(ct);
            }
        }
        await copy.CompleteAsync(ct);
    }

    static readonly JsonSerializerOptions SupplyJson = new(JsonSerializerDefaults.Web);

    static Task WriteAsync(NpgsqlBinaryImporter copy, string? text, CancellationToken ct) =>
        text is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(text, NpgsqlDbType.Text, ct);

    static ProblemException Refused(int received, List<ImportRejection> rejected)
    {
        var errors = rejected.SelectMany(r => r.Errors).ToDictionary(e => e.Key, e => e.Value);
        return new ProblemException(422, "The import was refused; nothing was imported.",
            $"{rejected.Count} of {received} features were refused (the first: features[{rejected[0].Index}]). " +
            "Fix them, or send atomic=false to import the others.",
            errors, new Dictionary<string, object?> { ["received"] = received, ["imported"] = 0, ["rejected"] = rejected });
    }

    static InputCrs InputCrsOf(string? query, JsonElement root)
    {
        var named = root.TryGetProperty("crs", out var c) && c.TryGetProperty("properties", out var p)
                    && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()
            : null;
        var fromQuery = Crs.Parse(query);
        if (named is null) return fromQuery;
        var fromFile = Crs.Parse(named, "crs.properties.name");
        if (query is not null && fromFile != fromQuery)
            throw Problems.BadRequest("crs", $"the crs parameter ({fromQuery.Name}) contradicts the file's crs member ({fromFile.Name})");
        return fromFile;
    }

    static Dictionary<string, string>? ReadMapping(string? mapping)
    {
        if (string.IsNullOrWhiteSpace(mapping)) return null;
        var map = new Dictionary<string, string>();
        foreach (var pair in mapping.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(':', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[1].Length == 0 || !ParcelInput.Writable.Contains(parts[0]))
            {
                var errors = new FieldErrors();
                errors.AddUnknown("mapping", $"'{pair}' is not property:sourceName with a writable property", ParcelInput.Writable);
                throw errors.ToProblem();
            }
            map[parts[0]] = parts[1];
        }
        return map;
    }

    static Dictionary<string, string[]> Group(FieldErrors errors) =>
        errors.All.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());

    /// <summary>
    /// The code a refused feature holds, read as the import reads it: the property the mapping names for it, else
    /// <c>properties.code</c>, else the feature's <c>id</c>; so the report names every feature the file names.
    /// </summary>
    static string? CodeOf(JsonElement feature, IReadOnlyDictionary<string, string>? map)
    {
        static string? Text(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (feature.ValueKind != JsonValueKind.Object) return null;
        var source = map is not null && map.TryGetValue("code", out var mapped) ? mapped : "code";
        var code = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(source, out var c) ? Text(c) : null;
        return code ?? (feature.TryGetProperty("id", out var id) ? Text(id) : null);
    }
}
