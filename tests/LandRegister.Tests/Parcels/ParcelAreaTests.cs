using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

/// <summary>
/// Areas are true ground areas: a parcel's areaM2 agrees within 0.05% with the same polygon's planar area in
/// its CGCS2000 Gauss-Krüger zone, whether it was sent in lon/lat or in Gauss-Krüger metres.
/// </summary>
public sealed class ParcelAreaTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    const double Tolerance = 0.0005;

    // Shapes in Gauss-Krüger metres, relative to an origin: (name, WKT, planar area in m²).
    public static TheoryData<string, string, double> Shapes() => new()
    {
        { "500-mu square", Square(Math.Sqrt(500 * 10000d / 15)), 500 * 10000d / 15 },
        { "long thin strip", "POLYGON((0 0,2000 0,2000 12,0 12,0 0))", 24_000 },
        { "L-shape", "POLYGON((0 0,600 0,600 200,200 200,200 700,0 700,0 0))", 600 * 200 + 200 * 500 },
        { "square with a courtyard", "POLYGON((0 0,400 0,400 400,0 400,0 0),(100 100,100 300,300 300,300 100,100 100))", 160_000 - 40_000 },
        { "two-part parcel", "MULTIPOLYGON(((0 0,300 0,300 300,0 300,0 0)),((400 0,500 0,500 100,400 100,400 0)))", 90_000 + 10_000 },
        { "triangle", "POLYGON((0 0,900 0,450 700,0 0))", 900 * 700 / 2d },
    };

    static string Square(double side) =>
        FormattableString.Invariant($"POLYGON((0 0,{side} 0,{side} {side},0 {side},0 0))");

    // Lianshui (33.8°N, EPSG:4549, CM 120°E) and Yongzhou (26.4°N, EPSG:4546, CM 111°E).
    public static TheoryData<string, string, double, int, double, double> Cases()
    {
        var cases = new TheoryData<string, string, double, int, double, double>();
        foreach (var row in Shapes())
        {
            var (name, wkt, area) = ((string)row[0], (string)row[1], (double)row[2]);
            cases.Add(name, wkt, area, 4549, 119.30, 33.80);
            cases.Add(name, wkt, area, 4546, 111.60, 26.40);
        }
        return cases;
    }

    /// <summary>The shape placed at (lon, lat) in the Gauss-Krüger zone, as GeoJSON in that zone and in WGS84.</summary>
    async Task<(JsonNode Projected, JsonNode Geographic)> PlaceAsync(string wkt, int srid, double lon, double lat)
    {
        await using var conn = await app.OpenAsync();
        var (projected, geographic) = await conn.QuerySingleAsync<(string, string)>("""
            WITH o AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), @srid) AS p),
                 g AS (SELECT ST_Translate(ST_SetSRID(ST_GeomFromText(@wkt), @srid), ST_X(p), ST_Y(p)) AS g FROM o)
            SELECT ST_AsGeoJSON(g, 4), ST_AsGeoJSON(ST_Transform(g, 4326), 9) FROM g
            """, new { wkt, srid, lon, lat });
        return (JsonNode.Parse(projected)!, JsonNode.Parse(geographic)!);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Area_sent_in_Gauss_Kruger_metres_is_the_planar_area_within_0_05_percent(
        string shape, string wkt, double planar, int srid, double lon, double lat)
    {
        var zone = await app.ZoneAsync(srid);
        var (projected, _) = await PlaceAsync(wkt, srid, lon, lat);
        var created = await app.CreateParcelAsync(Feature(projected, zone), $"?crs=EPSG:{srid}");
        var areaM2 = (double)created["properties"]!["areaM2"]!;
        Assert.True(Math.Abs(areaM2 / planar - 1) < Tolerance, $"{shape}: areaM2 {areaM2} against planar {planar}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Area_sent_in_lon_lat_is_the_planar_area_within_0_05_percent(
        string shape, string wkt, double planar, int srid, double lon, double lat)
    {
        var zone = await app.ZoneAsync(srid);
        var (_, geographic) = await PlaceAsync(wkt, srid, lon, lat);
        var created = await app.CreateParcelAsync(Feature(geographic, zone));
        var areaM2 = (double)created["properties"]!["areaM2"]!;
        Assert.True(Math.Abs(areaM2 / planar - 1) < Tolerance, $"{shape}: areaM2 {areaM2} against planar {planar}");
    }

    [Fact]
    public async Task Area_in_mu_is_square_metres_times_0_0015()
    {
        var zone = await app.ZoneAsync();
        var (_, geographic) = await PlaceAsync(Square(Math.Sqrt(500 * 10000d / 15)), 4549, 119.3, 33.8);
        var properties = (await app.CreateParcelAsync(Feature(geographic, zone)))["properties"]!;
        var (m2, mu) = ((double)properties["areaM2"]!, (double)properties["areaMu"]!);
        Assert.Equal(m2 * 0.0015, mu, 0.0001);
        Assert.Equal(500, mu, 0.25);
    }

    [Fact]
    public async Task The_stored_geometry_is_counter_clockwise_whatever_the_input_order()
    {
        var zone = await app.ZoneAsync();
        var clockwise = Polygon([119.30, 33.80], [119.30, 33.81], [119.31, 33.81], [119.31, 33.80], [119.30, 33.80]);
        var created = await app.CreateParcelAsync(Feature(clockwise, zone));
        var ring = created["geometry"]!["coordinates"]![0]![0]!.AsArray();
        double twiceArea = 0;
        for (var i = 0; i < ring.Count - 1; i++)
            twiceArea += (double)ring[i]![0]! * (double)ring[i + 1]![1]! - (double)ring[i + 1]![0]! * (double)ring[i]![1]!;
        Assert.True(twiceArea > 0, "exterior ring should be counter-clockwise (RFC 7946)");
        Assert.Equal("MultiPolygon", (string)created["geometry"]!["type"]!);
    }
}
