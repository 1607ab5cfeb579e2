using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

/// <summary>Every bad input is refused with problem details naming the field, and writes nothing.</summary>
public sealed class ParcelBadInputTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static JsonObject Square() => Rectangle(119.30, 33.80, 100, 100);

    async Task<JsonObject> RefusedAsync(string body, HttpStatusCode status, string field, string path = "/api/parcels", string mediaType = "application/geo+json")
    {
        var before = await app.CountParcelsAsync();
        var response = await app.SendAsync(HttpMethod.Post, path, body, mediaType);
        var problem = await ProblemAssert.IsProblemAsync(response, status, field);
        Assert.Equal(before, await app.CountParcelsAsync());
        return problem;
    }

    [Fact]
    public async Task Malformed_json_is_a_400_naming_the_position()
    {
        var problem = await RefusedAsync("""{"type":"Feature","properties":{"code":"X1",""", HttpStatusCode.BadRequest, "body");
        Assert.Contains("line 1", ProblemAssert.Reason(problem, "body"));
    }

    [Fact]
    public async Task A_body_that_is_not_a_feature_is_a_422()
    {
        var zone = await app.ZoneAsync();
        var collection = new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(Feature(Square(), zone)) };
        await RefusedAsync(collection.ToJsonString(), HttpStatusCode.UnprocessableEntity, "type");
    }

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[119.3,33.8]}""", "Point")]
    [InlineData("""{"type":"LineString","coordinates":[[119.3,33.8],[119.31,33.81]]}""", "LineString")]
    public async Task A_geometry_other_than_a_polygon_is_a_422(string geometry, string type)
    {
        var zone = await app.ZoneAsync();
        var problem = await RefusedAsync(Feature(JsonNode.Parse(geometry)!, zone).ToJsonString(), HttpStatusCode.UnprocessableEntity, "geometry");
        Assert.Contains(type, ProblemAssert.Reason(problem, "geometry"));
    }

    [Fact]
    public async Task A_self_intersecting_polygon_is_a_422_with_the_reason_and_location()
    {
        var zone = await app.ZoneAsync();
        var bowtie = Polygon([119.30, 33.80], [119.31, 33.81], [119.31, 33.80], [119.30, 33.81], [119.30, 33.80]);
        var problem = await RefusedAsync(Feature(bowtie, zone).ToJsonString(), HttpStatusCode.UnprocessableEntity, "geometry");
        var reason = ProblemAssert.Reason(problem, "geometry");
        Assert.Contains("Self-intersection", reason);
        Assert.Contains("[119.305, 33.805]", reason);
        Assert.Equal(119.305, (double)problem["location"]![0]!, 6);
    }

    [Fact]
    public async Task An_unclosed_ring_is_a_422_naming_the_ring()
    {
        var zone = await app.ZoneAsync();
        var open = Polygon([119.30, 33.80], [119.31, 33.80], [119.31, 33.81], [119.30, 33.81]);
        await RefusedAsync(Feature(open, zone).ToJsonString(), HttpStatusCode.UnprocessableEntity, "geometry.coordinates[0]");
    }

    [Fact]
    public async Task Coordinates_outside_the_lon_lat_range_are_a_422_naming_the_position()
    {
        var zone = await app.ZoneAsync();
        // Gauss-Krüger metres sent without naming their CRS.
        var projected = Polygon([435000, 3741000], [435100, 3741000], [435100, 3741100], [435000, 3741000]);
        var problem = await RefusedAsync(Feature(projected, zone).ToJsonString(), HttpStatusCode.UnprocessableEntity, "geometry.coordinates[0][0]");
        Assert.Contains("lon/lat", ProblemAssert.Reason(problem, "geometry.coordinates[0][0]"));
    }

    [Fact]
    public async Task Gauss_Kruger_coordinates_in_the_wrong_axis_order_are_a_422()
    {
        var zone = await app.ZoneAsync();
        var swapped = Polygon([3741000, 435000], [3741100, 435000], [3741100, 435100], [3741000, 435000]);
        var problem = await RefusedAsync(Feature(swapped, zone).ToJsonString(), HttpStatusCode.UnprocessableEntity,
            "geometry.coordinates[0][0]", "/api/parcels?crs=EPSG:4549");
        Assert.Contains("easting", ProblemAssert.Reason(problem, "geometry.coordinates[0][0]"));
    }

    [Fact]
    public async Task An_unknown_status_is_a_400_listing_the_allowed_statuses()
    {
        var zone = await app.ZoneAsync();
        var problem = await RefusedAsync(Feature(Square(), zone, status: "vacant").ToJsonString(), HttpStatusCode.BadRequest, "properties.status");
        var allowed = problem["allowed"]!.AsArray().Select(a => (string)a!).ToArray();
        Assert.Contains("clean_land", allowed);
        Assert.Equal(9, allowed.Length);
    }

    [Fact]
    public async Task An_unknown_land_use_is_a_400_listing_the_allowed_codes()
    {
        var zone = await app.ZoneAsync();
        var problem = await RefusedAsync(Feature(Square(), zone, plannedUse: "9999").ToJsonString(), HttpStatusCode.BadRequest, "properties.plannedUse");
        Assert.Contains("100101", problem["allowed"]!.AsArray().Select(a => (string)a!));
    }

    [Theory]
    [InlineData("EPSG:3857")]
    [InlineData("EPSG:4555")]
    [InlineData("WGS 84")]
    public async Task An_unknown_crs_is_a_400_listing_the_accepted_ones(string crs)
    {
        var zone = await app.ZoneAsync();
        var problem = await RefusedAsync(Feature(Square(), zone).ToJsonString(), HttpStatusCode.BadRequest, "crs",
            $"/api/parcels?crs={Uri.EscapeDataString(crs)}");
        Assert.Contains("EPSG:4549", problem["allowed"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task A_duplicate_code_in_the_zone_is_a_409()
    {
        var zone = await app.ZoneAsync();
        await app.CreateParcelAsync(Feature(Square(), zone, code: "DUP-1"));
        await RefusedAsync(Feature(Rectangle(119.4, 33.9, 50, 50), zone, code: "DUP-1").ToJsonString(), HttpStatusCode.Conflict, "properties.code");
    }

    [Fact]
    public async Task The_same_code_in_another_zone_is_accepted()
    {
        var (a, b) = (await app.ZoneAsync(), await app.ZoneAsync());
        await app.CreateParcelAsync(Feature(Square(), a, code: "SAME-1"));
        await app.CreateParcelAsync(Feature(Square(), b, code: "SAME-1"));
    }

    [Fact]
    public async Task An_unknown_park_is_a_422()
    {
        var zone = await app.ZoneAsync();
        await RefusedAsync(Feature(Square(), zone, park: "NO-SUCH-PARK").ToJsonString(), HttpStatusCode.UnprocessableEntity, "properties.parkCode");
    }

    [Fact]
    public async Task A_park_of_another_zone_is_a_422()
    {
        var (a, b) = (await app.ZoneAsync(), await app.ZoneAsync());
        var park = await app.ParkAsync(a);
        await RefusedAsync(Feature(Square(), b, park: park).ToJsonString(), HttpStatusCode.UnprocessableEntity, "properties.parkCode");
    }

    [Fact]
    public async Task An_unknown_zone_is_a_422()
    {
        await RefusedAsync(Feature(Square(), "NOZONE").ToJsonString(), HttpStatusCode.UnprocessableEntity, "properties.zoneCode");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var zone = await app.ZoneAsync();
        var feature = Feature(Square(), zone);
        feature["properties"]!["name"] = new string('x', 3 * 1024 * 1024);
        var before = await app.CountParcelsAsync();
        // Expect: 100-continue, as careful clients send large bodies: the server refuses on the declared length
        // before the body is sent. Without it the server may answer and close while the client is still
        // writing, and the client sees a broken pipe instead of the 413.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/parcels")
        {
            Content = new StringContent(feature.ToJsonString(), System.Text.Encoding.UTF8, "application/geo+json"),
        };
        request.Headers.ExpectContinue = true;
        var response = await app.Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Equal(before, await app.CountParcelsAsync());
    }

    [Fact]
    public async Task An_unknown_property_is_a_400_naming_it()
    {
        var zone = await app.ZoneAsync();
        var feature = Feature(Square(), zone);
        feature["properties"]!["plannedUSE"] = "100101";
        await RefusedAsync(feature.ToJsonString(), HttpStatusCode.BadRequest, "properties.plannedUSE");
    }

    [Fact]
    public async Task Missing_code_and_geometry_are_reported_together()
    {
        var zone = await app.ZoneAsync();
        var body = new JsonObject { ["type"] = "Feature", ["properties"] = new JsonObject { ["zoneCode"] = zone } };
        var problem = await RefusedAsync(body.ToJsonString(), HttpStatusCode.UnprocessableEntity, "geometry");
        Assert.True(problem["errors"]!.AsObject().ContainsKey("properties.code"));
    }

    [Fact]
    public async Task Sql_in_a_code_is_stored_as_text()
    {
        var zone = await app.ZoneAsync();
        const string code = "X'); DROP TABLE parcel; --";
        var created = await app.CreateParcelAsync(Feature(Square(), zone, code: code));
        Assert.Equal(code, (string)created["properties"]!["code"]!);
        Assert.True(await app.CountParcelsAsync() >= 1);
    }

    [Theory]
    [InlineData("status=clean_land'%20OR%20'1'='1", "status")]
    [InlineData("plannedUse=1001%25", "plannedUse")]
    [InlineData("bbox=1,2,3", "bbox")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("minAreaMu=abc", "minAreaMu")]
    [InlineData("cursor=abc", "cursor")]
    public async Task Bad_list_parameters_are_refused_naming_the_parameter(string query, string field)
    {
        var response = await app.Client.GetAsync($"/api/parcels?{query}");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblemAsync(response, response.StatusCode, field);
    }
}
