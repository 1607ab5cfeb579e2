using System.ComponentModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Reserves;
using Microsoft.Extensions.Caching.Memory;

namespace LandRegister.Api.Tiles;

/// <summary>TileJSON 3.0.0: where a layer's tiles are, what they hold, where the data is.</summary>
public sealed record TileJson(
    [property: JsonPropertyName("tilejson")] string Version, string Name, string Description, string Scheme,
    string[] Tiles, [property: JsonPropertyName("minzoom")] int MinZoom, [property: JsonPropertyName("maxzoom")] int MaxZoom,
    double[] Bounds, double[] Center, [property: JsonPropertyName("vector_layers")] IReadOnlyList<VectorLayer> VectorLayers);

/// <param name="Fields">Each attribute of the layer's features and its type (String or Number).</param>
public sealed record VectorLayer(string Id, string Description, [property: JsonPropertyName("minzoom")] int MinZoom,
    [property: JsonPropertyName("maxzoom")] int MaxZoom, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// Mapbox vector tiles of parcels, reserve blocks and parks, built by PostGIS, each with an ETag; clients revalidate
/// (<c>Cache-Control: no-cache</c>) and get 304. Parcel and park tiles of the present are kept in memory
/// (<see cref="TileCache"/>) and answered with no database round trip until the database announces a change touching
/// them, and built on every request while the announcements are not heard; their ETag is a hash of their bytes. Other
/// tiles (reserve blocks; parcels <c>asOf</c> a past instant, drawn from the history by the same rule) are checked
/// against a fingerprint of the rows they show (their count, the sum of their versions, the XOR of their ids) on every
/// request, which is their ETag: an edit changes the fingerprint of exactly the tiles that show the edited row, so no
/// tile is ever served stale, and a change recorded late for a past instant rebuilds its tiles too.
/// </summary>
public static class TilesApi
{
    public const string MediaType = "application/vnd.mapbox-vector-tile";

    public static RouteGroupBuilder MapTiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/tiles").WithTags("Map");
        group.MapGet("/{layer}/{z:int}/{x:int}/{y:int}.mvt", GetTile).WithName(nameof(GetTile)).RequireAuthorization(Permission.ReadRegister)
            .Produces(200, contentType: MediaType).Produces(204).Produces(304)
            .WithSummary("A vector tile (MVT) of parcels, reserves or parks; 204 when the tile is empty");
        group.MapGet("/{layer}.json", GetTileJson).WithName(nameof(GetTileJson)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("The TileJSON 3.0.0 document of a layer");
        return group;
    }

    static TileLayer LayerOf(string name) =>
        TileLayer.Find(name) ?? throw Problems.NotFound($"No tile layer is called '{name}'; the layers are {string.Join(", ", TileLayer.All.Select(l => l.Name))}.");

    sealed record Fingerprint(long Features, string Versions);

    public static async Task<IResult> GetTile(
        string layer, int z, int x, int y, Caller caller, NpgsqlDataSource db, Replicas replicas, TileSettings settings, ReserveSettings reserves,
        LandUseCodes uses, IMemoryCache cache, TileCache kept, HttpContext http,
        [Description("An instant (ISO 8601): the parcels as they stood then (valid time); parcels only.")] DateTimeOffset? asOf = null)
    {
        var tileLayer = LayerOf(layer);
        var errors = new FieldErrors();
        var (at, _) = ValidTime.CheckAsOf(asOf, null, errors);
        if (at is not null && tileLayer.AsOfRelation is null) errors.AddUnreadable("asOf", $"the {tileLayer.Name} layer keeps no history: only parcels are drawn as of a past date");
        if (z is < 0 or > 22) errors.Add("z", "a zoom between 0 and 22");
        else
        {
            var size = 1 << z;
            if (x < 0 || x >= size) errors.Add("x", $"a column between 0 and {size - 1} at zoom {z}");
            if (y < 0 || y >= size) errors.Add("y", $"a row between 0 and {size - 1} at zoom {z}");
        }
        errors.ThrowIfAny();
        var tile = new TileAddress(z, x, y);
        var audience = Caller.AudienceOf(http);
        var keptKey = $"kept|{tileLayer.Name}|{tile}|{(int)audience}|{caller.ScopeKey}";
        if (at is null && tileLayer.Table is not null && kept.Find(keptKey) is { } found)
        {
            http.Response.Headers.CacheControl = "private, no-cache";
            return Answer(http, found);
        }
        var args = new DynamicParameters(new
        {
            z, x, y, scope = caller.Scope, tolerance = tile.Tolerance, minArea = settings.MinPixelArea * tile.PixelAreaM2,
            asOf = at, recordedAsOf = (DateTimeOffset?)null,
        });
        var past = at is not null;
        http.Response.Headers.CacheControl = "private, no-cache";
        if (z < tileLayer.MinZoom) return Empty(http, $"\"below-{tileLayer.Name}-{tileLayer.MinZoom}\"");
        await tileLayer.PrepareAsync(args, new TileRequest(caller, db, reserves, uses));
        var internalFields = audience >= Audience.Internal;
        // A tile kept in memory is built on the primary: a standby may not have replayed a change this instance has
        // already heard of. A past instant's tile is the same on any node that has replayed the client's own writes; a
        // reserve tile may bring the stored blocks up to date, a write.
        if (!past && tileLayer.Table is { } table)
            return await KeptAsync(http, keptKey, tileLayer, table, tile, internalFields, db, kept, args, settings);

        await using var conn = await (past ? replicas.For(ReadClass.Tiles, http) : db).OpenConnectionAsync();
        var print = await conn.QuerySingleAsync<Fingerprint>(tileLayer.FingerprintSql(past), args);
        var key = KeyOf(tileLayer, tile, caller, audience, at, print.Features, print.Versions);
        var etag = ETagOf(key);
        if (print.Features == 0) return Empty(http, etag);
        if (NotModified(http, etag) is { } unchanged) return unchanged;
        if (!cache.TryGetValue(key, out byte[]? bytes) || bytes is null)
        {
            var limited = print.Features > settings.MaxFeatures;
            bytes = await BuildAsync(conn, tileLayer, internalFields, past, args, limited ? settings.MaxFeatures : (int)print.Features, limited, settings);
            cache.Set(key, bytes, new MemoryCacheEntryOptions { Size = bytes.Length + key.Length * 2 + 64 });
        }
        return Answer(http, new BuiltTile(bytes, etag));
    }

    static string KeyOf(TileLayer layer, TileAddress tile, Caller caller, Audience audience, DateTimeOffset? at, long features, string versions) =>
        $"{layer.Name}|{tile}|{(int)audience}|{caller.ScopeKey}|{at?.UtcTicks}|{features}|{versions}";

    /// <summary>
    /// A tile of the present from a layer whose table announces its changes, not kept yet (a kept one is answered with
    /// no database round trip at the start of <see cref="GetTile"/>): built, and kept. Its ETag is a hash of its bytes,
    /// the same on every instance and for every build of the same tile. It needs no fingerprint of the rows: the
    /// announcements decide when the tile is built again, and an edit that leaves the drawing as it was (a field the
    /// tile does not carry) leaves a client's copy valid. A full tile's fingerprint read every row of the tile a second
    /// time: a z11 tile of the benchmark's million parcels took 223 ms where its tile statement alone took 159 ms (the
    /// API ÷ the statement, over the benchmark's 28 tiles: 1.22× with the fingerprint, 1.02× without).
    /// </summary>
    static async Task<IResult> KeptAsync(HttpContext http, string key, TileLayer layer, string table, TileAddress tile,
        bool internalFields, NpgsqlDataSource db, TileCache kept, DynamicParameters args, TileSettings settings)
    {
        var mark = kept.Begin();
        await using var conn = await db.OpenConnectionAsync();
        var bytes = await BuildAsync(conn, layer, internalFields, false, args, settings.MaxFeatures, true, settings);
        var answer = new BuiltTile(bytes, ETagOf(bytes));
        kept.Keep(key, table, tile.Bounds(TileLayer.Margin), answer, mark);
        return Answer(http, answer);
    }

    /// <summary>304 to a client holding the tile's ETag; else the tile, or 204 when it has no feature.</summary>
    static IResult Answer(HttpContext http, BuiltTile tile)
    {
        if (NotModified(http, tile.ETag) is { } unchanged) return unchanged;
        http.Response.Headers.ETag = tile.ETag;
        return tile.Bytes.Length == 0 ? TypedResults.NoContent() : TypedResults.Bytes(tile.Bytes, MediaType);
    }

    /// <summary>
    /// Builds the tile: the largest <see cref="TileSettings.MaxFeatures"/> features when there are more, then half as
    /// many each time until it fits in <see cref="TileSettings.MaxTileBytes"/>.
    /// </summary>
    static async Task<byte[]> BuildAsync(NpgsqlConnection conn, TileLayer layer, bool internalFields, bool past, DynamicParameters args, int limit,
        bool limited, TileSettings settings)
    {
        while (true)
        {
            args.Add("limit", limit);
            var bytes = await conn.ExecuteScalarAsync<byte[]>(new CommandDefinition(layer.TileSql(internalFields, limited, past), args, commandTimeout: 120)) ?? [];
            if (bytes.Length <= settings.MaxTileBytes || limit <= 1) return bytes;
            limit /= 2;
            limited = true;
        }
    }

    /// <summary>An empty tile: 204 with its ETag, or 304 to a client that holds that ETag.</summary>
    static IResult Empty(HttpContext http, string etag) => Answer(http, new BuiltTile([], etag));

    /// <summary>304 when the request's If-None-Match names <paramref name="etag"/> (or is <c>*</c>); null otherwise.</summary>
    static IResult? NotModified(HttpContext http, string etag)
    {
        var held = http.Request.Headers.IfNoneMatch.ToString();
        if (held.Length == 0 || (held.Trim() != "*" && !held.Split(',').Any(t => t.Trim().Replace("W/", "") == etag))) return null;
        http.Response.Headers.ETag = etag;
        return TypedResults.StatusCode(304);
    }

    static string ETagOf(string key) => ETagOf(Encoding.UTF8.GetBytes(key));

    static string ETagOf(byte[] bytes) => $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..24]}\"";

    public static async Task<IResult> GetTileJson(
        string layer, Caller caller, NpgsqlDataSource db, ReserveSettings reserves, LandUseCodes uses, HttpRequest request,
        HttpResponse response)
    {
        var tileLayer = LayerOf(layer);
        var bounds = await tileLayer.BoundsAsync(new TileRequest(caller, db, reserves, uses));
        var origin = request.PublicOrigin();
        var fields = Caller.AudienceOf(request.HttpContext) >= Audience.Internal
            ? tileLayer.Fields.Concat(tileLayer.InternalFields).ToDictionary()
            : tileLayer.Fields.ToDictionary();
        response.Headers.CacheControl = "private, max-age=60";
        return TypedResults.Json(new TileJson("3.0.0", $"LandRegister {tileLayer.Name}", tileLayer.Description, "xyz",
            [$"{origin}/tiles/{tileLayer.Name}/{{z}}/{{x}}/{{y}}.mvt"], tileLayer.MinZoom, tileLayer.MaxZoom, bounds,
            [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, Math.Max(tileLayer.MinZoom, 12)],
            [new VectorLayer(tileLayer.Name, tileLayer.Description, tileLayer.MinZoom, tileLayer.MaxZoom, fields)]));
    }
}
