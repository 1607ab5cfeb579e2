using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using LandRegister.Api.Spatial;
using Microsoft.Extensions.Caching.Memory;

namespace LandRegister.Api.Ogc;

/// <summary>What a collection needs to answer: who asks, the request, and the register's services.</summary>
public sealed record OgcRequest(HttpContext Http, Caller Caller, NpgsqlDataSource Db, LandUseCodes Uses, ReserveSettings Reserves, IMemoryCache Cache)
{
    public IQueryCollection Query => Http.Request.Query;
}

/// <summary>
/// A collection of the OGC API, carrying its own description, query parameters, extent, pages and features: the API's
/// routes ask the collection, never switch on its name.
/// </summary>
public abstract class OgcSource
{
    public abstract string Id { get; }
    public abstract string Title { get; }
    public abstract string Description { get; }

    /// <summary>The query parameters <c>items</c> takes; any other is refused.</summary>
    public abstract string[] Parameters { get; }

    /// <summary>
    /// The properties a client may filter on, each a query parameter of the same name (Part 3's queryables as query
    /// parameters), with its JSON Schema; every one of them is a field all readers see.
    /// </summary>
    public abstract IReadOnlyDictionary<string, JsonObject> Queryables { get; }

    protected static JsonObject Text(string title) => new() { ["title"] = title, ["type"] = "string" };

    public virtual Task<double[]> ExtentAsync(OgcRequest r) => Extents.ParcelsAsync(r.Caller, r.Db, r.Cache);

    /// <summary>The CRSs the collection's items can be had in (Part 2); CRS84 only unless a collection offers more.</summary>
    public virtual Task<string[]> CrsAsync(OgcRequest r) => Task.FromResult<string[]>([OgcCrs.Crs84]);

    public abstract Task<IResult> ItemsAsync(OgcRequest r, int? limit);

    /// <summary>One feature, its geometry in <paramref name="crs"/> (an EPSG code the collection offers; null: CRS84).</summary>
    public abstract Task<IResult> ItemAsync(OgcRequest r, string featureId, IReadOnlyList<Link> links, int? crs);

    public static IReadOnlyList<OgcSource> All { get; } = [new ParcelSource(), new ParkSource(), new ReserveSource()];

    public static OgcSource Find(string id) =>
        All.FirstOrDefault(c => c.Id == id)
        ?? throw Problems.NotFound($"No collection is called '{id}'; the collections are {string.Join(", ", All.Select(c => c.Id))}.");
}

/// <summary>The register's parcels, with its own filters; a page is the parcel list's page.</summary>
sealed class ParcelSource : OgcSource
{
    public override string Id => "parcels";
    public override string Title => "Parcels (宗地)";
    public override string Description =>
        "The register's parcels: code, zone, park, planned and actual use, status, areas. Filters beyond bbox and datetime: " +
        "status, plannedUse, park, zone, minAreaMu, maxAreaMu, includeRetired, useMismatch.";

    public override string[] Parameters { get; } =
        ["f", "limit", "bbox", "datetime", "cursor", "status", "plannedUse", "park", "zone", "minAreaMu", "maxAreaMu", "includeRetired", "useMismatch",
         "code", "parkCode", "zoneCode", "sortby", "properties", "crs", "bbox-crs"];

    public override Task<string[]> CrsAsync(OgcRequest r) => OgcCrs.OfferedAsync(r);

    public override IReadOnlyDictionary<string, JsonObject> Queryables { get; } = new Dictionary<string, JsonObject>
    {
        ["code"] = Text("宗地编号 Parcel code"),
        ["status"] = new() { ["title"] = "状态 Status", ["type"] = "string", ["enum"] = new JsonArray(ParcelStatus.All.Select(s => (JsonNode)s).ToArray()) },
        ["plannedUse"] = new() { ["title"] = "规划用途 Planned use (a code matches its sub-codes)", ["type"] = "string", ["pattern"] = "^[0-9]{2,6}$" },
        ["parkCode"] = Text("园区 Park"),
        ["zoneCode"] = Text("开发区 Zone"),
    };

