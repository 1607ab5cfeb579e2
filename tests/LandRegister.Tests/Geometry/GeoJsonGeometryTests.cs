using System.Buffers.Binary;
using System.Text.Json;
using LandRegister.Api.Geometry;
using LandRegister.Api.Infrastructure;

namespace LandRegister.Tests.Geometry;

public sealed class GeoJsonGeometryTests
{
    static (byte[]? Ewkb, FieldErrors Errors) Read(string json, InputCrs? crs = null)
    {
        var errors = new FieldErrors();
        var ewkb = GeoJsonGeometry.ReadPolygonal(JsonDocument.Parse(json).RootElement, "geometry", crs ?? InputCrs.Wgs84, errors);
        return (ewkb, errors);
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}""", 3)]
    [InlineData("""{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}""", 6)]
    public void A_polygon_becomes_little_endian_ewkb_with_its_srid(string json, uint type)
    {
        var (ewkb, errors) = Read(json);
        Assert.False(errors.Any);
        Assert.Equal(1, ewkb![0]);
        Assert.Equal(type | 0x20000000, BinaryPrimitives.ReadUInt32LittleEndian(ewkb.AsSpan(1)));
        Assert.Equal(4326u, BinaryPrimitives.ReadUInt32LittleEndian(ewkb.AsSpan(5)));
    }

    [Theory]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}""", "geometry.coordinates[0]", "at least 4")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}""", "geometry.coordinates[0]", "not closed")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,"a"],[1,1],[0,0]]]}""", "geometry.coordinates[0][1]", "2 or 3 numbers")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}""", "geometry.coordinates[0][1]", "lon/lat")]
    [InlineData("""{"type":"Polygon"}""", "geometry.coordinates", "missing")]
    [InlineData("""{"type":"GeometryCollection","geometries":[]}""", "geometry", "GeometryCollection")]
    [InlineData("""[1,2]""", "geometry", "geometry object")]
    public void A_bad_geometry_is_named_by_its_path(string json, string field, string reason)
    {
        var (ewkb, errors) = Read(json);
        Assert.Null(ewkb);
        var (actualField, actualReason) = Assert.Single(errors.All);
        Assert.Equal(field, actualField);
        Assert.Contains(reason, actualReason);
    }

    [Fact]
    public void Area_units_follow_the_mu()
    {
        Assert.Equal(1, Area.Mu(10000d / 15), 10);
        Assert.Equal(15, Area.Mu(10_000), 10);
        Assert.Equal(666.6667, Area.SquareMetres(1), 3);
    }
}
