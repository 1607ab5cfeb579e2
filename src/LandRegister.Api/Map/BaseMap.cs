using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;

namespace LandRegister.Api.Map;

/// <summary>
/// The map page's optional base map, configured under <c>Map:BaseMap</c>: a raster tile source (a Tianditu WMTS with the
/// operator's key, the bureau's own GIS server) as a URL template with <c>{z}</c>, <c>{x}</c> and <c>{y}</c>. None by
/// default. The register fetches its tiles itself (<c>/basemap/{z}/{x}/{y}</c>) so that the browser asks nothing of any
/// other origin and the operator's key never reaches a browser.
/// </summary>
public sealed class BaseMapSettings
{
    public string? Url { get; set; }
    public string Attribution { get; set; } = "";
    public int MaxZoom { get; set; } = 18;

    public static BaseMapSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Map:BaseMap").Get<BaseMapSettings>() ?? new BaseMapSettings();
        if (settings.Url is { Length: > 0 } url
            && (!Uri.TryCreate(url.Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0"), UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https") || !url.Contains("{z}") || !url.Contains("{x}") || !url.Contains("{y}")))
            throw new InvalidOperationException("Map:BaseMap:Url must be an http(s) URL template with {z}, {x} and {y}.");
        if (settings.MaxZoom is < 1 or > 22) throw new InvalidOperationException("Map:BaseMap:MaxZoom must be between 1 and 22.");
        return settings;
    }

    public bool Configured => Url is { Length: > 0 };
}

/// <summary>What the map page is configured with: the base map, when there is one.</summary>
public sealed record MapSettings(BaseMapSource? BaseMap);

/// <param name="Tiles">The tile URL template, on the register's own origin.</param>
public sealed record BaseMapSource(string Tiles, string Attribution, int MaxZoom);

public static class BaseMapApi
{
    public const string HttpClientName = "basemap";

    public static void MapBaseMap(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/map/settings", GetMapSettings).WithName(nameof(GetMapSettings)).WithTags("Map").RequireAuthorization(Permission.ReadRegister)
            .WithSummary("The map page's settings: the base map, if one is configured");
        app.MapGet("/basemap/{z:int}/{x:int}/{y:int}", GetBaseMapTile).WithName(nameof(GetBaseMapTile)).WithTags("Map")
            .RequireAuthorization(Permission.ReadRegister).Produces(200, contentType: "image/png").Produces(404)
            .WithSummary("A tile of the configured base map, fetched by the register (404 when none is configured)");
    }

    public static Ok<MapSettings> GetMapSettings(BaseMapSettings settings, HttpRequest request) =>
        TypedResults.Ok(new MapSettings(settings.Configured
            ? new BaseMapSource($"{request.PublicOrigin()}/basemap/{{z}}/{{x}}/{{y}}", settings.Attribution, settings.MaxZoom)
            : null));

    sealed record Tile(byte[] Bytes, string ContentType);

    public static async Task<IResult> GetBaseMapTile(int z, int x, int y, BaseMapSettings settings, IHttpClientFactory clients, IMemoryCache cache,
        HttpResponse response, CancellationToken aborted)
    {
        if (!settings.Configured) throw Problems.NotFound("No base map is configured (Map:BaseMap:Url).");
        var errors = new FieldErrors();
        if (z < 0 || z > settings.MaxZoom) errors.Add("z", $"a zoom between 0 and {settings.MaxZoom}");
        else if (x < 0 || x >= 1 << z || y < 0 || y >= 1 << z) errors.Add("x", $"a tile of zoom {z}");
        errors.ThrowIfAny();
        var key = $"basemap|{z}/{x}/{y}";
        if (!cache.TryGetValue(key, out Tile? tile) || tile is null)
        {
            var url = settings.Url!.Replace("{z}", z.ToString()).Replace("{x}", x.ToString()).Replace("{y}", y.ToString());
            try
            {
                using var upstream = await clients.CreateClient(HttpClientName).GetAsync(url, aborted);
                if (!upstream.IsSuccessStatusCode)
                    throw new ProblemException(502, "The base map's server refused the tile.", $"It answered {(int)upstream.StatusCode}.");
                var type = upstream.Content.Headers.ContentType?.MediaType ?? "image/png";
                if (!type.StartsWith("image/", StringComparison.Ordinal))
                    throw new ProblemException(502, "The base map's server sent no image.", $"It sent {type}.");
                tile = new Tile(await upstream.Content.ReadAsByteArrayAsync(aborted), type);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !aborted.IsCancellationRequested)
            {
                throw new ProblemException(502, "The base map's server did not answer.", e.Message);
            }
            cache.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Bytes.Length + 128, AbsoluteExpirationRelativeToNow = TimeSpan.FromDays(1) });
        }
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.Bytes(tile.Bytes, tile.ContentType);
    }
}
