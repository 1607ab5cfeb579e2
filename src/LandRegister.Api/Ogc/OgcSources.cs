using System.Globalization;
using System.Text;
using System.Text.Json;
using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using LandRegister.Api.Spatial;
using LandRegister.Cql2;
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
    /// The properties a client may filter on (Part 3's queryables): in a CQL2 <c>filter</c>, and each but a geometry as a
    /// query parameter of the same name (equal to one of its comma-separated values) unless the collection reads that
    /// parameter itself (<see cref="Parameters"/>). A caller sees those its role may read.
    /// </summary>
    public abstract IReadOnlyList<OgcQueryable> Queryables { get; }

    /// <summary>The query parameters of Part 3 every collection's items take.</summary>
    public static readonly string[] FilterParameters = ["filter", "filter-lang", "filter-crs"];

    public IReadOnlyDictionary<string, OgcQueryable> VisibleQueryables(HttpContext http) => OgcQueryable.Visible(Queryables, Caller.AudienceOf(http));

    /// <summary>The query parameters <c>items</c> takes from this caller: the collection's own, Part 3's, and the caller's queryables.</summary>
    public string[] ParametersFor(HttpContext http) =>
        [.. Parameters, .. FilterParameters, .. VisibleQueryables(http).Values.Where(q => q.Type != QueryableType.Geometry).Select(q => q.Name).Except(Parameters)];

    /// <summary>
    /// The request's filter, compiled: its CQL2 <c>filter</c> (in <c>filter-lang</c>, geometries in <c>filter-crs</c>) and
    /// the queryables given as query parameters, all to hold; null when there are none.
    /// </summary>
    public async Task<OgcFilter?> FilterAsync(OgcRequest r)
    {
        var q = r.Query;
        var visible = VisibleQueryables(r.Http);
        var conditions = new List<Cql2Expression>();
        foreach (var (name, queryable) in visible)
            if (q.ContainsKey(name) && !Parameters.Contains(name) && queryable.Type != QueryableType.Geometry)
            {
                var at = $"parameter {name}";
                var values = q[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    .Select(v => Literal(name, queryable.Type, v)).ToList();
                if (values.Count == 0) throw Problems.BadRequest(name, "a value, or values separated by commas");
                conditions.Add(new Cql2In(at, new Cql2Property(at, name), values));
            }
        if (q.ContainsKey("filter")) conditions.Add(OgcFilter.Read(q["filter"].ToString(), q.ContainsKey("filter-lang") ? q["filter-lang"].ToString() : null));
        if (conditions.Count == 0) return null;
        var srid = q.ContainsKey("filter-crs") ? OgcCrs.Parse(q["filter-crs"].ToString(), await CrsAsync(r), "filter-crs") : null;
        return OgcFilter.Compile(conditions.Count == 1 ? conditions[0] : new Cql2Logical("the query", Cql2LogicalOperator.And, conditions), visible, srid);
    }

    /// <summary>A queryable's value given as a query parameter, read as its type.</summary>
    static Cql2Literal Literal(string parameter, QueryableType type, string text)
    {
        var at = $"parameter {parameter}";
        return type switch
        {
            QueryableType.Integer or QueryableType.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n)
                ? new Cql2Number(at, n) : throw Problems.BadRequest(parameter, $"'{text}' is not a number"),
            QueryableType.Boolean => bool.TryParse(text, out var b) ? new Cql2Boolean(at, b) : throw Problems.BadRequest(parameter, "must be true or false"),
            QueryableType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? new Cql2Date(at, d) : throw Problems.BadRequest(parameter, $"'{text}' is not a date (YYYY-MM-DD)"),
            QueryableType.Timestamp => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? new Cql2Timestamp(at, t.ToUniversalTime()) : throw Problems.BadRequest(parameter, $"'{text}' is not an RFC 3339 timestamp"),
            _ => new Cql2Text(at, text),
        };
    }

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

    /// <summary>
    /// The parcels' properties as the features carry them, each seen by the roles that see it in the JSON (its
    /// <see cref="AudienceAttribute"/> on <see cref="ParcelProperties"/>). <c>plannedUse</c> as a query parameter matches
    /// sub-codes (1001 matches 100101); in a filter it is the code itself (<c>plannedUse LIKE '1001%'</c> for the family).
    /// </summary>
    public override IReadOnlyList<OgcQueryable> Queryables { get; } =
    [
        Of("id", "宗地ID Parcel id", QueryableType.Integer, "id"),
        Of("code", "宗地编号 Parcel code", QueryableType.Text, "code"),
        Of("zoneCode", "开发区 Zone", QueryableType.Text, "zone_code"),
        Of("parkCode", "园区 Park", QueryableType.Text, "park_code"),
        Of("name", "名称 Name", QueryableType.Text, "name"),
        Of("plannedUse", "规划用途 Planned use", QueryableType.Text, "planned_use") with { Pattern = "^[0-9]{2,6}$" },
        Of("actualUse", "实际用途 Actual use", QueryableType.Text, "actual_use"),
        Of("status", "状态 Status", QueryableType.Text, "status") with { Enum = ParcelStatus.All },
        Of("registeredAreaM2", "登记面积（平方米） Registered area (m²)", QueryableType.Number, "registered_area_m2"),
        Of("areaM2", "面积（平方米） Area (m²)", QueryableType.Number, "area_m2"),
        Of("areaMu", "面积（亩） Area (mu)", QueryableType.Number, "(area_m2 * 0.0015)"),
        Of("constructionStartedOn", "开工日期 Construction started", QueryableType.Date, "construction_started_on"),
        Of("createdAt", "登记时间 Created at", QueryableType.Timestamp, "created_at"),
        Of("updatedAt", "更新时间 Updated at", QueryableType.Timestamp, "updated_at"),
        Of("retiredAt", "注销时间 Retired at", QueryableType.Timestamp, "retired_at"),
        Of("createdBy", "登记人 Created by", QueryableType.Text, "created_by"),
        Of("updatedBy", "更新人 Updated by", QueryableType.Text, "updated_by"),
        Of("geometry", "宗地范围 Boundary", QueryableType.Geometry, "geom"),
    ];

    static OgcQueryable Of(string name, string title, QueryableType type, string sql) =>
        new(name, title, type, sql, typeof(ParcelProperties).GetProperty(char.ToUpperInvariant(name[0]) + name[1..]) is { } property
            ? AudienceAttribute.Of(property, typeof(ParcelProperties)) : Audience.Public);

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
        if (await FilterAsync(r) is { } filter) query.Also(filter.Sql, filter.Values);
        query.CountMatched = !q.ContainsKey("cursor"); // the first page counts; GDAL and QGIS read the count there
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
        if (await FilterAsync(r) is { } filter)
        {
            from += $" AND {filter.Sql}";
            filter.Bind(args);
        }
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

    public override IReadOnlyList<OgcQueryable> Queryables { get; } =
    [
        new("code", "园区代码 Park code", QueryableType.Text, "code"), new("zoneCode", "开发区 Zone", QueryableType.Text, "zone_code"),
        new("name", "园区名称 Park name", QueryableType.Text, "name"), new("geometry", "园区范围 Boundary", QueryableType.Geometry, "boundary"),
    ];

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

    public override IReadOnlyList<OgcQueryable> Queryables { get; } =
    [
        new("zoneCode", "开发区 Zone", QueryableType.Text, "zone_code"), new("areaMu", "面积（亩） Area (mu)", QueryableType.Number, "(area_m2 * 0.0015)"),
        new("parcelCount", "宗地数 Parcels", QueryableType.Integer, "parcel_count"), new("geometry", "地块范围 Outline", QueryableType.Geometry, "geom"),
    ];

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