    public override async Task<IResult> ItemsAsync(OgcRequest r, int? limit)
    {
        var q = r.Query;
        await r.Uses.CatalogueAsync();
        var (asOf, from, to) = OgcApi.DateTimeFilter(q["datetime"]);
        var offered = q.ContainsKey("crs") || q.ContainsKey("bbox-crs") ? await OgcCrs.OfferedAsync(r) : [OgcCrs.Crs84];
        var crs = OgcCrs.Parse(q.ContainsKey("crs") ? q["crs"].ToString() : null, offered, "crs");
        var bboxCrs = OgcCrs.Parse(q.ContainsKey("bbox-crs") ? q["bbox-crs"].ToString() : null, offered, "bbox-crs");
        var parameters = new ParcelListParameters
        {
            Status = q["status"], PlannedUse = q["plannedUse"], Park = Both(q, "park", "parkCode"), Zone = Both(q, "zone", "zoneCode"), Code = q["code"], SortBy = q.ContainsKey("sortby") ? q["sortby"].ToString() : null,
            MinAreaMu = OgcApi.Number(q["minAreaMu"], "minAreaMu"), MaxAreaMu = OgcApi.Number(q["maxAreaMu"], "maxAreaMu"),
            Bbox = q.ContainsKey("bbox") && bboxCrs is null ? q["bbox"].ToString() : null,
            Intersects = q.ContainsKey("bbox") && bboxCrs is { } b ? OgcCrs.Envelope(q["bbox"].ToString(), b) : null,
            Crs = bboxCrs is { } c ? $"EPSG:{c}" : null,
            IncludeRetired = OgcApi.Boolean(q["includeRetired"], "includeRetired"), UseMismatch = OgcApi.Boolean(q["useMismatch"], "useMismatch"),
            AsOf = asOf, Limit = limit ?? OgcApi.DefaultLimit, Cursor = q.ContainsKey("cursor") ? q["cursor"].ToString() : null,
        };
        var selected = q.ContainsKey("properties") ? Selected(q["properties"].ToString(), r.Http) : null;
        var query = ParcelQuery.From(parameters, r.Caller, r.Uses);
        if (from is not null || to is not null) query.During(from, to);
        query.GeometrySql = OgcCrs.GeometrySql(crs);
        r.Http.Response.Headers["Content-Crs"] = $"<{(crs is { } srid ? OgcCrs.Uri(srid) : OgcCrs.Crs84)}>";
        var page = await ParcelsApi.PageAsync(r.Db, query, r.Http, cursor => new Link(Links.WithCursor(r.Http.Request, cursor), "next", OgcApi.GeoJson));
        return selected is null ? page : OnlyProperties(page, selected, r.Http);
    }

    /// <summary>
    /// The properties a client asked for (<c>properties=code,status</c>, as pygeoapi and pg_featureserv take it): each one a
    /// property the caller's role sees, else a 400 listing those it may name.
    /// </summary>
    static HashSet<string> Selected(string list, HttpContext http)
    {
        var audience = Caller.AudienceOf(http);
        var visible = typeof(ParcelProperties).GetProperties()
            .Where(p => AudienceAttribute.Of(p, typeof(ParcelProperties)) <= audience)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToList();
        var errors = new FieldErrors();
        var names = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (var name in names.Where(n => !visible.Contains(n))) errors.AddUnknown("properties", $"'{name}' is no property this key may read", visible);
        errors.ThrowIfAny();
        return names;
    }

    /// <summary>The page as written for the caller (its audience filter applied), each feature keeping only <paramref name="selected"/>.</summary>
    static IResult OnlyProperties(IResult page, HashSet<string> selected, HttpContext http)
    {
        if (page is not Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<FeatureCollection<ParcelFeature>> json) return page;
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var document = JsonSerializer.SerializeToNode(json.Value, options)!;
        foreach (var feature in document["features"]!.AsArray())
        {
            var properties = feature!["properties"]!.AsObject();
            foreach (var name in properties.Select(p => p.Key).Where(k => !selected.Contains(k)).ToList()) properties.Remove(name);
        }
        return Results.Text(document.ToJsonString(options), OgcApi.GeoJson, Encoding.UTF8);
    }

    /// <summary>A filter given by the register's parameter or by the queryable's name, or both.</summary>
    static string[] Both(IQueryCollection q, string parameter, string queryable) =>
        q[parameter].Concat(q[queryable]).OfType<string>().ToArray();

