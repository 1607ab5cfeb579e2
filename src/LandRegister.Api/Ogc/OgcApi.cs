using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;

namespace LandRegister.Api.Ogc;

public sealed record OgcLanding(string Title, string Description, IReadOnlyList<Link> Links);

public sealed record OgcConformance(IReadOnlyList<string> ConformsTo);

public sealed record OgcExtent(OgcSpatialExtent Spatial);

public sealed record OgcSpatialExtent(IReadOnlyList<double[]> Bbox, string Crs);

/// <param name="StorageCrs">The CRS the register keeps the geometries in (Part 2).</param>
public sealed record OgcCollection(string Id, string Title, string Description, IReadOnlyList<Link> Links, OgcExtent Extent,
    string ItemType, IReadOnlyList<string> Crs, string StorageCrs);

public sealed record OgcCollections(IReadOnlyList<Link> Links, IReadOnlyList<OgcCollection> Collections);

/// <summary>A feature of an OGC API collection, with the links Part 1 asks of a single feature.</summary>
public sealed record OgcFeature<TProperties>(object Id, GeoJsonText? Geometry, TProperties Properties, IReadOnlyList<Link> Links) : GeoJsonFeature;

/// <summary>
/// OGC API – Features Part 1 (core, geojson, oas30) under <c>/ogc</c>, for GDAL, QGIS and other clients we did not
/// write: the collections parcels, parks and reserves, their items with <c>limit</c>, <c>bbox</c>, <c>datetime</c>
/// and the register's own filters, <c>next</c> links that repeat every filter, exact <c>numberMatched</c>. Access
/// rules, zone scope and field filtering are those of the rest of the API.
/// </summary>
public static partial class OgcApi
{
    const string Json = "application/json";
    internal const string GeoJson = FeatureCollection<ParcelFeature>.MediaType;
    const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

    static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
        "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    ];

    const string QueryablesRel = "http://www.opengis.net/def/rel/ogc/1.0/queryables";
    const string SchemaJson = "application/schema+json";

