using LandRegister.Api.Access;
using LandRegister.Api.Parcels;
using LandRegister.Api.Reserves;
using LandRegister.Api.Spatial;

namespace LandRegister.Api.Tiles;

/// <summary>Parcels (宗地), coloured by status on the map.</summary>
sealed class ParcelTiles : TileLayer
{
    public override string Name => "parcels";
    public override string Description => "Parcels (宗地) coloured by status";
    public override int MinZoom => 10;
    public override string Table => "parcel";

    public override IReadOnlyDictionary<string, string> Fields { get; } = new Dictionary<string, string>
    {
        ["id"] = "Number", ["code"] = "String", ["status"] = "String", ["plannedUse"] = "String", ["parkCode"] = "String", ["areaMu"] = "Number",
    };

    public override IReadOnlyDictionary<string, string> InternalFields { get; } = new Dictionary<string, string> { ["name"] = "String", ["zoneCode"] = "String" };

    protected override string Rows => $"""
        FROM parcel p, env
        WHERE p.geom && env.box AND p.retired_at IS NULL AND {Caller.InScope("p.zone_code")} AND p.area_m2 >= @minArea
        """;

    /// <summary>The parcel's Web Mercator geometry kept in the table (migrations 0021, 0022); the history's reprojected.</summary>
    protected override string Geometry(bool past) => past ? base.Geometry(past) : "p.geom_3857";

    /// <summary>The parcels as they stood at <c>@asOf</c>: those whose geometry, in some version, touches the tile.</summary>
    public override string AsOfRelation => ParcelSql.AsOf(
        $"{Caller.InScope("h.zone_code")} AND h.parcel_id IN (SELECT g.parcel_id FROM parcel_history g, env WHERE g.geom IS NOT NULL AND g.geom && env.box)");

    protected override string Attributes(bool internalFields) =>
        """p.id, p.code, p.status, p.planned_use AS "plannedUse", p.park_code AS "parkCode", round_mu(p.area_m2)::float8 AS "areaMu" """
        + (internalFields ? """, p.name, p.zone_code AS "zoneCode" """ : "");
}

/// <summary>Contiguous clean-land blocks, and single clean parcels large enough for the target.</summary>
sealed class ReserveTiles : TileLayer
{
    public override string Name => "reserves";
    public override string Description => "Contiguous clean-land blocks (集中连片净地)";
    public override int MinZoom => 8;

    public override IReadOnlyDictionary<string, string> Fields { get; } = new Dictionary<string, string>
    {
        ["blockId"] = "String", ["zoneCode"] = "String", ["areaMu"] = "Number", ["parcelCount"] = "Number", ["parkCodes"] = "String",
    };

    protected override string Rows => """
        FROM reserve_block p, env
        WHERE p.geom && env.box AND p.zone_code = ANY(@zones) AND p.land_uses = @uses AND p.gap_m = @gap
          AND (p.parcel_count > 1 OR p.area_m2 >= @targetArea) AND p.area_m2 >= @minArea
        """;

    /// <summary>A block's content names its parcels and their versions.</summary>
    protected override string PrintColumns => "p.content AS print_content";

    protected override string Versions => "coalesce(bit_xor(hashtextextended(print_content, 0)), 0)::text";

    protected override string Attributes(bool internalFields) => """
        ('x' || substr(p.block_id, 2))::bit(60)::bigint AS id, p.block_id AS "blockId", p.zone_code AS "zoneCode",
        round_mu(p.area_m2)::float8 AS "areaMu", p.parcel_count AS "parcelCount", array_to_string(p.park_codes, ',') AS "parkCodes"
        """;

    /// <summary>The caller's blocks of the configured rule, made current.</summary>
    public override async Task PrepareAsync(DynamicParameters args, TileRequest request)
    {
        var rule = await ReserveRule.FromAsync(null, null, request.Reserves, request.Uses);
        var current = await ReserveBlocks.ForCallerAsync(request.Db, request.Caller, rule);
        args.AddDynamicParams(current.Args);
        args.Add("targetArea", Area.SquareMetres(request.Reserves.TargetAreaMu));
    }
}

/// <summary>Park (园区) boundaries.</summary>
sealed class ParkTiles : TileLayer
{
    public override string Name => "parks";
    public override string Description => "Park (园区) boundaries";
    public override int MinZoom => 4;
    public override string Table => "park";

    public override IReadOnlyDictionary<string, string> Fields { get; } = new Dictionary<string, string>
    {
        ["id"] = "Number", ["code"] = "String", ["name"] = "String", ["zoneCode"] = "String",
    };

    protected override string Rows => $"""
        FROM park p, env
        WHERE p.boundary && env.box AND {Caller.InScope("p.zone_code")}
        """;

    protected override string Attributes(bool internalFields) => """p.id, p.code, p.name, p.zone_code AS "zoneCode" """;

    protected override string Geometry(bool past) => "ST_Transform(p.boundary, 3857)";

    protected override string Order => "ST_Area(p.boundary) DESC, p.id";

    public override Task<double[]> BoundsAsync(TileRequest request) => Extents.ParksAsync(request.Caller, request.Db);
}
