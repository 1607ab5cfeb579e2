using System.Globalization;
using LandRegister.Api.Access;

namespace LandRegister.Api.Tiles;

/// <summary>How tiles are made, configured under <c>Tiles</c>.</summary>
public sealed class TileSettings
{
    /// <summary>Memory for built tiles, reused while the data they show is unchanged.</summary>
    public int CacheMegabytes { get; set; } = 256;

    /// <summary>At most this many features per layer and tile: the largest are kept, the smallest left out first.</summary>
    public int MaxFeatures { get; set; } = 8000;

    /// <summary>A tile larger than this is rebuilt with half the features (the largest), until it fits.</summary>
    public int MaxTileBytes { get; set; } = 500_000;

    /// <summary>Features smaller than this many pixels (of a 256-pixel tile) are left out: they would not be seen.</summary>
    public double MinPixelArea { get; set; } = 1;

    public static TileSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Tiles").Get<TileSettings>() ?? new TileSettings();
        if (settings.CacheMegabytes is < 0 or > 65536) throw new InvalidOperationException("Tiles:CacheMegabytes must be between 0 and 65536.");
        if (settings.MaxFeatures is < 1 or > 1_000_000) throw new InvalidOperationException("Tiles:MaxFeatures must be between 1 and 1000000.");
        if (settings.MaxTileBytes is < 10_000) throw new InvalidOperationException("Tiles:MaxTileBytes must be at least 10000.");
        if (settings.MinPixelArea is < 0 or > 1000) throw new InvalidOperationException("Tiles:MinPixelArea must be between 0 and 1000.");
        return settings;
    }
}

/// <summary>
/// A layer of vector tiles: its fields, its zooms, and its two statements. The fingerprint counts and sums up the
/// versions of the rows a tile would show (cheap: no geometry is touched), so a tile is rebuilt exactly when one of
/// them changed; the tile statement builds the MVT in PostGIS (<c>ST_AsMVTGeom</c>, <c>ST_AsMVT</c> with feature ids).
/// </summary>
public sealed record TileLayer(string Name, string Description, int MinZoom, int MaxZoom, IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, string> InternalFields)
{
    /// <summary>The tile's envelope in Web Mercator, and in WGS84 with the buffer's margin for the index filter.</summary>
    const string Envelope = """
        env AS (SELECT ST_TileEnvelope(@z, @x, @y) AS tile,
                       ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 0.015625), 4326) AS box)
        """;

    /// <summary>The rows of the tile: from, where (with <c>env</c> in scope).</summary>
    string Rows => Name switch
    {
        "parcels" => $"""
            FROM parcel p, env
            WHERE p.geom && env.box AND p.retired_at IS NULL AND {Caller.InScope("p.zone_code")} AND p.area_m2 >= @minArea
            """,
        "reserves" => """
            FROM reserve_block p, env
            WHERE p.geom && env.box AND p.zone_code = ANY(@zones) AND p.land_uses = @uses AND p.gap_m = @gap
              AND (p.parcel_count > 1 OR p.area_m2 >= @targetArea) AND p.area_m2 >= @minArea
            """,
        _ => $"""
            FROM park p, env
            WHERE p.boundary && env.box AND {Caller.InScope("p.zone_code")}
            """,
    };

    /// <summary>
    /// The rows' versions, cheaply: their count, the sum of their row versions (any edit raises it: versions only
    /// grow) and the XOR of their ids (a row leaving or entering the tile changes it). Integer arithmetic only.
    /// </summary>
    string Version => Name == "reserves"
        ? "coalesce(bit_xor(hashtextextended(p.content, 0)), 0)::text" // a block's content names its parcels' versions
        : "sum(p.version)::text || ':' || bit_xor(p.id)::text";

    /// <summary>The number of rows and a summary of their versions.</summary>
    public string FingerprintSql => $"""
        WITH {Envelope}
        SELECT count(*) AS features, coalesce({Version}, '') AS versions
        {Rows}
        """;

