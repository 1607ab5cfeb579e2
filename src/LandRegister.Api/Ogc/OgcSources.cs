using System.Globalization;
using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using LandRegister.Api.Spatial;
using LandRegister.Cql2;

namespace LandRegister.Api.Ogc;

/// <summary>What a collection needs to answer: who asks, the request, and the register's services.</summary>
public sealed record OgcRequest(HttpContext Http, Caller Caller, NpgsqlDataSource Db, LandUseCodes Uses, ReserveSettings Reserves)
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

    /// <summary>Whether its items may be read on a standby (<see cref="Replicas"/>): not when reading them may write.</summary>
    public virtual bool ReadsOnStandby => true;

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

    /// <summary>A queryable's value given as a query parameter, read as its type (a 400 naming the parameter otherwise).</summary>
    static Cql2Literal Literal(string parameter, QueryableType type, string text)
    {
        var at = $"parameter {parameter}";
        return type switch
        {
            QueryableType.Integer or QueryableType.Number => new Cql2Number(at, OgcApi.Number(text, parameter)!.Value),
            QueryableType.Boolean => new Cql2Boolean(at, OgcApi.Boolean(text, parameter)!.Value),
            QueryableType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? new Cql2Date(at, d) : throw Problems.BadRequest(parameter, $"'{text}' is not a date (YYYY-MM-DD)"),
            QueryableType.Timestamp => new Cql2Timestamp(at, OgcApi.Instant(text, parameter).ToUniversalTime()),
            _ => new Cql2Text(at, text),
        };
    }

    public virtual Task<double[]> ExtentAsync(OgcRequest r) => Extents.ParcelsAsync(r.Caller, r.Db);

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

    public override Task<double[]> ExtentAsync(OgcRequest r) => Extents.ParksAsync(r.Caller, r.Db);

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

    // Reading the blocks brings the stored ones up to date: a write, so the primary's.
    public override bool ReadsOnStandby => false;
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
