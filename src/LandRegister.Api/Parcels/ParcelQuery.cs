using System.Globalization;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using LandRegister.Api.LandUses;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Parcels;

/// <summary>
/// A checked parcel filter and the SQL it becomes. Every value is a parameter; the SQL text is built only
/// from the fixed fragments below. Paging is keyset on the parcel id.
/// </summary>
public sealed class ParcelQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    string[] statuses = [];
    string[] usePrefixes = [];
    string[] parks = [];
    string[] zones = [];
    double? minM2, maxM2;
    double[]? bbox;
    Geometry? intersects;
    bool includeRetired;
    string[]? scope;

    bool? useMismatch;
    string[] classes = [];
    string[] codes = [];
    DateTimeOffset? existedFrom, existedTo;
    readonly List<(string Sql, IReadOnlyDictionary<string, object?> Values)> conditions = [];

    /// <summary>The valid time to read the parcels at, from their history; null for now.</summary>
    public DateTimeOffset? AsOf { get; private set; }

    /// <summary>The record time to read the history as of; null for all that is recorded.</summary>
    public DateTimeOffset? RecordedAsOf { get; private set; }

    public int Limit { get; private set; } = DefaultLimit;
    public long? After { get; private set; }

    /// <summary>For a sorted list, where its page starts (pages of a sorted list are counted, not keyed on the id).</summary>
    public long Offset { get; private set; }

    /// <summary>The sort keys asked for (<c>sortby</c>); none: by id, paged by key.</summary>
    public IReadOnlyList<(string Column, bool Descending)> Sort { get; private set; } = [];

    /// <summary>
    /// Whether a page counts every parcel that matches (<c>numberMatched</c>). The OGC API's pages after the first (those
    /// reached by a next link) do not: a client reads the count from the first page, and on a large register the count
    /// is most of the cost of a small page.
    /// </summary>
    public bool CountMatched { get; set; } = true;

    /// <summary>The SQL of the geometry's GeoJSON (the OGC API's <c>crs</c> may transform it); that of the table by default.</summary>
    public string GeometrySql { get; set; } = "ST_AsGeoJSON(geom, 8)";

    /// <summary>Who asks: a page's features carry only the properties this audience may see.</summary>
    public Audience Audience { get; private set; }

    /// <summary>The properties a page's features carry (the OGC API's <c>properties</c>); null for all the audience may see.</summary>
    public IReadOnlySet<string>? Properties { get; set; }

    /// <summary>The writer of a page's features, with the properties this query's audience may see (and asked for).</summary>
    internal ParcelJson Features() => new(Audience, Properties);

    /// <summary>The properties <c>sortby</c> may name, and their columns.</summary>
    public static IReadOnlyDictionary<string, string> Sortable { get; } = new Dictionary<string, string>
    {
        ["code"] = "code", ["status"] = "status", ["plannedUse"] = "planned_use", ["parkCode"] = "park_code", ["zoneCode"] = "zone_code",
        ["areaMu"] = "area_m2", ["areaM2"] = "area_m2", ["registeredAreaM2"] = "registered_area_m2", ["createdAt"] = "created_at",
        ["updatedAt"] = "updated_at", ["id"] = "id",
    };

    /// <summary>The ORDER BY list: the sort keys (nulls last), then the id.</summary>
    public string OrderBy => string.Join(", ",
        Sort.Select(s => $"{s.Column} {(s.Descending ? "DESC" : "ASC")} NULLS LAST").Append(Sort.Any(s => s.Column == "id") ? null : "id").OfType<string>());

    /// <summary>The cursor of the page after one ending with <paramref name="lastId"/>.</summary>
    public string NextCursor(long lastId) =>
        Sort.Count > 0 ? $"o{Offset + Limit}" : lastId.ToString(CultureInfo.InvariantCulture);

    public static ParcelQuery From(ParcelListParameters p, Caller caller, LandUseCodes uses)
    {
        var errors = new FieldErrors();
        JsonElement? geometry = null;
        if (p.Intersects is not null)
        {
            try { geometry = JsonSerializer.Deserialize<JsonElement>(p.Intersects); }
            catch (JsonException) { errors.AddUnreadable("intersects", "must be a GeoJSON geometry object"); }
        }
        var box = p.Bbox is null ? null : BoundingBox.Parse(p.Bbox, errors);
        var search = new ParcelSearch(Split(p.Status), Split(p.PlannedUse), Split(p.Park), Split(p.Zone),
            p.MinAreaMu, p.MaxAreaMu, box, geometry, p.Crs, p.IncludeRetired, p.Limit, p.Cursor, p.UseMismatch, p.AsOf, p.RecordedAsOf,
            Split(p.EvaluationClass), Split(p.Code), p.SortBy);
        return From(search, caller, uses, errors);
    }

    /// <summary>The query for <paramref name="s"/>, limited to the zones of <paramref name="caller"/>.</summary>
    public static ParcelQuery From(ParcelSearch s, Caller caller, LandUseCodes uses, FieldErrors? errors = null)
    {
        errors ??= new FieldErrors();
        foreach (var (field, values) in new[] { ("status", s.Status), ("plannedUse", s.PlannedUse), ("park", s.Park), ("zone", s.Zone), ("code", s.Code), ("crs", s.Crs is null ? null : new[] { s.Crs }) })
            if (values?.Any(v => v is not null && !Text.IsPlain(v)) == true) errors.AddUnreadable(field, Text.ControlCharacters);
        var crs = Crs.Parse(s.Crs);
        var q = new ParcelQuery
        {
            includeRetired = s.IncludeRetired ?? false, scope = caller.Scope, useMismatch = s.UseMismatch,
            Audience = Roles.Find(caller.Role)?.Audience ?? Audience.Public,
        };
        var (asOf, recordedAsOf) = ValidTime.CheckAsOf(s.AsOf, s.RecordedAsOf, errors);
        (q.AsOf, q.RecordedAsOf) = (asOf, recordedAsOf);
        q.statuses = s.Status ?? [];
        foreach (var status in q.statuses.Where(x => !ParcelStatus.IsKnown(x)))
            errors.AddUnknown("status", $"unknown status '{status}'", ParcelStatus.All);
        q.usePrefixes = (s.PlannedUse ?? []).Select(u => uses.Resolve(u, null, "plannedUse", errors) + "%").ToArray();
        q.codes = s.Code ?? [];
        q.classes = s.EvaluationClass ?? [];
        string[] known = ["A", "B", "C", "D", "T"];
        foreach (var c in q.classes.Where(c => !known.Contains(c))) errors.AddUnknown("evaluationClass", $"unknown class '{c}'", known);
        if (q.classes.Length > 0 && (Roles.Find(caller.Role)?.Audience ?? Audience.Public) < Audience.Confidential)
            throw new ProblemException(403, "Forbidden.", "Filtering by evaluation class needs a role cleared for enterprise figures.");
        q.parks = s.Park ?? [];
        q.zones = s.Zone ?? [];
        if (s.MinAreaMu is < 0) errors.Add("minAreaMu", "must not be negative");
        if (s.MaxAreaMu < s.MinAreaMu) errors.Add("maxAreaMu", "must not be less than minAreaMu");
        q.minM2 = s.MinAreaMu is { } min ? Area.SquareMetres(min) : null;
        q.maxM2 = s.MaxAreaMu is { } max ? Area.SquareMetres(max) : null;
        if (s.Bbox is { } b && errors.Count == 0 && BoundingBox.Check(b, errors)) q.bbox = b;
        if (s.Intersects is { ValueKind: not JsonValueKind.Null } g)
        {
            q.intersects = GeoJsonGeometry.ReadAny(g, "intersects", crs, errors);
        }
        if (s.Limit is < 1 or > MaxLimit) errors.Add("limit", $"must be between 1 and {MaxLimit}");
        q.Limit = s.Limit ?? DefaultLimit;
        if (s.SortBy is { } sortBy)
        {
            var keys = new List<(string, bool)>();
            foreach (var key in sortBy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // "+code" arrives as " code" when the + is not escaped: a URL's + is a space.
                var descending = key.StartsWith('-');
                var name = key.TrimStart('+', '-', ' ');
                if (Sortable.TryGetValue(name, out var column)) keys.Add((column, descending));
                else errors.AddUnknown("sortby", $"'{name}' cannot be sorted on", Sortable.Keys);
            }
            q.Sort = keys;
        }
        if (s.Cursor is not null)
        {
            if (q.Sort.Count > 0)
            {
                if (s.Cursor.StartsWith('o') && long.TryParse(s.Cursor[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)) q.Offset = offset;
                else errors.AddUnreadable("cursor", "not a cursor from a next link of this sorted list");
            }
            else if (long.TryParse(s.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var after)) q.After = after;
            else errors.AddUnreadable("cursor", "not a cursor from a next link");
        }
        errors.ThrowIfAny();
        return q;
    }

    /// <summary>
    /// Keeps the parcels that existed at some time between <paramref name="from"/> and <paramref name="to"/> (either
    /// open), retired ones included: the OGC API's <c>datetime</c> interval.
    /// </summary>
    public ParcelQuery During(DateTimeOffset? from, DateTimeOffset? to)
    {
        (existedFrom, existedTo, includeRetired) = (from?.ToUniversalTime(), to?.ToUniversalTime(), true);
        return this;
    }

    /// <summary>
    /// Keeps the parcels that also meet <paramref name="sql"/>, a condition on the columns of <c>parcel</c> whose every
    /// value is one of <paramref name="values"/> (the OGC API's CQL2 filter, compiled).
    /// </summary>
    public ParcelQuery Also(string sql, IReadOnlyDictionary<string, object?> values)
    {
        conditions.Add((sql, values));
        return this;
    }

    static string[]? Split(string[]? values) =>
        values?.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    /// <summary>The filters that narrow the history read for <see cref="AsOf"/>: those on the zone, which never changes.</summary>
    public string HistoryWhere(DynamicParameters args)
    {
        var where = new List<string> { "true" };
        if (scope is not null) { where.Add("h.zone_code = ANY(@scope)"); args.Add("scope", scope); }
        if (zones.Length > 0) { where.Add("h.zone_code = ANY(@zones)"); args.Add("zones", zones); }
        return string.Join(" AND ", where);
    }

    const string InScope = "zone_code = ANY(@scope)", InZones = "zone_code = ANY(@zones)", Live = "retired_at IS NULL";

    /// <summary>The parcels that meet the box <c>@minX</c>, <c>@minY</c>, <c>@maxX</c>, <c>@maxY</c> (WGS84).</summary>
    const string InBox = "ST_Intersects(geom, ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326))";

    /// <summary>
    /// <see cref="InBox"/>, with only the parcels across the box's edge tested exactly: a parcel whose bounding box lies
    /// in the box meets it. That takes a sixth off a bbox page of a thousand parcels, where <c>ST_Intersects</c> tested
    /// each one (medians of 300 boxes in turn on the benchmark's million parcels: 11.2 against 9.4 ms). The bounding
    /// boxes the operator <c>@</c> compares are single precision, rounded outwards, the box's as well as the parcel's,
    /// so the box they are compared with is drawn <see cref="BoxInset"/> inside the box, where rounding cannot carry its
    /// edge past the box's. A <c>CASE</c>, not an <c>OR</c>: the planner keeps one index scan and an estimate of the
    /// right size, half of <c>ST_Intersects</c>' own (471 rows for 1,089; an <c>OR</c> made it two bitmap scans,
    /// estimated at 2 rows).
    /// </summary>
    const string InBoxTestingItsEdge =
        "geom && ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326) AND CASE WHEN geom @ ST_MakeEnvelope(@innerMinX, @innerMinY, @innerMaxX, @innerMaxY, 4326) " +
        "THEN true ELSE " + InBox + " END";

    /// <summary>1e-4° (some 10 m): more than six steps of single precision at 180°, its coarsest in degrees.</summary>
    const double BoxInset = 1e-4;

    /// <summary>
    /// The count (<c>numberMatched</c>) from <c>parcel_count</c>, a row per zone, when the query's conditions are only
    /// the live parcels of the zones in scope (or of those named); null when any other condition applies.
    /// </summary>
    public string? CountOfWholeZones(DynamicParameters args)
    {
        if (AsOf is not null) return null;
        var conditions = Conditions(args, paging: false);
        if (!conditions.Contains(Live) || conditions.Any(c => c is not (Live or InScope or InZones))) return null;
        var zones = conditions.Where(c => c is InScope or InZones).Prepend("true");
        return $"SELECT coalesce(sum(live), 0)::bigint FROM parcel_count WHERE {string.Join(" AND ", zones)}";
    }

    /// <summary>The WHERE clause (without the cursor when <paramref name="paging"/> is false) and its parameters.</summary>
    public string Where(DynamicParameters args, bool paging)
    {
        var where = Conditions(args, paging);
        return where.Count == 0 ? "true" : string.Join(" AND ", where);
    }

    List<string> Conditions(DynamicParameters args, bool paging)
    {
        var where = new List<string>();
        if (scope is not null) { where.Add(InScope); args.Add("scope", scope); }
        if (!includeRetired) where.Add(Live);
        if (statuses.Length > 0) { where.Add("status = ANY(@statuses)"); args.Add("statuses", statuses); }
        if (usePrefixes.Length > 0) { where.Add("planned_use LIKE ANY(@usePrefixes)"); args.Add("usePrefixes", usePrefixes); }
        if (codes.Length > 0) { where.Add("code = ANY(@codes)"); args.Add("codes", codes); }
        if (parks.Length > 0) { where.Add("park_code = ANY(@parks)"); args.Add("parks", parks); }
        if (zones.Length > 0) { where.Add(InZones); args.Add("zones", zones); }
        if (minM2 is not null) { where.Add("area_m2 >= @minM2"); args.Add("minM2", minM2); }
        if (maxM2 is not null) { where.Add("area_m2 <= @maxM2"); args.Add("maxM2", maxM2); }
        if (bbox is { } b)
        {
            var inset = b[2] - b[0] > 2 * BoxInset && b[3] - b[1] > 2 * BoxInset;
            where.Add(inset ? InBoxTestingItsEdge : InBox);
            args.AddDynamicParams(new { minX = b[0], minY = b[1], maxX = b[2], maxY = b[3] });
            if (inset) args.AddDynamicParams(new { innerMinX = b[0] + BoxInset, innerMinY = b[1] + BoxInset, innerMaxX = b[2] - BoxInset, innerMaxY = b[3] - BoxInset });
        }
        if (intersects is not null)
        {
            where.Add("ST_Intersects(geom, ST_Transform(@intersects::geometry, 4326))");
            args.Add("intersects", intersects);
        }
        if (useMismatch is { } mismatch)
            // Codes differ when neither is a sub-code of the other: 1001 planned, 100101 found is no mismatch. A lease running
            // today for another use (a school in an industrial building) is a mismatch too (the view has no column "id").
            where.Add($"{(mismatch ? "" : "NOT ")}((actual_use IS NOT NULL AND planned_use IS NOT NULL " +
                      "AND actual_use NOT LIKE planned_use || '%' AND planned_use NOT LIKE actual_use || '%') " +
                      "OR EXISTS (SELECT 1 FROM lease_use_mismatch m WHERE m.parcel_id = id))");
        if (classes.Length > 0)
        {
            // The holder's class in the zone's latest evaluated year ("parcel" is the table, or the as-of relation).
            where.Add("""
                EXISTS (SELECT 1 FROM parcel_supply s JOIN evaluation_result r ON r.credit_code = s.recipient_credit_code
                        JOIN evaluation_current c ON c.run_id = r.run_id
                        WHERE s.id = parcel.supply_id AND c.zone_code = parcel.zone_code AND r.class = ANY(@classes)
                          AND c.year = (SELECT max(l.year) FROM evaluation_current l WHERE l.zone_code = parcel.zone_code))
                """);
            args.Add("classes", classes);
        }
        if (existedTo is not null) { where.Add("created_at <= @existedTo"); args.Add("existedTo", existedTo); }
        if (existedFrom is not null) { where.Add("(retired_at IS NULL OR retired_at >= @existedFrom)"); args.Add("existedFrom", existedFrom); }
        foreach (var (sql, values) in conditions)
        {
            where.Add(sql);
            foreach (var (name, value) in values) args.Add(name, value);
        }
        if (paging && After is not null) { where.Add("id > @after"); args.Add("after", After); }
        return where;
    }
}
