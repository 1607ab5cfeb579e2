using System.Globalization;

namespace LandRegister.Api.Spatial;

/// <summary>A <c>bbox</c> filter: minLon,minLat,maxLon,maxLat in WGS84, read and checked the same way everywhere.</summary>
public static class BoundingBox
{
    const string Shape = "must be four numbers: minLon,minLat,maxLon,maxLat";

    /// <summary>Reads <c>minLon,minLat,maxLon,maxLat</c>: four numbers, or null and an error. <see cref="Check"/> says whether they make a box.</summary>
    public static double[]? Parse(string text, FieldErrors errors, string field = "bbox")
    {
        var parts = text.Split(',');
        var box = parts.Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
        if (parts.Length != 4 || box.Any(double.IsNaN))
        {
            errors.AddUnreadable(field, Shape);
            return null;
        }
        return box;
    }

    /// <summary>Whether four numbers make a box in the lon/lat range; adds the reason when they do not.</summary>
    public static bool Check(double[] b, FieldErrors errors, string field = "bbox")
    {
        if (b.Length != 4) errors.AddUnreadable(field, Shape);
        else if (b[0] > b[2] || b[1] > b[3]) errors.Add(field, "min must not exceed max (boxes across the antimeridian are not supported)");
        else if (!InputCrs.Wgs84.Contains(b[0], b[1]) || !InputCrs.Wgs84.Contains(b[2], b[3])) errors.Add(field, "outside the lon/lat range");
        else return true;
        return false;
    }
}