    /// <summary>Features per page when a client names no limit (the standard's example value).</summary>
    public const int DefaultLimit = 10;

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
            .WithSummary("A page of a collection's features: limit, bbox, datetime and the collection's filters; next links repeat them")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Stated so that clients page in large pages: GDAL 3.9 and later read limit's maximum.
                operation.Parameters ??= [];
                operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                {
                    Name = "limit", In = Microsoft.OpenApi.ParameterLocation.Query, Description = $"Features per page, 1-{ParcelQuery.MaxLimit}.",
                    Schema = new Microsoft.OpenApi.OpenApiSchema
                    {
                        Type = Microsoft.OpenApi.JsonSchemaType.Integer, Minimum = "1", Maximum = ParcelQuery.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Default = System.Text.Json.Nodes.JsonValue.Create(DefaultLimit),
                    },
                });
                foreach (var (name, description) in new[]
                {
                    ("bbox", "minLon,minLat,maxLon,maxLat (CRS84)"), ("datetime", "An instant or an interval (RFC 3339, '..' for an open end)"),
                    ("cursor", "The position of a next link"),
                    ("filter", "A CQL2 filter (Part 3) on the collection's queryables, e.g. status = 'idle' AND S_INTERSECTS(geometry, BBOX(120.1,30.2,120.2,30.3))"),
                    ("filter-lang", "cql2-text (the default) or cql2-json"), ("filter-crs", "The CRS of the filter's geometries, one of the collection's crs (CRS84 by default)"), (PageTokens.Parameter, "The signature of a next link (rate limits: a paging budget of its own)"),
                })
                    operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                    {
                        Name = name, In = Microsoft.OpenApi.ParameterLocation.Query, Description = description,
                        Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
                    });
                return Task.CompletedTask;
            });
        ogc.MapGet("/collections/{collectionId}/queryables", GetQueryables).WithName("OgcQueryables").RequireAuthorization(Permission.ReadRegister)
            .Produces(200, contentType: SchemaJson)
            .WithSummary("The properties a collection's items may be filtered on, as query parameters of the same names (JSON Schema)");
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", GetItem).WithName("OgcItem").RequireAuthorization(Permission.ReadRegister)
            .WithSummary("One feature");
        return ogc;
    }

    static string Root(HttpRequest request) => request.PublicOrigin();


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

    public static async Task<IResult> ListCollections(Caller caller, NpgsqlDataSource db, LandUseCodes uses, ReserveSettings reserves, HttpContext http)
    {
        OnlyKnown(http.Request, "f");
        var request = new OgcRequest(http, caller, db, uses, reserves);
        var collections = new List<OgcCollection>();
        foreach (var source in OgcSource.All) collections.Add(await CollectionAsync(source, request));
        return TypedResults.Json(new OgcCollections([new($"{Root(http.Request)}/ogc/collections", "self", Json)], collections));
    }

    public static async Task<IResult> GetCollection(string collectionId, Caller caller, NpgsqlDataSource db, LandUseCodes uses, ReserveSettings reserves,
        HttpContext http)
    {
        OnlyKnown(http.Request, "f");
        return TypedResults.Json(await CollectionAsync(OgcSource.Find(collectionId), new OgcRequest(http, caller, db, uses, reserves)));
    }

    static async Task<OgcCollection> CollectionAsync(OgcSource source, OgcRequest request)
    {
        var href = $"{Root(request.Http.Request)}/ogc/collections/{source.Id}";
        var bbox = await source.ExtentAsync(request);
        return new OgcCollection(source.Id, source.Title, source.Description,
            [new(href, "self", Json), new($"{href}/items", "items", GeoJson, "The features"),
             new($"{href}/queryables", QueryablesRel, SchemaJson, "The properties the items may be filtered on")],
            new OgcExtent(new OgcSpatialExtent([bbox], Crs84)), "feature", await source.CrsAsync(request), Crs84);
    }

    public static async Task<IResult> GetItems(
        string collectionId, Caller caller, NpgsqlDataSource db, Replicas replicas, LandUseCodes uses, ReserveSettings reserves,
        HttpContext http)
    {
        var source = OgcSource.Find(collectionId);
        OnlyKnown(http.Request, [.. source.ParametersFor(http), PageTokens.Parameter]);
        var limit = http.Request.Query.ContainsKey("limit") ? Integer(http.Request.Query["limit"], "limit") : null;
        return await source.ItemsAsync(new OgcRequest(http, caller, ReadsOf(source, db, replicas, http), uses, reserves), limit);
    }

    static NpgsqlDataSource ReadsOf(OgcSource source, NpgsqlDataSource primary, Replicas replicas, HttpContext http) =>
        source.ReadsOnStandby ? replicas.For(ReadClass.Features, http) : primary;

    public static IResult GetQueryables(string collectionId, HttpRequest request)
    {
        // What this key may filter on: a property its role does not see is not there.
        var source = OgcSource.Find(collectionId);
        OnlyKnown(request, "f");
        var href = $"{Root(request)}/ogc/collections/{source.Id}/queryables";
        var properties = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, queryable) in source.VisibleQueryables(request.HttpContext)) properties[name] = queryable.Schema();
        var document = new System.Text.Json.Nodes.JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema", ["$id"] = href, ["type"] = "object",
            ["title"] = source.Title, ["properties"] = properties, ["additionalProperties"] = false,
        };
        return Results.Text(document.ToJsonString(), SchemaJson, System.Text.Encoding.UTF8);
    }

    public static async Task<IResult> GetItem(
        string collectionId, string featureId, Caller caller, NpgsqlDataSource db, Replicas replicas, LandUseCodes uses, ReserveSettings reserves,
        HttpContext http)
    {
        var source = OgcSource.Find(collectionId);
        OnlyKnown(http.Request, "f", "crs");
        var request = new OgcRequest(http, caller, ReadsOf(source, db, replicas, http), uses, reserves);
        var crs = http.Request.Query.ContainsKey("crs")
            ? OgcCrs.Parse(http.Request.Query["crs"].ToString(), await source.CrsAsync(request), "crs") : null;
        http.Response.Headers["Content-Crs"] = $"<{(crs is { } srid ? OgcCrs.Uri(srid) : OgcCrs.Crs84)}>";
        var collection = $"{Root(http.Request)}/ogc/collections/{source.Id}";
        var links = new List<Link> { new($"{collection}/items/{Uri.EscapeDataString(featureId)}", "self", GeoJson), new(collection, "collection", Json) };
        return await source.ItemAsync(request, featureId, links, crs);
    }
}
