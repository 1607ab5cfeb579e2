using System.Globalization;

namespace LandRegister.Api.Tiles;

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

    /// <summary>
    /// The tile's extent in degrees [west, south, east, north], widened by <paramref name="margin"/> (a fraction of the
    /// tile's side) on every side.
    /// </summary>
    public double[] Bounds(double margin)
    {
        var n = Math.Pow(2, Z);
        static double Latitude(double row, double n) => 180 / Math.PI * Math.Atan(Math.Sinh(Math.PI - 2 * Math.PI * row / n));
        return [(X - margin) / n * 360 - 180, Latitude(Y + 1 + margin, n), (X + 1 + margin) / n * 360 - 180, Latitude(Y - margin, n)];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Z}/{X}/{Y}");
}