    /// <summary>
    /// The MVT of the tile: geometry simplified by half a pixel (<c>@tolerance</c>, Web Mercator metres; a feature
    /// smaller than that keeps its simplest shape: only <see cref="TileSettings.MinPixelArea"/> leaves it out), at most
    /// <c>@limit</c> features, the largest first when there are more.
    /// </summary>
    public string TileSql(bool internalFields, bool limited)
    {
        var attributes = Name switch
        {
            "parcels" => """
                p.id, p.code, p.status, p.planned_use AS "plannedUse", p.park_code AS "parkCode",
                round((p.area_m2 * 0.0015)::numeric, 2)::float8 AS "areaMu"
                """ + (internalFields ? """, p.name, p.zone_code AS "zoneCode" """ : ""),
            "reserves" => """
                ('x' || substr(p.block_id, 2))::bit(60)::bigint AS id, p.block_id AS "blockId", p.zone_code AS "zoneCode",
                round((p.area_m2 * 0.0015)::numeric, 1)::float8 AS "areaMu", p.parcel_count AS "parcelCount",
                array_to_string(p.park_codes, ',') AS "parkCodes"
                """,
            _ => """p.id, p.code, p.name, p.zone_code AS "zoneCode" """,
        };
        var geometry = Name == "parks" ? "ST_Transform(p.boundary, 3857)" : "ST_Transform(p.geom, 3857)";
        // "+ 0": ordered by the area index, PostgreSQL would walk the whole table from the largest parcel down,
        // testing each against the tile; the tile's own rows, sorted, are always fewer.
        var order = Name == "parks" ? "ST_Area(p.boundary) DESC, p.id" : "p.area_m2 + 0 DESC, p.id";
        return $"""
            WITH {Envelope},
            rows AS (
                SELECT {attributes},
                       ST_AsMVTGeom(ST_Simplify({geometry}, @tolerance, true), env.tile, 4096, 64, true) AS geom
                {Rows}
                {(limited ? $"ORDER BY {order} LIMIT @limit" : "")})
            SELECT ST_AsMVT(rows, '{Name}', 4096, 'geom', 'id') FROM rows WHERE geom IS NOT NULL
            """;
    }

    public static readonly TileLayer Parcels = new("parcels", "Parcels (宗地) coloured by status", 10, 22,
        new Dictionary<string, string>
        {
            ["id"] = "Number", ["code"] = "String", ["status"] = "String", ["plannedUse"] = "String", ["parkCode"] = "String", ["areaMu"] = "Number",
        },
        new Dictionary<string, string> { ["name"] = "String", ["zoneCode"] = "String" });

    public static readonly TileLayer Reserves = new("reserves", "Contiguous clean-land blocks (集中连片净地)", 8, 22,
        new Dictionary<string, string>
        {
            ["blockId"] = "String", ["zoneCode"] = "String", ["areaMu"] = "Number", ["parcelCount"] = "Number", ["parkCodes"] = "String",
        },
        new Dictionary<string, string>());

    public static readonly TileLayer Parks = new("parks", "Park (园区) boundaries", 4, 22,
        new Dictionary<string, string> { ["id"] = "Number", ["code"] = "String", ["name"] = "String", ["zoneCode"] = "String" },
        new Dictionary<string, string>());

    public static IReadOnlyList<TileLayer> All { get; } = [Parcels, Reserves, Parks];

    public static TileLayer? Find(string name) => All.FirstOrDefault(l => l.Name == name);
}

/// <summary>A tile address, checked.</summary>
public readonly record struct TileAddress(int Z, int X, int Y)
{
    public const double EarthCircumference = 40075016.68557849;

    /// <summary>Half a pixel of a 256-pixel tile, in Web Mercator metres.</summary>
    public double Tolerance => EarthCircumference / (256 * Math.Pow(2, Z)) / 2;

    /// <summary>The latitude of the tile's centre, degrees.</summary>
    public double CentreLatitude
    {
        get
        {
            var n = Math.PI - 2 * Math.PI * (Y + 0.5) / Math.Pow(2, Z);
            return 180 / Math.PI * Math.Atan(Math.Sinh(n));
        }
    }

    /// <summary>The ground area of one pixel of a 256-pixel tile at the tile's centre, m².</summary>
    public double PixelAreaM2
    {
        get
        {
            var side = EarthCircumference * Math.Cos(CentreLatitude * Math.PI / 180) / (256 * Math.Pow(2, Z));
            return side * side;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Z}/{X}/{Y}");
}
