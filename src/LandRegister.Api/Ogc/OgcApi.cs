using System.Globalization;
using System.Text.Json.Serialization;
using Dapper;
using LandRegister.Api.Access;
using LandRegister.Api.Geometry;
using LandRegister.Api.Infrastructure;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace LandRegister.Api.Ogc;

public sealed record OgcLanding(string Title, string Description, IReadOnlyList<Link> Links);

public sealed record OgcConformance(IReadOnlyList<string> ConformsTo);

public sealed record OgcExtent(OgcSpatialExtent Spatial);

public sealed record OgcSpatialExtent(IReadOnlyList<double[]> Bbox, string Crs);

public sealed record OgcCollection(string Id, string Title, string Description, IReadOnlyList<Link> Links, OgcExtent Extent,
    string ItemType, IReadOnlyList<string> Crs);

public sealed record OgcCollections(IReadOnlyList<Link> Links, IReadOnlyList<OgcCollection> Collections);

/// <summary>A feature of an OGC API collection, with the links Part 1 asks of a single feature.</summary>
public sealed record OgcFeature<TProperties>(object Id, GeoJsonText? Geometry, TProperties Properties, IReadOnlyList<Link> Links)
{
    [JsonPropertyOrder(-1)]
    public string Type => "Feature";
}

