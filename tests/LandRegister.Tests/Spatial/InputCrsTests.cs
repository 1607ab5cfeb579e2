using LandRegister.Api.Spatial;

namespace LandRegister.Tests.Spatial;

public sealed class InputCrsTests
{
    [Theory]
    [InlineData(null, 4326)]
    [InlineData("EPSG:4326", 4326)]
    [InlineData("EPSG:4490", 4490)]
    [InlineData("epsg:4549", 4549)]
    [InlineData("urn:ogc:def:crs:EPSG::4528", 4528)]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/4546", 4546)]
    [InlineData("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326)]
    [InlineData("urn:ogc:def:crs:OGC:1.3:CRS84", 4326)]
    public void Accepted_names_read_as_their_srid(string? text, int srid)
    {
        Assert.True(InputCrs.TryParse(text, out var crs));
        Assert.Equal(srid, crs.Srid);
    }

    [Theory]
    [InlineData("EPSG:3857")]
    [InlineData("EPSG:4512")]
    [InlineData("EPSG:4555")]
    [InlineData("ESRI:4549")]
    [InlineData("4549x")]
    public void Other_crss_are_refused(string text) => Assert.False(InputCrs.TryParse(text, out _));

    [Theory]
    [InlineData(4549, 120)] // Lianshui: CM 120°E without zone prefix
    [InlineData(4528, 120)] // the same zone (40) with the prefix
    [InlineData(4546, 111)] // Yongzhou
    [InlineData(4525, 111)]
    [InlineData(4513, 75)]
    [InlineData(4554, 135)]
    public void Gauss_Kruger_codes_know_their_central_meridian(int srid, int meridian) =>
        Assert.Equal(meridian, new InputCrs(srid).CentralMeridian);

    [Fact]
    public void Positions_are_checked_against_the_crs_area()
    {
        Assert.True(InputCrs.Wgs84.Contains(119.3, 33.8));
        Assert.False(InputCrs.Wgs84.Contains(435000, 3741000));
        Assert.True(new InputCrs(4549).Contains(435000, 3741000));
        Assert.False(new InputCrs(4549).Contains(3741000, 435000)); // northing, easting
        Assert.True(new InputCrs(4528).Contains(40_435_000, 3741000));
        Assert.False(new InputCrs(4528).Contains(435000, 3741000)); // zone number missing
    }
}
