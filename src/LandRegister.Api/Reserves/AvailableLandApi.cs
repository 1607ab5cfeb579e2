using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.LandUses;
using LandRegister.Api.Spatial;
using Mapster;

namespace LandRegister.Api.Reserves;

/// <summary>Land or premises a project could use, as a GeoJSON Feature.</summary>
public sealed record AvailableFeature(string Id, GeoJsonText Geometry, AvailableProperties Properties) : GeoJsonFeature;

/// <summary>One result of the available-land search.</summary>
/// <param name="Kind">parcel (one clean-land parcel), block (contiguous clean parcels, together larger than any one) or premises (vacant floor space).</param>
/// <param name="DistanceKm">Distance from <c>near</c> on the spheroid, km (0 when it covers the point); null without <c>near</c>.</param>
/// <param name="AreaMu">The land's area, mu: a block's is the sum of its parcels'. For premises, their parcel's.</param>
/// <param name="ParcelCodes">The parcels it is made of (for premises, the one it stands on).</param>
/// <param name="PremisesCode">For premises: the building number, its floor area, how much of it is free, since when, its state and owner.</param>
public sealed record AvailableProperties(
    string Kind, string ZoneCode, double? DistanceKm, double AreaMu, double AreaM2, long[] ParcelIds, string[] ParcelCodes,
    string[] ParkCodes, string[] LandUses,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PremisesCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? FloorAreaM2 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? VacantFloorAreaM2 = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Vacancy = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? VacantSince = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Condition = null,
    [property: Audience(Audience.Internal), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OwnerName = null,
    [property: Audience(Audience.Internal), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OwnerKind = null);

/// <summary>
/// The promoters' search (招商选址): clean-land parcels and reserve blocks that fit a project, and vacant
/// premises, nearest first around a point or smallest fitting first.
/// </summary>
public static class AvailableLandApi
{
    const string GeoJson = FeatureCollection<AvailableFeature>.MediaType;

    public static RouteHandlerBuilder MapAvailableLand(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/available-land", SearchAvailableLand).WithName(nameof(SearchAvailableLand)).WithTags("Reserves")
            .RequireAuthorization(Permission.ReadRegister).Produces<FeatureCollection<AvailableFeature>>(200, GeoJson)
            .WithSummary("Clean land (parcels and contiguous blocks) and, when asked, vacant premises that fit a project").Exportable();

    internal sealed class ResultRow
    {
        public string Kind { get; init; } = "";
        public string ItemId { get; init; } = "";
        public string ZoneCode { get; init; } = "";
        public double AreaM2 { get; init; }
        public long[] ParcelIds { get; init; } = [];
        public string[] ParcelCodes { get; init; } = [];
        public string[] ParkCodes { get; init; } = [];
        public string[] LandUseCodes { get; init; } = [];
        public double? DistanceM { get; init; }
        public string Geometry { get; init; } = "";
        public string? PremisesCode { get; init; }
        public decimal? FloorAreaM2 { get; init; }
        public decimal? VacantFloorAreaM2 { get; init; }
        public string? Vacancy { get; init; }
        public DateOnly? VacantSince { get; init; }
        public string? Condition { get; init; }
        public string? OwnerName { get; init; }
        public string? OwnerKind { get; init; }

        public AvailableFeature ToFeature() => new($"{Kind}-{ItemId}", new GeoJsonText(Geometry), this.Adapt<AvailableProperties>());
    }

    sealed class AvailableMapping : IRegister
    {
        public void Register(TypeAdapterConfig config) =>
            config.NewConfig<ResultRow, AvailableProperties>()
                .Map(d => d.DistanceKm, s => s.DistanceM == null ? (double?)null : Math.Round(s.DistanceM.Value / 1000, 3))
                .Map(d => d.AreaMu, s => Area.Mu(s.AreaM2))
                .Map(d => d.AreaM2, s => Area.Rounded(s.AreaM2))
                .Map(d => d.LandUses, s => s.LandUseCodes);
    }

    /// <summary>
    /// Blocks of more than one parcel (from <c>reserve_block</c>) and single clean parcels (from <c>parcel</c>, through
    /// its partial indexes on clean land) of the rule. With a point, each index yields its nearest (<c>&lt;-&gt;</c>,
    /// on the sphere) and the spheroid distance orders the few they return; without, the smallest that fit.
    /// </summary>
    static string Land(bool near) => $"""
        SELECT * FROM (
            (SELECT 'block' AS kind, block_id AS item_id, zone_code, area_m2, parcel_ids, parcel_codes, park_codes, land_use_codes,
                    ST_AsGeoJSON(geom, 8) AS geometry, CASE WHEN @near THEN ST_Distance(geog, @point) END AS distance_m
             FROM reserve_block
             WHERE {BlockMatches}
             ORDER BY {(near ? "geog <-> @point" : "area_m2, block_id")}
             LIMIT @take)
            UNION ALL
            (SELECT 'parcel', id::text, zone_code, area_m2, ARRAY[id], ARRAY[code],
                    CASE WHEN park_code IS NULL THEN ARRAY[]::text[] ELSE ARRAY[park_code] END, ARRAY[planned_use],
                    ST_AsGeoJSON(geom, 8), CASE WHEN @near THEN ST_Distance(geom::geography, @point) END
             FROM parcel
             WHERE {ParcelMatches}
             ORDER BY {(near ? "geom::geography <-> @point" : "area_m2, id")}
             LIMIT @take)) found
        ORDER BY distance_m, area_m2, kind, item_id
        LIMIT @limit
        """;

    const string BlockMatches = """
        zone_code = ANY(@zones) AND land_uses = @uses AND gap_m = @gap AND geog IS NOT NULL
          AND area_m2 >= @min AND (@max::float8 IS NULL OR area_m2 <= @max)
          AND (@park::text IS NULL OR @park = ANY(park_codes))
          AND (@radius::float8 IS NULL OR ST_DWithin(geog, @point, @radius))
        """;

    const string ParcelMatches = """
        status = 'clean_land' AND retired_at IS NULL AND zone_code = ANY(@zones) AND planned_use LIKE ANY(@patterns)
          AND area_m2 >= @min AND (@max::float8 IS NULL OR area_m2 <= @max)
          AND (@park::text IS NULL OR park_code = @park)
          AND (@radius::float8 IS NULL OR ST_DWithin(geom::geography, @point, @radius))
        """;

    const string PremisesMatches = """
        pr.zone_code = ANY(@zones) AND pr.retired_at IS NULL AND pr.vacant_floor_area_m2 > 0
          AND pr.vacant_floor_area_m2 >= @minFloor AND (@maxFloor::numeric IS NULL OR pr.vacant_floor_area_m2 <= @maxFloor)
          AND (@landUse::text IS NULL OR p.planned_use LIKE ANY(@patterns))
          AND (@park::text IS NULL OR p.park_code = @park)
          AND (@radius::float8 IS NULL OR ST_DWithin(pr.footprint::geography, @point, @radius))
        """;

    /// <summary>How many results the search matches in all, whatever the page shows (<c>numberMatched</c>).</summary>
    const string Matched = $"""
        SELECT (SELECT count(*) FROM reserve_block WHERE {BlockMatches})
             + (SELECT count(*) FROM parcel WHERE {ParcelMatches})
             + CASE WHEN @withPremises THEN (SELECT count(*) FROM premises pr JOIN parcel p ON p.id = pr.parcel_id WHERE {PremisesMatches}) ELSE 0 END
        """;

    const string Premises = $"""
        SELECT 'premises' AS kind, pr.id::text AS item_id, pr.zone_code, p.area_m2, ARRAY[p.id] AS parcel_ids, ARRAY[p.code] AS parcel_codes,
               CASE WHEN p.park_code IS NULL THEN ARRAY[]::text[] ELSE ARRAY[p.park_code] END AS park_codes,
               CASE WHEN p.planned_use IS NULL THEN ARRAY[]::text[] ELSE ARRAY[p.planned_use] END AS land_use_codes,
               ST_AsGeoJSON(pr.footprint, 8) AS geometry, CASE WHEN @near THEN ST_Distance(pr.footprint::geography, @point) END AS distance_m,
               pr.code AS premises_code, pr.floor_area_m2, pr.vacant_floor_area_m2, pr.vacancy, pr.vacant_since, pr.condition,
               pr.owner_name, pr.owner_kind
        FROM premises pr JOIN parcel p ON p.id = pr.parcel_id
        WHERE {PremisesMatches}
        ORDER BY distance_m, pr.vacant_floor_area_m2, pr.id
        LIMIT @limit
        """;

    public static async Task<IResult> SearchAvailableLand(
        Caller caller, NpgsqlDataSource db, LandUseCodes uses, ReserveSettings settings, HttpRequest request,
        [Description("Smallest area the project needs, mu (default 0).")] double? minAreaMu = null,
        [Description("Largest area wanted, mu.")] double? maxAreaMu = null,
        [Description("Planned land-use codes, comma-separated, each with its sub-codes (default: the reserve uses, 1001).")] string? landUse = null,
        [Description("Only land in this park.")] string? park = null,
        [Description("A point as lon,lat (WGS84): results nearest first, each with its distance.")] string? near = null,
        [Description("With near: only results within this many km.")] double? radiusKm = null,
        [Description("Also vacant and partly leased premises, by vacant floor area.")] bool includePremises = false,
        [Description("With includePremises: the least vacant floor area, m².")] decimal? minFloorAreaM2 = null,
        [Description("With includePremises: the most vacant floor area, m².")] decimal? maxFloorAreaM2 = null,
        [Description("Parcels this close, in metres (to the centimetre), form one block (default: the configured gap).")] double? gapM = null,
        [Description("Only this zone.")] string? zone = null,
        [Description("At most this many results, 1-500 (default 50).")] int limit = 50,
        [Description(Export.ResultsFormatDescription)] string? format = null)
    {
        var export = Export.Requested(request, format);
        var errors = new FieldErrors();
        if (minAreaMu is < 0 or > 1_000_000) errors.Add("minAreaMu", "between 0 and 1000000 mu");
        if (maxAreaMu is < 0 or > 1_000_000) errors.Add("maxAreaMu", "between 0 and 1000000 mu");
        if (maxAreaMu < minAreaMu) errors.Add("maxAreaMu", "must not be below minAreaMu");
        var point = near is null ? null : ParsePoint(near, errors);
        if (radiusKm is not null && near is null) errors.Add("radiusKm", "needs near: the point the radius is measured from");
        if (radiusKm is <= 0 or > 1000) errors.Add("radiusKm", "above 0, at most 1000 km");
        if (minFloorAreaM2 is < 0) errors.Add("minFloorAreaM2", "must not be negative");
        if (maxFloorAreaM2 < minFloorAreaM2) errors.Add("maxFloorAreaM2", "must not be below minFloorAreaM2");
        if (limit is < 1 or > 500) errors.Add("limit", "between 1 and 500");
        errors.ThrowIfAny();
        var rule = await ReserveRule.FromAsync(landUse, gapM, settings, uses);
        var current = await ReserveBlocks.ForCallerAsync(db, caller, rule, zone);

        await using var conn = await db.OpenConnectionAsync();

        var args = new DynamicParameters(new
        {
            zones = current.Zones, uses = rule.UsesKey, gap = rule.GapM, patterns = rule.UsePatterns, landUse, park, limit, take = limit + 20,
            near = point is not null, lon = point?.Lon ?? 0, lat = point?.Lat ?? 0, radius = radiusKm * 1000,
            min = Area.SquareMetres(minAreaMu ?? 0), max = maxAreaMu is { } m ? Area.SquareMetres(m) : (double?)null,
            minFloor = minFloorAreaM2 ?? 0, maxFloor = maxFloorAreaM2,
        });
        const string Point = "ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography";
        args.Add("withPremises", includePremises);
        // The page of land and the count of every match, in one round trip.
        List<ResultRow> results;
        long matched;
        await using (var read = await conn.ExecuteReaderAsync($"{Land(point is not null)};\n{Matched}".Replace("@point", Point), args))
        {
            results = await read.ReadRowsAsync<ResultRow>();
            matched = await read.ReadSingleAsync<long>();
        }
        if (includePremises)
        {
            results.AddRange(await conn.QueryAsync<ResultRow>(Premises.Replace("@point", Point), args));
            if (point is not null) results = results.OrderBy(r => r.DistanceM).ThenBy(r => r.AreaM2).Take(limit).ToList();
            else results = results.Take(limit).ToList();
        }
        var features = results.ConvertAll(r => r.ToFeature());
        if (export is { } file) return Export.File(file, ReserveExport.AvailableLand, features);
        var links = new List<Link> { new(Links.Self(request), "self", GeoJson) };
        return TypedResults.Json(new FeatureCollection<AvailableFeature>(matched, features.Count, DateTimeOffset.UtcNow, links, features), contentType: GeoJson);
    }

    static (double Lon, double Lat)? ParsePoint(string near, FieldErrors errors)
    {
        var parts = near.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
            && lon is >= -180 and <= 180 && lat is >= -90 and <= 90)
            return (lon, lat);
        errors.Add("near", "a point as lon,lat in degrees (WGS84), e.g. 119.26,33.78");
        return null;
    }
}