    public override async Task<IResult> ItemAsync(OgcRequest r, string featureId, IReadOnlyList<Link> links, int? crs)
    {
        if (!long.TryParse(featureId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) throw Problems.NotFound($"No parcel has the id '{featureId}'.");
        await using var conn = await r.Db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ParcelRow>(
                $"SELECT {ParcelRow.Attributes}, {OgcCrs.GeometrySql(crs)} AS geometry FROM parcel WHERE id = @id AND {Caller.InScope()}",
                new { id, scope = r.Caller.Scope })
            ?? throw Problems.NotFound($"No parcel has the id {id}.");
        ETags.Set(r.Http.Response, row.Version);
        var feature = row.ToFeature();
        return TypedResults.Json(new OgcFeature<ParcelProperties>(feature.Id, feature.Geometry, feature.Properties, links), contentType: OgcApi.GeoJson);
    }
}

/// <summary>
/// A small collection paged by its key (parks, reserve blocks), whose properties PostgreSQL builds: they hold no field a
/// reader of the register may not see.
/// </summary>
abstract class KeysetSource : OgcSource
{
    /// <summary><c>FROM … WHERE …</c> of the items (with <c>@scope</c>, <c>@zone</c> and the box when one is given); may add parameters.</summary>
    protected abstract Task<string> FromAsync(OgcRequest r, bool box, DynamicParameters args);

    /// <summary>The select list: <c>id</c>, <c>geometry</c> (GeoJSON text) and <c>properties</c> (a JSON object's text).</summary>
    protected abstract string Select { get; }

    /// <summary>The key column the pages follow.</summary>
    protected abstract string Key { get; }

    sealed class ItemRow
    {
        public string Id { get; init; } = "";
        public string? Geometry { get; init; }
        public string Properties { get; init; } = "{}";
    }

    public sealed record Item(string Id, GeoJsonText? Geometry, GeoJsonText Properties) : GeoJsonFeature;

    public override async Task<IResult> ItemsAsync(OgcRequest r, int? limit)
    {
        var q = r.Query;
        var errors = new FieldErrors();
        var take = limit ?? OgcApi.DefaultLimit;
        if (take is < 1 or > ParcelQuery.MaxLimit) errors.Add("limit", $"must be between 1 and {ParcelQuery.MaxLimit}");
        var box = q.ContainsKey("bbox") ? BoundingBox.Parse(q["bbox"].ToString(), errors) : null;
        if (box is not null && !BoundingBox.Check(box, errors)) box = null;
        errors.ThrowIfAny();
        var args = new DynamicParameters(new
        {
            scope = r.Caller.Scope, zone = q["zone"].FirstOrDefault(), zoneCode = q["zoneCode"].FirstOrDefault(), code = q["code"].FirstOrDefault(),
            take = take + 1, after = q["cursor"].FirstOrDefault(),
        });
        if (box is not null) args.AddDynamicParams(new { minX = box[0], minY = box[1], maxX = box[2], maxY = box[3] });
        var from = await FromAsync(r, box is not null, args);
        await using var conn = await r.Db.OpenConnectionAsync();
        var matched = await conn.ExecuteScalarAsync<long>($"SELECT count(*) {from}", args);
        var rows = (await conn.QueryAsync<ItemRow>(
            $"SELECT {Select} {from} AND (@after::text IS NULL OR {Key} > @after) ORDER BY {Key} LIMIT @take", args)).AsList();
        var links = new List<Link> { new(Links.Self(r.Http.Request), "self", OgcApi.GeoJson) };
        if (rows.Count > take)
        {
            rows.RemoveAt(take);
            links.Add(new Link(Links.WithCursor(r.Http.Request, rows[^1].Id), "next", OgcApi.GeoJson));
        }
        Links.SetHeader(r.Http.Response, links);
        var features = rows.ConvertAll(row => new Item(row.Id, row.Geometry is null ? null : new GeoJsonText(row.Geometry), new GeoJsonText(row.Properties)));
        return TypedResults.Json(new FeatureCollection<Item>(matched, features.Count, DateTimeOffset.UtcNow, links, features), contentType: OgcApi.GeoJson);
    }

    public override async Task<IResult> ItemAsync(OgcRequest r, string featureId, IReadOnlyList<Link> links, int? crs)
    {
        var args = new DynamicParameters(new { scope = r.Caller.Scope, zone = (string?)null, zoneCode = (string?)null, code = (string?)null, featureId });
        var from = await FromAsync(r, false, args);
        await using var conn = await r.Db.OpenConnectionAsync();
        var item = await conn.QuerySingleOrDefaultAsync<ItemRow>($"SELECT {Select} {from} AND {Key} = @featureId LIMIT 1", args)
            ?? throw Problems.NotFound($"No feature of {Id} has the id '{featureId}'.");
        return TypedResults.Json(new OgcFeature<GeoJsonText>(item.Id, item.Geometry is null ? null : new GeoJsonText(item.Geometry),
            new GeoJsonText(item.Properties), links), contentType: OgcApi.GeoJson);
    }
}

sealed class ParkSource : KeysetSource
{
    public override string Id => "parks";
    public override string Title => "Parks (园区)";
    public override string Description => "The parks of the development zones and their boundaries. Filter: zone.";
    public override string[] Parameters { get; } = ["f", "limit", "bbox", "cursor", "zone", "zoneCode", "code"];

