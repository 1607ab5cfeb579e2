using Dapper;
using LandRegister.Api.Spatial;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Spatial;

/// <summary>One rule per unit: 1 mu = 10000/15 m²; m² shown to 2 decimals, mu to 4, halves away from zero, in C# and in SQL alike.</summary>
public sealed class AreaTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public void Area_units_follow_the_mu()
    {
        Assert.Equal(1, Area.Mu(10000d / 15), 10);
        Assert.Equal(15, Area.Mu(10_000), 10);
        Assert.Equal(666.6667, Area.SquareMetres(1), 3);
    }

    [Theory]
    [InlineData(0.125)]
    [InlineData(1234.565)]
    [InlineData(666.6666666)]
    [InlineData(333.33)]
    [InlineData(55337.5)]
    [InlineData(1e7 / 3)]
    public async Task The_database_rounds_areas_as_the_api_does(double squareMetres)
    {
        await using var conn = await app.OpenAsync();
        var (mu, roundMu, roundM2) = await conn.QuerySingleAsync<(double, double, double)>(
            "SELECT mu(@squareMetres), round_mu(@squareMetres)::float8, round_m2(@squareMetres)::float8", new { squareMetres });
        Assert.Equal(squareMetres * Area.MuPerSquareMetre, mu, 12);
        Assert.Equal(Area.Mu(squareMetres), roundMu);
        Assert.Equal(Area.Rounded(squareMetres), roundM2);
    }
}
