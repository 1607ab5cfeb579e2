using System.Text.Json.Serialization;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using LandRegister.Api.Infrastructure;
using LandRegister.Api.Parcels;
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
public static partial class OgcApi
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
}
