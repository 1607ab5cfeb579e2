namespace LandRegister.Api.Spatial;

/// <summary>Land area units. 1 mu (亩) = 10000/15 m² exactly, so 1 m² = 0.0015 mu; 15 mu = 1 ha.</summary>
public static class Area
{
    public const double MuPerSquareMetre = 0.0015;

    public static double Mu(double squareMetres) => Math.Round(squareMetres * MuPerSquareMetre, 4);

    public static double SquareMetres(double mu) => mu / MuPerSquareMetre;

    /// <summary>Areas are reported to the centimetre-square; the survey's own precision is far coarser.</summary>
    public static double Rounded(double squareMetres) => Math.Round(squareMetres, 2);
}
