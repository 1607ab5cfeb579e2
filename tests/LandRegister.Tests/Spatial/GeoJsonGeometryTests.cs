using System.Text.Json;
using LandRegister.Api.Spatial;
using LandRegister.Api.Infrastructure;
using NetTopologySuite.Geometries;

namespace LandRegister.Tests.Spatial;

public sealed class GeoJsonGeometryTests
{
    static (Geometry? Geometry, FieldErrors Errors) Read(string json, InputCrs? crs = null)
    {
        var errors = new FieldErrors();
        var geometry = GeoJsonGeometry.ReadPolygonal(JsonDocument.Parse(json).RootElement, "geometry", crs ?? InputCrs.Wgs84, errors);
        return (geometry, errors);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""", "POLYGON ((0 0, 1 0, 1 1, 0 0))")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]],[[1,0.5],[2,0.5],[2,1.5],[1,0.5]]]}""",
        "POLYGON ((0 0, 4 0, 4 4, 0 0), (1 0.5, 2 0.5, 2 1.5, 1 0.5))")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}""",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((2 2, 3 2, 3 3, 2 2)))")]
    public void A_polygon_is_read_as_the_same_geometry_with_the_srid_of_its_crs(string json, string wkt)
    {
        var (geometry, errors) = Read(json);
        Assert.False(errors.Any);
        Assert.Equal(4326, geometry!.SRID);
        Assert.True(new NetTopologySuite.IO.WKTReader().Read(wkt).EqualsExact(geometry), geometry.AsText());
    }

    [Fact]
    public void A_gauss_krueger_polygon_keeps_its_easting_northing_and_srid()
    {
        var (geometry, errors) = Read("""{"type":"Polygon","coordinates":[[[40500000,3700000],[40500100,3700000],[40500100,3700100],[40500000,3700000]]]}""",
            new InputCrs(4528));
        Assert.False(errors.Any, string.Join("; ", errors.All));
        Assert.Equal(4528, geometry!.SRID);
        Assert.Equal(5000, geometry.Area, 6);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}""", "Self-intersection at [1, 1]")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[5,5],[6,5],[6,6],[5,5]]]}""", "Hole lies outside shell")]
    public void An_invalid_polygon_is_described_with_the_reason_and_the_place(string json, string reason)
    {
        var (geometry, _) = Read(json);
        Assert.Contains(reason, GeometryValidity.Problem(geometry!, out _));
        Assert.Null(GeometryValidity.Problem(Read("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""").Geometry!, out _));
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}""", "geometry.coordinates[0]", "at least 4")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}""", "geometry.coordinates[0]", "not closed")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,"a"],[1,1],[0,0]]]}""", "geometry.coordinates[0][1]", "2 or 3 numbers")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}""", "geometry.coordinates[0][1]", "lon/lat")]
    [InlineData("""{"type":"Polygon"}""", "geometry.coordinates", "missing")]
    [InlineData("""{"type":"GeometryCollection","geometries":[]}""", "geometry.type", "GeometryCollection")]
    [InlineData("""{"type":"Polygon","crs":{"type":"name","properties":{"name":"EPSG:4549"}},"coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""", "geometry.crs", "EPSG:4549")]
    [InlineData("""{"type":"Polygon","crs":{"type":"link"},"coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""", "geometry.crs", "no CRS")]
    [InlineData("""[1,2]""", "geometry", "geometry object")]
    public void A_bad_geometry_is_named_by_its_path(string json, string field, string reason)
    {
        var (geometry, errors) = Read(json);
        Assert.Null(geometry);
        var (actualField, actualReason) = Assert.Single(errors.All);
        Assert.Equal(field, actualField);
        Assert.Contains(reason, actualReason);
    }
}
