using System.Globalization;

namespace LandRegister.Api.Spatial;

/// <summary>
/// A CRS a client may send coordinates in: WGS84 (EPSG:4326, the GeoJSON default), CGCS2000 geographic
/// (EPSG:4490), or a CGCS2000 3-degree Gauss-Krüger zone (EPSG:4513-4533 with the zone number in the
/// false easting, EPSG:4534-4554 without). Coordinates are always read x first: lon, lat or easting, northing.
/// </summary>
public readonly record struct InputCrs(int Srid)
{
    public static readonly InputCrs Wgs84 = new(4326);

    public static IReadOnlyList<string> Allowed { get; } =
        new[] { 4326, 4490 }.Concat(Enumerable.Range(4513, 42)).Select(s => $"EPSG:{s}").ToArray();

    public bool IsGeographic => Srid is 4326 or 4490;

    public bool HasZonePrefix => Srid is >= 4513 and <= 4533;

    /// <summary>Central meridian of a Gauss-Krüger zone, in degrees east.</summary>
    public int CentralMeridian => HasZonePrefix ? 3 * (Srid - 4513 + 25) : 75 + 3 * (Srid - 4534);

    public string Name => $"EPSG:{Srid}";

    /// <summary>Reads "EPSG:4549", "urn:ogc:def:crs:EPSG::4549", "http://www.opengis.net/def/crs/EPSG/0/4549" or CRS84.</summary>
    public static bool TryParse(string? text, out InputCrs crs)
    {
        crs = Wgs84;
        if (string.IsNullOrWhiteSpace(text)) return true;
        var t = text.Trim();
        if (t.EndsWith("CRS84", StringComparison.OrdinalIgnoreCase)) return true;
        var i = t.LastIndexOfAny([':', '/']);
        var code = t[(i + 1)..];
        var authority = t[..Math.Max(i, 0)];
        if (i >= 0 && !authority.Contains("EPSG", StringComparison.OrdinalIgnoreCase)) return false;
        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var srid)) return false;
        crs = new InputCrs(srid);
        return srid is 4326 or 4490 or (>= 4513 and <= 4554);
    }

    /// <summary>Whether a position can lie in this CRS's area: lon/lat ranges, or a Gauss-Krüger zone's easting and northing.</summary>
    public bool Contains(double x, double y)
    {
        if (IsGeographic) return x is >= -180 and <= 180 && y is >= -90 and <= 90;
        var offset = HasZonePrefix ? (Srid - 4513 + 25) * 1_000_000d : 0;
        return x >= offset && x <= offset + 1_000_000 && y is >= 0 and <= 10_000_000;
    }

    public string RangeText => IsGeographic
        ? "outside the lon/lat range (-180..180, -90..90); GeoJSON positions are [lon, lat] in WGS84, and projected coordinates need crs=EPSG:45xx"
        : $"outside {Name} (CGCS2000 Gauss-Krüger, central meridian {CentralMeridian}°E): positions are [easting, northing], easting {(HasZonePrefix ? $"{(Srid - 4513 + 25)}000000..{(Srid - 4513 + 26)}000000" : "0..1000000")}, northing 0..10000000";
}
