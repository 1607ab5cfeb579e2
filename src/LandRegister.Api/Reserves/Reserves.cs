using LandRegister.Api.Spatial;
using Mapster;

namespace LandRegister.Api.Reserves;

/// <summary>Where reserve blocks come from, configured under <c>Reserves</c>.</summary>
public sealed class ReserveSettings
{
    /// <summary>Planned uses that count as reserve land: the codes and their sub-codes (default industrial, 1001).</summary>
    public string[] LandUses { get; set; } = ["1001"];

    /// <summary>Parcels this close (metres) belong to one block, e.g. 30 to bridge a road (default 0: touching).</summary>
    public double GapM { get; set; }

    /// <summary>The default target of a zone and year without one: at least this many blocks…</summary>
    public int TargetBlocks { get; set; } = 1;

    /// <summary>…of at least this many mu.</summary>
    public double TargetAreaMu { get; set; } = 500;

    /// <summary>The settings under <c>Reserves</c>; a value out of range stops the start with the key named.</summary>
    public static ReserveSettings From(IConfiguration config)
    {
        var settings = config.GetSection("Reserves").Get<ReserveSettings>() ?? new ReserveSettings();
        if (settings.LandUses.Length == 0) throw new InvalidOperationException("Reserves:LandUses names no land-use code.");
        if (settings.GapM is < 0 or > 1000) throw new InvalidOperationException("Reserves:GapM must be between 0 and 1000 metres.");
        if (settings.TargetBlocks is < 0 or > 1000) throw new InvalidOperationException("Reserves:TargetBlocks must be between 0 and 1000.");
        if (settings.TargetAreaMu is <= 0 or > 100_000) throw new InvalidOperationException("Reserves:TargetAreaMu must be above 0 and at most 100000 mu.");
        return settings;
    }
}

/// <summary>A contiguous block of clean land as a GeoJSON Feature: its merged geometry and its parcels.</summary>
public sealed record ReserveBlockFeature(string Id, GeoJsonText Geometry, ReserveBlockProperties Properties) : GeoJsonFeature;

/// <param name="AreaMu">The sum of its parcels' areas, in mu.</param>
/// <param name="GapM">The gap (metres) across which its parcels were joined.</param>
public sealed record ReserveBlockProperties(
    string BlockId, string ZoneCode, double AreaMu, double AreaM2, int ParcelCount, long[] ParcelIds, string[] ParcelCodes,
    string[] ParkCodes, string[] LandUses, double GapM);

sealed class ReserveBlockRow
{
    public const string Columns = "zone_code, block_id, area_m2, parcel_ids, parcel_codes, park_codes, land_use_codes, gap_m, ST_AsGeoJSON(geom, 8) AS geometry";

    public string ZoneCode { get; init; } = "";
    public string BlockId { get; init; } = "";
    public double AreaM2 { get; init; }
    public long[] ParcelIds { get; init; } = [];
    public string[] ParcelCodes { get; init; } = [];
    public string[] ParkCodes { get; init; } = [];
    public string[] LandUseCodes { get; init; } = [];
    public decimal GapM { get; init; }
    public string Geometry { get; init; } = "";

    public ReserveBlockFeature ToFeature() => new(BlockId, new GeoJsonText(Geometry), this.Adapt<ReserveBlockProperties>());
}

sealed class ReserveMapping : IRegister
{
    public void Register(TypeAdapterConfig config) =>
        config.NewConfig<ReserveBlockRow, ReserveBlockProperties>()
            .Map(d => d.AreaMu, s => Area.Mu(s.AreaM2))
            .Map(d => d.AreaM2, s => Area.Rounded(s.AreaM2))
            .Map(d => d.ParcelCount, s => s.ParcelIds.Length)
            .Map(d => d.LandUses, s => s.LandUseCodes)
            .Map(d => d.GapM, s => (double)s.GapM);
}

/// <summary>A zone's reserve target for a year.</summary>
/// <param name="MinBlocks">At least this many contiguous blocks…</param>
/// <param name="MinAreaMu">…each of at least this many mu of clean land of the reserve uses.</param>
public sealed record ReserveTarget(int MinBlocks, double MinAreaMu);

/// <summary>A block as counted for the target.</summary>
public sealed record TargetBlock(string BlockId, double AreaMu, string[] ParcelCodes, string[] ParkCodes);

/// <summary>
/// Whether a zone meets its target: for the current state, or from the land as it stood at the end of a past year
/// (valid time), as the register knows it now or as it had recorded it by <c>recordedAsOf</c>.
/// </summary>
/// <param name="AsOf">The valid time the blocks were read at; null for now.</param>
/// <param name="Blocks">The blocks that meet the target's size, largest first.</param>
public sealed record ReserveTargetStatus(string ZoneCode, int Year, DateTimeOffset? AsOf, ReserveTarget Target, bool IsDefault,
    IReadOnlyList<TargetBlock> Blocks, bool Met)
{
    /// <summary>The record time the answer was read at, when asked for.</summary>
    public DateTimeOffset? RecordedAsOf { get; init; }

    /// <summary>For an answer from the history: how many live parcels of the zone it read.</summary>
    public long? ParcelsKnown { get; init; }

    /// <summary>Why the answer is empty, when nothing was known.</summary>
    public string? Note { get; init; }
}

public sealed record ReserveTargetInput(int? MinBlocks, double? MinAreaMu)
{
    public ReserveTarget Validate()
    {
        var errors = new FieldErrors();
        if (MinBlocks is not (>= 0 and <= 1000)) errors.Add("minBlocks", "required: 0-1000 blocks");
        if (MinAreaMu is not (> 0 and <= 100_000)) errors.Add("minAreaMu", "required: above 0, at most 100000 mu");
        errors.ThrowIfAny();
        return new ReserveTarget(MinBlocks!.Value, MinAreaMu!.Value);
    }
}
