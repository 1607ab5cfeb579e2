using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Ogc;

/// <summary>OGC API – Features Part 2: parcels in CGCS2000 and in the zone's Gauss-Krüger projection, in EPSG's axis order.</summary>
public sealed class CrsTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    const string Epsg = "http://www.opengis.net/def/crs/EPSG/0/";

    /// <summary>The first position of a Polygon or MultiPolygon.</summary>
    static double[] FirstPoint(JsonNode feature)
    {
        var node = feature["geometry"]!["coordinates"]!.AsArray();
        while (node[0] is JsonArray inner) node = inner;
        return node.Select(v => (double)v!).ToArray();
    }

    [Fact]
    public async Task Parcels_are_served_and_filtered_in_cgcs2000_and_the_zones_gauss_krueger_projection()
    {
        var zone = await app.ZoneAsync(4549);
        var id = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.300, 33.800, 100, 100), zone)))["id"]!;

        var collection = await (await app.Client.GetAsync("/ogc/collections/parcels")).JsonAsync();
        var offered = collection["crs"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains($"{Epsg}4490", offered);
        Assert.Contains($"{Epsg}4549", offered);
        Assert.Equal("http://www.opengis.net/def/crs/OGC/1.3/CRS84", (string)collection["storageCrs"]!);

        var projected = await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&crs={Epsg}4549");
        Assert.Equal($"<{Epsg}4549>", projected.Headers.GetValues("Content-Crs").Single());
        var point = FirstPoint((await projected.JsonAsync())["features"]![0]!);
        var expected = await app.ScalarAsync<double[]>(
            "SELECT ARRAY[ST_Y(p), ST_X(p)] FROM (SELECT ST_Transform(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1), 4549) p FROM parcel WHERE id = @id) g",
            new { id });
        Assert.InRange(point[0], 3_000_000, 4_500_000); // northing first, as EPSG:4549 orders its axes
        Assert.Equal(expected[0], point[0], 2);
        Assert.Equal(expected[1], point[1], 2);

        var geographic = await (await app.Client.GetAsync($"/ogc/collections/parcels/items/{id}?crs={Epsg}4490")).JsonAsync();
        var latLon = FirstPoint(geographic);
        Assert.InRange(latLon[0], 33.79, 33.81); // latitude first
        Assert.InRange(latLon[1], 119.29, 119.31);

        // A bbox in the projection, northing first: around the parcel, and beside it.
        string Box(double north, double east, double size) => $"{north},{east},{north + size},{east + size}";
        var around = await (await app.Client.GetAsync(
            $"/ogc/collections/parcels/items?zone={zone}&bbox-crs={Epsg}4549&bbox={Box(expected[0] - 500, expected[1] - 500, 1000)}")).JsonAsync();
        Assert.Equal([id], around["features"]!.AsArray().Select(f => (long)f!["id"]!));
        var beside = await (await app.Client.GetAsync(
            $"/ogc/collections/parcels/items?zone={zone}&bbox-crs={Epsg}4549&bbox={Box(expected[0] + 5000, expected[1], 1000)}")).JsonAsync();
        Assert.Empty(beside["features"]!.AsArray());

        var refused = await ProblemAssert.IsProblemAsync(
            await app.Client.GetAsync($"/ogc/collections/parcels/items?crs={Epsg}3857"), HttpStatusCode.BadRequest, "crs");
        Assert.Contains($"{Epsg}4490", refused["allowed"]!.AsArray().Select(a => (string)a!));
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync($"/ogc/collections/parks/items/x?crs={Epsg}4490"), HttpStatusCode.BadRequest, "crs");
        var conformance = (await (await app.Client.GetAsync("/ogc/conformance")).JsonAsync())["conformsTo"]!.AsArray().Select(c => (string)c!);
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs", conformance);
    }
}
