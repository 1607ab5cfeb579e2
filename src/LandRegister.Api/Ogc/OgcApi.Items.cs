using System.Globalization;
using System.Text.Json.Serialization;
using Dapper;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using LandRegister.Api.Infrastructure;
using LandRegister.Api.LandUses;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using Npgsql;

namespace LandRegister.Api.Ogc;

/// <summary>The items of the collections: pages with the register's filters, and single features.</summary>
public static partial class OgcApi
{
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
        var box = q.ContainsKey("bbox") ? BoundingBox.Parse(q["bbox"].ToString(), errors) : null;
        if (box is not null && !BoundingBox.Check(box, errors)) box = null;
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
}
