namespace LandRegister.Api.Spatial;

/// <summary>
/// Land area units, and the one rounding rule per unit. 1 mu (亩) = 10000/15 m² exactly; 15 mu = 1 ha. Areas are kept in
/// m² as computed; what the register shows is m² to 2 decimals and mu to 4, halves away from zero. The database's
/// <c>mu()</c>, <c>round_m2()</c> and <c>round_mu()</c> (db/migrations/0001) apply the same rule in SQL; a test checks that
/// both agree.
/// </summary>
public static class Area
{
    public const double MuPerSquareMetre = 0.0015;

    public static double Mu(double squareMetres) => Math.Round(squareMetres * MuPerSquareMetre, 4, MidpointRounding.AwayFromZero);

    public static double SquareMetres(double mu) => mu / MuPerSquareMetre;

    /// <summary>Areas are reported to the centimetre-square; the survey's own precision is far coarser.</summary>
    public static double Rounded(double squareMetres) => Math.Round(squareMetres, 2, MidpointRounding.AwayFromZero);
}