/// <summary>
/// OGC API – Features Part 1 (core, geojson, oas30) under <c>/ogc</c>, for GDAL, QGIS and other clients we did not
/// write: the collections parcels, parks and reserves, their items with <c>limit</c>, <c>bbox</c>, <c>datetime</c>
/// and the register's own filters, <c>next</c> links that repeat every filter, exact <c>numberMatched</c>. Access
/// rules, zone scope and field filtering are those of the rest of the API.
/// </summary>
public static class OgcApi
{
    const string Json = "application/json";
    const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;
    const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ];

    sealed record CollectionInfo(string Id, string Title, string Description);

    static readonly CollectionInfo[] Collections =
    [
        new("parcels", "Parcels (宗地)", "The register's parcels: code, zone, park, planned and actual use, status, areas. Filters beyond bbox and datetime: status, plannedUse, park, zone, minAreaMu, maxAreaMu, includeRetired, useMismatch."),
        new("parks", "Parks (园区)", "The parks of the development zones and their boundaries. Filter: zone."),
        new("reserves", "Reserve blocks (集中连片净地)", "Contiguous clean land of the configured uses and gap, each block the union of its parcels. Filters: zone, minAreaMu (default 0)."),
    ];

    public static RouteGroupBuilder MapOgc(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API – Features");
        ogc.MapGet("/", Landing).WithName("OgcLanding").RequireAuthorization(Permission.ReadRegister).WithSummary("OGC API landing page");
        ogc.MapGet("/conformance", Conformance).WithName("OgcConformance").RequireAuthorization(Permission.ReadRegister).WithSummary("The conformance classes implemented");
        ogc.MapGet("/collections", ListCollections).WithName("OgcCollections").RequireAuthorization(Permission.ReadRegister)
            .WithSummary("The feature collections, with their extents");
        ogc.MapGet("/collections/{collectionId}", GetCollection).WithName("OgcCollection").RequireAuthorization(Permission.ReadRegister)
            .WithSummary("A feature collection");
        ogc.MapGet("/collections/{collectionId}/items", GetItems).WithName("OgcItems").RequireAuthorization(Permission.ReadRegister)
            .Produces<FeatureCollection<ParcelFeature>>(200, GeoJson)
            .WithSummary("A page of a collection's features: limit, bbox, datetime and the collection's filters; next links repeat them");
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", GetItem).WithName("OgcItem").RequireAuthorization(Permission.ReadRegister)
            .WithSummary("One feature");
        return ogc;
    }

    static string Root(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary>Refuses parameters the operation does not know: a client that sends one expects it to filter.</summary>
    static void OnlyKnown(HttpRequest request, params string[] known)
    {
        var errors = new FieldErrors();
        foreach (var key in request.Query.Keys.Where(k => !known.Contains(k)))
            errors.AddUnreadable(key, $"unknown parameter; this operation takes {(known.Length == 0 ? "none" : string.Join(", ", known))}");
        if (request.Query.TryGetValue("f", out var f) && f.ToString() is not ("json" or "geojson" or "application/json" or "application/geo+json"))
            errors.AddUnknown("f", $"unknown format '{f}'", ["json", "geojson"]);
        errors.ThrowIfAny();
    }

    public static IResult Landing(HttpRequest request)
    {
        OnlyKnown(request, "f");
        var root = Root(request);
        return TypedResults.Json(new OgcLanding("LandRegister", "The register of idle and low-efficiency land of development zones, as OGC API – Features.",
        [
            new($"{root}/ogc", "self", Json, "This document"),
            new($"{root}/openapi/ogc.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition (OpenAPI 3.0)"),
            new($"{root}/docs", "service-doc", "text/html", "The API documentation"),
            new($"{root}/ogc/conformance", "conformance", Json, "Conformance classes"),
            new($"{root}/ogc/collections", "data", Json, "The feature collections"),
        ]));
    }

    public static IResult Conformance(HttpRequest request)
    {
        OnlyKnown(request, "f");
        return TypedResults.Json(new OgcConformance(ConformanceClasses));
    }

    public static async Task<IResult> ListCollections(Caller caller, NpgsqlDataSource db, IMemoryCache cache, HttpRequest request)
    {
        OnlyKnown(request, "f");
        var collections = new List<OgcCollection>();
        foreach (var info in Collections) collections.Add(await CollectionAsync(info, caller, db, cache, request));
        return TypedResults.Json(new OgcCollections([new($"{Root(request)}/ogc/collections", "self", Json)], collections));
    }

    public static async Task<IResult> GetCollection(string collectionId, Caller caller, NpgsqlDataSource db, IMemoryCache cache, HttpRequest request)
    {
        OnlyKnown(request, "f");
        return TypedResults.Json(await CollectionAsync(Find(collectionId), caller, db, cache, request));
    }

    static CollectionInfo Find(string id) =>
        Collections.FirstOrDefault(c => c.Id == id)
        ?? throw Problems.NotFound($"No collection is called '{id}'; the collections are {string.Join(", ", Collections.Select(c => c.Id))}.");

    static async Task<OgcCollection> CollectionAsync(CollectionInfo info, Caller caller, NpgsqlDataSource db, IMemoryCache cache, HttpRequest request)
    {
        var href = $"{Root(request)}/ogc/collections/{info.Id}";
        var bbox = info.Id == "parks" ? await Extents.ParksAsync(caller, db, cache) : await Extents.ParcelsAsync(caller, db, cache);
        return new OgcCollection(info.Id, info.Title, info.Description,
            [new(href, "self", Json), new($"{href}/items", "items", GeoJson, "The features")],
            new OgcExtent(new OgcSpatialExtent([bbox], Crs84)), "feature", [Crs84]);
    }

    static readonly string[] ParcelParameters =
        ["f", "limit", "bbox", "datetime", "cursor", "status", "plannedUse", "park", "zone", "minAreaMu", "maxAreaMu", "includeRetired", "useMismatch"];

    public static async Task<IResult> GetItems(
        string collectionId, Caller caller, NpgsqlDataSource db, LandUseCodes uses, ReserveSettings reserves, HttpContext http)
    {
        var info = Find(collectionId);
        var q = http.Request.Query;
        int? limit = q.ContainsKey("limit") ? Integer(q["limit"], "limit") : null;
        switch (info.Id)
        {
            case "parcels":
            {
                OnlyKnown(http.Request, ParcelParameters);
                await uses.CatalogueAsync();
                var (asOf, from, to) = DateTimeFilter(q["datetime"]);
                var parameters = new ParcelListParameters
                {
                    Status = q["status"], PlannedUse = q["plannedUse"], Park = q["park"], Zone = q["zone"],
                    MinAreaMu = Number(q["minAreaMu"], "minAreaMu"), MaxAreaMu = Number(q["maxAreaMu"], "maxAreaMu"),
                    Bbox = q.ContainsKey("bbox") ? q["bbox"].ToString() : null,
                    IncludeRetired = Boolean(q["includeRetired"], "includeRetired"), UseMismatch = Boolean(q["useMismatch"], "useMismatch"),
                    AsOf = asOf, Limit = limit ?? 10, Cursor = q.ContainsKey("cursor") ? q["cursor"].ToString() : null,
                };
                var query = ParcelQuery.From(parameters, caller, uses);
                if (from is not null || to is not null) query.During(from, to);
                return await ParcelsApi.PageAsync(db, query, http, cursor => new Link(Links.WithCursor(http.Request, cursor), "next", GeoJson));
            }
            case "parks":
                OnlyKnown(http.Request, "f", "limit", "bbox", "cursor", "zone");
                return await PageAsync(http, limit, (box, args) => $"""
                    FROM park WHERE {Caller.InScope()} AND boundary IS NOT NULL AND (@zone::text IS NULL OR zone_code = @zone)
                      {(box ? "AND ST_Intersects(boundary, ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326))" : "")}
                    """, "code AS id, ST_AsGeoJSON(boundary, 6) AS geometry, json_build_object('code', code, 'zoneCode', zone_code, 'name', name, " +
                         "'leadingIndustries', leading_industries, 'areaMu', round((ST_Area(boundary::geography) * 0.0015)::numeric, 4))::text AS properties",
                    "code", db, caller);
            default:
            {
                OnlyKnown(http.Request, "f", "limit", "bbox", "cursor", "zone", "minAreaMu");
                var (patterns, gap) = await ReservesApi.RuleAsync(null, null, reserves, uses);
                string[] zones;
                await using (var conn = await db.OpenConnectionAsync()) zones = await ReservesApi.ZonesAsync(conn, q["zone"].FirstOrDefault(), caller);
                foreach (var zone in zones) await ReserveBlocks.EnsureAsync(db, new BlockRule(zone, patterns, gap));
                var minAreaMu = Number(q["minAreaMu"], "minAreaMu") ?? 0;
                return await PageAsync(http, limit, (box, args) =>
                {
                    args.AddDynamicParams(new { zones, uses = new BlockRule("", patterns, gap).UsesKey, gap, min = Area.SquareMetres(minAreaMu) });
                    return $"""
                        FROM reserve_block WHERE zone_code = ANY(@zones) AND land_uses = @uses AND gap_m = @gap AND area_m2 >= @min
                          {(box ? "AND ST_Intersects(geom, ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326))" : "")}
                        """;
                }, "block_id AS id, ST_AsGeoJSON(geom, 6) AS geometry, json_build_object('blockId', block_id, 'zoneCode', zone_code, " +
                   "'areaMu', round((area_m2 * 0.0015)::numeric, 4), 'areaM2', round(area_m2::numeric, 2), 'parcelCount', parcel_count, " +
                   "'parcelIds', parcel_ids, 'parcelCodes', parcel_codes, 'parkCodes', park_codes, 'landUses', land_use_codes, 'gapM', gap_m)::text AS properties",
                    "block_id", db, caller);
            }
        }
    }

    sealed class ItemRow
    {
        public string Id { get; init; } = "";
        public string? Geometry { get; init; }
        public string Properties { get; init; } = "{}";
    }

    public sealed record Item(string Id, GeoJsonText? Geometry, GeoJsonText Properties)
    {
        [JsonPropertyOrder(-1)]
        public string Type => "Feature";
    }

    /// <summary>
    /// A page of a small collection (parks, reserve blocks): keyset on <paramref name="key"/>, the cursor the last key.
    /// The properties are built by PostgreSQL; they hold no field a reader of the register may not see.
    /// </summary>
    static async Task<IResult> PageAsync(HttpContext http, int? limit, Func<bool, DynamicParameters, string> from, string select, string key,
        NpgsqlDataSource db, Caller caller)
    {
        var q = http.Request.Query;
        var errors = new FieldErrors();
        var take = limit ?? 10;
        if (take is < 1 or > ParcelQuery.MaxLimit) errors.Add("limit", $"must be between 1 and {ParcelQuery.MaxLimit}");
        var box = q.ContainsKey("bbox") ? Bbox(q["bbox"].ToString(), errors) : null;
        errors.ThrowIfAny();
        var args = new DynamicParameters(new { scope = caller.Scope, zone = q["zone"].FirstOrDefault(), take = take + 1, after = q["cursor"].FirstOrDefault() });
        if (box is not null) args.AddDynamicParams(new { minX = box[0], minY = box[1], maxX = box[2], maxY = box[3] });
        var sql = from(box is not null, args);
        await using var conn = await db.OpenConnectionAsync();
        var matched = await conn.ExecuteScalarAsync<long>($"SELECT count(*) {sql}", args);
        var rows = (await conn.QueryAsync<ItemRow>(
            $"SELECT {select} {sql} AND (@after::text IS NULL OR {key} > @after) ORDER BY {key} LIMIT @take", args)).AsList();
        var links = new List<Link> { new(Links.Self(http.Request), "self", GeoJson) };
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            links.Add(new Link(Links.WithCursor(http.Request, rows[^1].Id), "next", GeoJson));
        }
        Links.SetHeader(http.Response, links);
        var features = rows.ConvertAll(r => new Item(r.Id, r.Geometry is null ? null : new GeoJsonText(r.Geometry), new GeoJsonText(r.Properties)));
        return TypedResults.Json(new FeatureCollection<Item>(matched, features.Count, DateTimeOffset.UtcNow, links, features), contentType: GeoJson);
    }

    public static async Task<IResult> GetItem(string collectionId, string featureId, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var info = Find(collectionId);
        OnlyKnown(http.Request, "f");
        var collection = $"{Root(http.Request)}/ogc/collections/{info.Id}";
        var links = new List<Link> { new($"{collection}/items/{Uri.EscapeDataString(featureId)}", "self", GeoJson), new(collection, "collection", Json) };
        await using var conn = await db.OpenConnectionAsync();
        if (info.Id == "parcels")
        {
            if (!long.TryParse(featureId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) throw Problems.NotFound($"No parcel has the id '{featureId}'.");
            var row = await conn.QuerySingleOrDefaultAsync<ParcelRow>(ParcelSql.ById, new { id, scope = caller.Scope })
                ?? throw Problems.NotFound($"No parcel has the id {id}.");
            ETags.Set(http.Response, row.Version);
            var feature = row.ToFeature();
            return TypedResults.Json(new OgcFeature<ParcelProperties>(feature.Id, feature.Geometry, feature.Properties, links), contentType: GeoJson);
        }
        var item = info.Id == "parks"
            ? await conn.QuerySingleOrDefaultAsync<ItemRow>($"""
                SELECT code AS id, ST_AsGeoJSON(boundary, 6) AS geometry,
                       json_build_object('code', code, 'zoneCode', zone_code, 'name', name, 'leadingIndustries', leading_industries)::text AS properties
                FROM park WHERE code = @featureId AND {Caller.InScope()}
                """, new { featureId, scope = caller.Scope })
            : await conn.QuerySingleOrDefaultAsync<ItemRow>($"""
                SELECT block_id AS id, ST_AsGeoJSON(geom, 6) AS geometry,
                       json_build_object('blockId', block_id, 'zoneCode', zone_code, 'areaMu', round((area_m2 * 0.0015)::numeric, 4),
                                         'parcelCount', parcel_count, 'parcelCodes', parcel_codes, 'parkCodes', park_codes)::text AS properties
                FROM reserve_block WHERE block_id = @featureId AND {Caller.InScope()} LIMIT 1
                """, new { featureId, scope = caller.Scope });
        if (item is null) throw Problems.NotFound($"No feature of {info.Id} has the id '{featureId}'.");
        return TypedResults.Json(new OgcFeature<GeoJsonText>(item.Id, item.Geometry is null ? null : new GeoJsonText(item.Geometry),
            new GeoJsonText(item.Properties), links), contentType: GeoJson);
    }

    /// <summary>
    /// <c>datetime</c>: an instant reads the register as it was then (from the history); an interval
    /// (<c>start/end</c>, either end <c>..</c> or empty) keeps the parcels that existed during it, as they were at its end.
    /// </summary>
    static (DateTimeOffset? AsOf, DateTimeOffset? From, DateTimeOffset? To) DateTimeFilter(string? value)
    {
        if (string.IsNullOrEmpty(value)) return (null, null, null);
        var parts = value.Split('/');
        if (parts.Length == 1) return (Instant(parts[0]) is var at && at < DateTimeOffset.UtcNow ? at : null, null, null);
        if (parts.Length != 2) throw Problems.BadRequest("datetime", "an instant or an interval start/end (RFC 3339; '..' for an open end)");
        var from = parts[0] is "" or ".." ? (DateTimeOffset?)null : Instant(parts[0]);
        var to = parts[1] is "" or ".." ? (DateTimeOffset?)null : Instant(parts[1]);
        if (from > to) throw Problems.BadRequest("datetime", "the interval ends before it starts");
        return (to is { } end && end < DateTimeOffset.UtcNow ? end : null, from, to);
    }

    static DateTimeOffset Instant(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)) return instant;
        throw Problems.BadRequest("datetime", $"'{text}' is not an RFC 3339 date or date-time");
    }

    static int? Integer(string? text, string field) =>
        text is null ? null : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw Problems.BadRequest(field, "must be an integer");

    static double? Number(string? text, string field) =>
        text is null ? null : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
            ? n : throw Problems.BadRequest(field, "must be a number");

    static bool? Boolean(string? text, string field) =>
        text is null ? null : bool.TryParse(text, out var b) ? b : throw Problems.BadRequest(field, "must be true or false");

    static double[]? Bbox(string text, FieldErrors errors)
    {
        var parts = text.Split(',');
        var box = parts.Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        if (parts.Length != 4 || box.Any(double.IsNaN)) errors.AddUnreadable("bbox", "must be four numbers: minLon,minLat,maxLon,maxLat");
        else if (box[0] > box[2] || box[1] > box[3]) errors.Add("bbox", "min must not exceed max");
        else return box;
        return null;
    }
}