    public override IReadOnlyDictionary<string, JsonObject> Queryables { get; } =
        new Dictionary<string, JsonObject> { ["code"] = Text("园区代码 Park code"), ["zoneCode"] = Text("开发区 Zone") };

    public override Task<double[]> ExtentAsync(OgcRequest r) => Extents.ParksAsync(r.Caller, r.Db, r.Cache);

    /// <summary>Park codes are unique within a zone: a park's feature id is <c>zone:code</c>.</summary>
    protected override string Key => "(zone_code || ':' || code)";

    protected override string Select => """
        zone_code || ':' || code AS id, ST_AsGeoJSON(boundary, 8) AS geometry,
        json_build_object('code', code, 'zoneCode', zone_code, 'name', name, 'leadingIndustries', leading_industries,
                          'areaMu', round_mu(ST_Area(boundary::geography)))::text AS properties
        """;

    protected override Task<string> FromAsync(OgcRequest r, bool box, DynamicParameters args) => Task.FromResult($"""
        FROM park WHERE {Caller.InScope()} AND boundary IS NOT NULL AND (@zone::text IS NULL OR zone_code = @zone)
          AND (@zoneCode::text IS NULL OR zone_code = @zoneCode) AND (@code::text IS NULL OR code = @code)
          {(box ? "AND ST_Intersects(boundary, ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326))" : "")}
        """);
}

sealed class ReserveSource : KeysetSource
{
    public override string Id => "reserves";
    public override string Title => "Reserve blocks (集中连片净地)";
    public override string Description =>
        "Contiguous clean land of the configured uses and gap, each block the union of its parcels. Filters: zone, minAreaMu (default, as /api/reserves: the target's, Reserves:TargetAreaMu, 500; minAreaMu=0 for every block).";
    public override string[] Parameters { get; } = ["f", "limit", "bbox", "cursor", "zone", "zoneCode", "minAreaMu"];

    public override IReadOnlyDictionary<string, JsonObject> Queryables { get; } = new Dictionary<string, JsonObject> { ["zoneCode"] = Text("开发区 Zone") };

    protected override string Key => "block_id";

    protected override string Select => """
        block_id AS id, ST_AsGeoJSON(geom, 8) AS geometry,
        json_build_object('blockId', block_id, 'zoneCode', zone_code, 'areaMu', round_mu(area_m2), 'areaM2', round_m2(area_m2),
                          'parcelCount', parcel_count, 'parcelIds', parcel_ids, 'parcelCodes', parcel_codes, 'parkCodes', park_codes,
                          'landUses', land_use_codes, 'gapM', gap_m)::text AS properties
        """;

    /// <summary>The caller's blocks of the configured rule (in the zone asked for), made current first.</summary>
    protected override async Task<string> FromAsync(OgcRequest r, bool box, DynamicParameters args)
    {
        var rule = await ReserveRule.FromAsync(null, null, r.Reserves, r.Uses);
        var current = await ReserveBlocks.ForCallerAsync(r.Db, r.Caller, rule, r.Query["zone"].FirstOrDefault() ?? r.Query["zoneCode"].FirstOrDefault());
        args.AddDynamicParams(current.Args);
        // The list's default is /api/reserves' (the target's area); a block asked for by its id is found whatever its size.
        var byId = r.Http.Request.RouteValues.ContainsKey("featureId");
        args.Add("min", Area.SquareMetres(OgcApi.Number(r.Query["minAreaMu"], "minAreaMu") ?? (byId ? 0 : r.Reserves.TargetAreaMu)));
        return $"""
            FROM reserve_block WHERE zone_code = ANY(@zones) AND land_uses = @uses AND gap_m = @gap AND area_m2 >= @min
              {(box ? "AND ST_Intersects(geom, ST_MakeEnvelope(@minX, @minY, @maxX, @maxY, 4326))" : "")}
            """;
    }
}
