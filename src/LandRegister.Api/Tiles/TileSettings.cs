
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
