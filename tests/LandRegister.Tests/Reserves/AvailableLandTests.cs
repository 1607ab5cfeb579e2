using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Drawing;

namespace LandRegister.Tests.Reserves;

public sealed class AvailableLandTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    /// <summary>
    /// A zone for a 300-mu project: a block of two 180-mu parcels (neither fits alone), a 320-mu parcel, a 200-mu
    /// parcel (too small), a 400-mu parcel far away, and a 350-mu parcel of residential land.
    /// </summary>
    sealed record Site(string Zone, string Park, string[] Block, string Single, string Small, string Far, string Residential);

    async Task<Site> SiteAsync()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        var s180 = Side(180);
        var b1 = await app.CleanAsync(zone, Box(X0 + 2000, Y0, s180, s180), park: park);
        var b2 = await app.CleanAsync(zone, Box(X0 + 2000 + s180, Y0, s180, s180), park: park);
        var single = await app.CleanAsync(zone, Box(X0, Y0 + 1000, Side(320), Side(320)), plannedUse: "100102");
        var small = await app.CleanAsync(zone, Box(X0 - 1000, Y0, Side(200), Side(200)));
        var far = await app.CleanAsync(zone, Box(X0 + 30000, Y0 + 20000, Side(400), Side(400)), park: park);
        var residential = await app.CleanAsync(zone, Box(X0 - 3000, Y0, Side(350), Side(350)), plannedUse: "0701");
        return new Site(zone, park, [b1.Code, b2.Code], single.Code, small.Code, far.Code, residential.Code);
    }

    /// <summary>The spheroid distance PostGIS gives from the point to the union of the parcels, km.</summary>
    async Task<double> DistanceKmAsync(string[] codes, double lon, double lat)
    {
        await using var conn = await app.OpenAsync();
        return await conn.ExecuteScalarAsync<double>("""
            SELECT ST_Distance(ST_Union(geom)::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography) / 1000
            FROM parcel WHERE code = ANY(@codes) AND retired_at IS NULL
            """, new { codes, lon, lat });
    }

    static string Url(string zone, string query) => $"/api/available-land?zone={zone}&{query}";

    [Fact]
    public async Task A_300_mu_request_near_a_point_returns_blocks_and_parcels_nearest_first_with_their_distances_and_areas()
    {
        var site = await SiteAsync();
        // A point 500 m west of the zone's origin, in WGS84.
        double lon, lat;
        await using (var conn = await app.OpenAsync())
            (lon, lat) = await conn.QuerySingleAsync<(double, double)>(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(ST_SetSRID(ST_MakePoint(@x, @y), 4549), 4326) AS p) q", new { x = X0 - 500, y = Y0 + 200 });
        var near = string.Create(CultureInfo.InvariantCulture, $"{lon},{lat}");
        var results = await app.Client.FeaturesAsync(Url(site.Zone, $"minAreaMu=300&near={near}"));

        var codes = results.Select(r => Codes(r!)).ToList();
        Assert.Equal(3, results.Count);
        Assert.Contains(codes, c => c.SequenceEqual(site.Block.Order()));
        Assert.Contains(codes, c => c.SequenceEqual([site.Single]));
        Assert.Contains(codes, c => c.SequenceEqual([site.Far]));
        Assert.DoesNotContain(codes, c => c.Contains(site.Small) || c.Contains(site.Residential));

        var distances = results.Select(r => (double)r!["properties"]!["distanceKm"]!).ToList();
        Assert.Equal(distances.Order(), distances);
        foreach (var result in results)
        {
            var p = result!["properties"]!;
            Assert.Equal(await DistanceKmAsync(Codes(result), lon, lat), (double)p["distanceKm"]!, 3);
            var mu = await app.ScalarAsync<double>("SELECT sum(area_m2) * 0.0015 FROM parcel WHERE code = ANY(@codes)", new { codes = Codes(result) });
            Assert.Equal(mu, (double)p["areaMu"]!, 2);
            Assert.Equal(Codes(result).Length > 1 ? "block" : "parcel", (string)p["kind"]!);
        }
        var block = results.Single(r => (string)r!["properties"]!["kind"]! == "block")!;
        Assert.Equal(360, (double)block["properties"]!["areaMu"]!, 0);
        Assert.Equal([site.Park], block["properties"]!["parkCodes"]!.AsArray().Select(p => (string)p!));

        var within = await app.Client.FeaturesAsync(Url(site.Zone, $"minAreaMu=300&near={near}&radiusKm=10"));
        Assert.Equal(2, within.Count);
        // numberMatched counts every match, whatever the page holds.
        var page = await (await app.Client.GetAsync(Url(site.Zone, $"minAreaMu=300&near={near}&limit=1"))).JsonAsync();
        Assert.Equal(1, (int)page["numberReturned"]!);
        Assert.Equal(3, (int)page["numberMatched"]!);
        Assert.DoesNotContain(within, r => Codes(r!).Contains(site.Far));
    }

    [Fact]
    public async Task Without_a_point_the_smallest_land_that_fits_comes_first_and_filters_narrow_it()
    {
        var site = await SiteAsync();
        var results = await app.Client.FeaturesAsync(Url(site.Zone, "minAreaMu=300"));
        var areas = results.Select(r => (double)r!["properties"]!["areaMu"]!).ToList();
        Assert.Equal(areas.Order(), areas);
        Assert.All(results, r => Assert.Null(r!["properties"]!["distanceKm"]));
        Assert.Equal([site.Single], Codes(results[0]!));

        var capped = await app.Client.FeaturesAsync(Url(site.Zone, "minAreaMu=300&maxAreaMu=380"));
        Assert.Equal(2, capped.Count);
        var inPark = await app.Client.FeaturesAsync(Url(site.Zone, $"minAreaMu=300&park={site.Park}"));
        Assert.Equal(2, inPark.Count);
        Assert.All(inPark, r => Assert.Contains(site.Park, r!["properties"]!["parkCodes"]!.AsArray().Select(p => (string)p!)));
        var class2 = await app.Client.FeaturesAsync(Url(site.Zone, "minAreaMu=300&landUse=100102"));
        Assert.Equal([site.Single], Codes(Assert.Single(class2)!));
        var residential = await app.Client.FeaturesAsync(Url(site.Zone, "minAreaMu=100&landUse=07"));
        Assert.Equal([site.Residential], Codes(Assert.Single(residential)!));
        Assert.Single(await app.Client.FeaturesAsync(Url(site.Zone, "minAreaMu=100&limit=1")));
    }

    [Fact]
    public async Task Supplied_land_is_no_longer_available()
    {
        var site = await SiteAsync();
        var id = await app.ScalarAsync<long>("SELECT id FROM parcel WHERE code = @code", new { code = site.Single });
        await app.WalkAsync(id, Support.Lifecycle.ToSupplied());
        var results = await app.Client.FeaturesAsync(Url(site.Zone, "minAreaMu=300"));
        Assert.DoesNotContain(results, r => Codes(r!).Contains(site.Single));
        Assert.Equal(2, results.Count);
    }

    [Theory]
    [InlineData("near=119.3", "near")]
    [InlineData("near=200,33", "near")]
    [InlineData("near=abc,def", "near")]
    [InlineData("radiusKm=5", "radiusKm")]
    [InlineData("near=119.3,33.8&radiusKm=0", "radiusKm")]
    [InlineData("minAreaMu=-1", "minAreaMu")]
    [InlineData("minAreaMu=500&maxAreaMu=300", "maxAreaMu")]
    [InlineData("limit=0", "limit")]
    [InlineData("landUse=1001';DROP TABLE parcel;--", "landUse")]
    [InlineData("includePremises=maybe", "includePremises")]
    [InlineData("minFloorAreaM2=-3", "minFloorAreaM2")]
    public async Task Bad_searches_are_refused_naming_the_parameter(string query, string field)
    {
        var response = await app.Client.GetAsync("/api/available-land?" + query);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, query);
        await ProblemAssert.IsProblemAsync(response, response.StatusCode, field);
        Assert.True(await app.ScalarAsync<bool>("SELECT to_regclass('parcel') IS NOT NULL"));
    }

    /// <summary>Words of enterprise, contract and supply fields, none of which a block or parcel result may carry.</summary>
    static readonly string[] Confidential = ["enterprise", "credit", "recipient", "supply", "contract", "price", "tax", "sales", "owner", "tenan", "createdBy", "updatedBy"];

    [Theory]
    [InlineData("viewer")]
    [InlineData("promoter")]
    public async Task Viewer_and_promoter_keys_see_blocks_and_available_land_without_any_enterprise_or_contract_field(string role)
    {
        var site = await SiteAsync();
        var ids = await app.ScalarAsync<long[]>("SELECT array_agg(id) FROM parcel WHERE code = ANY(@codes)", new { codes = site.Block });
        var client = await app.ClientForAsync(role, site.Zone);
        foreach (var url in new[] { "/api/reserves?minAreaMu=300", "/api/available-land?minAreaMu=300" })
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            var features = JsonNode.Parse(body)!["features"]!.AsArray();
            Assert.NotEmpty(features);
            foreach (var key in features.SelectMany(f => f!["properties"]!.AsObject().Select(p => p.Key)))
                Assert.DoesNotContain(Confidential, word => key.Contains(word, StringComparison.OrdinalIgnoreCase));
        }
        // Every contiguous block of 300 mu or more, of one parcel or several; the two 180-mu parcels form one.
        var blocks = await client.FeaturesAsync("/api/reserves?minAreaMu=300");
        Assert.Equal(3, blocks.Count);
        Assert.Contains(blocks, b => b!["properties"]!["parcelIds"]!.AsArray().Select(i => (long)i!).Order().SequenceEqual(ids.Order()));
    }
}
