using System.Globalization;
using System.Net;
using Dapper;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Ogc;

/// <summary>OGC API – Features as GDAL reads it, and the parts of the standard GDAL does not exercise.</summary>
public sealed class OgcTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    string Service => $"OAPIF:{new Uri(app.BaseAddress, "/ogc")}";

    /// <summary>A zone of <paramref name="count"/> parcels on a grid south-west of (lon, lat), of varied status and use.</summary>
    async Task<(string Zone, List<long> Ids)> GridAsync(double lon, double lat, int count)
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        var ids = new List<long>();
        string[] statuses = ["clean_land", "raw_land", "clean_land", "in_use"];
        for (var i = 0; i < count; i++)
        {
            var feature = Feature(Rectangle(lon + i % 5 * 0.003, lat + i / 5 * 0.003, 150 + i, 200), zone,
                status: statuses[i % statuses.Length], plannedUse: i % 3 == 0 ? "0804" : "100101", park: i % 2 == 0 ? park : null);
            ids.Add((long)(await app.CreateParcelAsync(feature))["id"]!);
        }
        return (zone, ids);
    }

    [Fact]
    public async Task Ogrinfo_lists_the_three_collections()
    {
        var listing = await Ogr.InfoAsync(RegisterApp.AdminKey, "-ro", Service);
        Assert.Contains("1: parcels", listing);
        Assert.Contains("2: parks", listing);
        Assert.Contains("3: reserves", listing);
    }

    [Fact]
    public async Task Ogrinfo_reads_every_parcel_page_by_page_with_its_attributes()
    {
        await GridAsync(117.10, 30.10, 23);
        var features = Ogr.Features(await Ogr.InfoAsync(RegisterApp.AdminKey, "-ro", "-q", "-oo", "PAGE_SIZE=4", Service, "parcels"));

        await using var conn = await app.OpenAsync();
        var register = (await conn.QueryAsync<(long Id, string Code, string Status, string? PlannedUse, double AreaM2)>(
            "SELECT id, code, status, planned_use, area_m2 FROM parcel WHERE retired_at IS NULL")).ToDictionary(r => r.Id);
        Assert.Equal(register.Count, features.Count);
        Assert.Equal(register.Keys.Order(), features.Select(f => f.Fid).Order());
        foreach (var feature in features)
        {
            var row = register[feature.Fid];
            Assert.Equal(row.Code, feature.Fields["code"]);
            Assert.Equal(row.Status, feature.Fields["status"]);
            Assert.Equal(row.PlannedUse, feature.Fields["plannedUse"]);
            Assert.Equal(row.AreaM2 * 0.0015, double.Parse(feature.Fields["areaMu"], CultureInfo.InvariantCulture), 3);
            Assert.StartsWith("MULTIPOLYGON", feature.Wkt);
        }
    }

    [Fact]
    public async Task Ogrinfo_with_spat_reads_exactly_the_parcels_in_the_box()
    {
        await GridAsync(117.20, 30.20, 20);
        double[] box = [117.2035, 30.2025, 117.2095, 30.2065];
        string[] arguments = ["-ro", "-q", "-oo", "PAGE_SIZE=3", "-spat", .. box.Select(v => v.ToString(CultureInfo.InvariantCulture)), Service, "parcels"];
        var features = Ogr.Features(await Ogr.InfoAsync(RegisterApp.AdminKey, arguments));

        var expected = await (await app.OpenAsync()).QueryAsync<long>(
            "SELECT id FROM parcel WHERE retired_at IS NULL AND ST_Intersects(geom, ST_MakeEnvelope(@a, @b, @c, @d, 4326)) ORDER BY id",
            new { a = box[0], b = box[1], c = box[2], d = box[3] });
        Assert.InRange(expected.Count(), 3, 19);
        Assert.Equal(expected, features.Select(f => f.Fid).Order());
    }

    [Fact]
    public async Task Next_links_repeat_every_filter_until_the_matched_features_are_read()
    {
        var (zone, ids) = await GridAsync(117.30, 30.30, 15);
        var url = $"/ogc/collections/parcels/items?limit=2&zone={zone}&status=clean_land&plannedUse=1001&bbox=117.29,30.29,117.40,30.40";
        var seen = new List<long>();
        long? matched = null;
        while (url is not null)
        {
            var response = await app.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/geo+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains("rel=\"self\"", response.Headers.GetValues("Link").Single());
            var page = await response.JsonAsync();
            // The first page counts every match; the pages after it do not (GDAL and QGIS read the count on the first).
            if (matched is null) matched = (long)page["numberMatched"]!;
            else Assert.Null(page["numberMatched"]);
            seen.AddRange(page["features"]!.AsArray().Select(f => (long)f!["id"]!));
            var next = page["links"]!.AsArray().FirstOrDefault(l => (string)l!["rel"]! == "next");
            url = next is null ? null : (string)next["href"]!;
            if (url is not null)
            {
                foreach (var filter in new[] { $"zone={zone}", "status=clean_land", "plannedUse=1001", "limit=2", "bbox=" })
                    Assert.Contains(filter, Uri.UnescapeDataString(url));
            }
        }
        var expected = await app.ScalarAsync<long[]>(
            "SELECT array_agg(id ORDER BY id) FROM parcel WHERE zone_code = @zone AND status = 'clean_land' AND planned_use LIKE '1001%'", new { zone });
        Assert.Equal(expected, seen.Order());
        Assert.Equal(expected.Length, matched);
    }

    [Fact]
    public async Task Datetime_reads_the_register_as_it_was()
    {
        var (zone, ids) = await GridAsync(117.40, 30.40, 1);
        var before = await app.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Task.Delay(20);
        await app.WalkAsync(ids[0], Support.Lifecycle.ToSupplied());

        async Task<string> StatusAt(string datetime) =>
            (string)(await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&datetime={datetime}")).JsonAsync())
                ["features"]![0]!["properties"]!["status"]!;
        Assert.Equal("clean_land", await StatusAt(before.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'")));
        Assert.Equal("supplied", await StatusAt(DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        var longAgo = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&datetime=2001-01-01T00:00:00Z")).JsonAsync();
        Assert.Equal(0, (int)longAgo["numberMatched"]!);
        var during = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&datetime=2001-01-01T00:00:00Z/..")).JsonAsync();
        Assert.Equal(1, (int)during["numberMatched"]!);
    }

    [Theory]
    [InlineData("/ogc/collections/parcels/items?colour=red", "colour")]
    [InlineData("/ogc/collections/parcels/items?bbox=1,2,3", "bbox")]
    [InlineData("/ogc/collections/parks/items?bbox=200,0,210,1", "bbox")]
    [InlineData("/ogc/collections/reserves/items?bbox=3,2,1,0", "bbox")]
    [InlineData("/ogc/collections/parcels/items?limit=abc", "limit")]
    [InlineData("/ogc/collections/parcels/items?datetime=yesterday", "datetime")]
    [InlineData("/ogc/collections/parcels/items?status=vacant", "status")]
    [InlineData("/ogc/collections/parks/items?status=idle", "status")]
    [InlineData("/ogc/collections?f=xml", "f")]
    public async Task Unknown_or_malformed_parameters_are_a_400_naming_the_parameter(string url, string field)
    {
        var response = await app.Client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}");
        await ProblemAssert.IsProblemAsync(response, response.StatusCode, field);
    }

    [Fact]
    public async Task Landing_page_conformance_and_collections_follow_part_one()
    {
        var landing = await (await app.Client.GetAsync("/ogc")).JsonAsync();
        var rels = landing["links"]!.AsArray().Select(l => (string)l!["rel"]!).ToList();
        Assert.Superset(new HashSet<string> { "self", "service-desc", "conformance", "data" }, rels.ToHashSet());
        var conformance = await (await app.Client.GetAsync("/ogc/conformance")).JsonAsync();
        Assert.Equal(3, conformance["conformsTo"]!.AsArray().Count(c => ((string)c!).StartsWith("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/")));

        var (zone, _) = await GridAsync(117.50, 30.50, 2);
        var collection = await (await (await app.ClientForAsync("promoter", zone)).GetAsync("/ogc/collections/parcels")).JsonAsync();
        var bbox = collection["extent"]!["spatial"]!["bbox"]![0]!.AsArray().Select(v => (double)v!).ToArray();
        var extent = await app.ScalarAsync<double[]>(
            "SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] FROM (SELECT ST_Extent(geom) AS e FROM parcel WHERE zone_code = @zone) x", new { zone });
        for (var i = 0; i < 4; i++) Assert.Equal(extent[i], bbox[i], 4);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/ogc/collections/roads")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWithKey(null).GetAsync("/ogc/collections")).StatusCode);
    }

    [Fact]
    public async Task A_feature_is_read_by_its_id_with_its_links()
    {
        var (_, ids) = await GridAsync(117.60, 30.60, 1);
        var response = await app.Client.GetAsync($"/ogc/collections/parcels/items/{ids[0]}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var feature = await response.JsonAsync();
        Assert.Equal(ids[0], (long)feature["id"]!);
        Assert.Contains(feature["links"]!.AsArray(), l => (string)l!["rel"]! == "collection");
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/ogc/collections/parcels/items/999999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/ogc/collections/parcels/items/abc")).StatusCode);
    }

    [Fact]
    public async Task Viewers_see_the_public_fields_and_zone_keys_their_zone_only()
    {
        var (zone, ids) = await GridAsync(117.70, 30.70, 3);
        await GridAsync(117.80, 30.80, 2);
        var viewer = await app.ClientForAsync("viewer", zone);
        var page = await (await viewer.GetAsync("/ogc/collections/parcels/items?limit=100")).JsonAsync();
        Assert.Equal(3, (int)page["numberMatched"]!);
        Assert.Equal(ids.Order(), page["features"]!.AsArray().Select(f => (long)f!["id"]!).Order());
        var allowed = new HashSet<string> { "code", "zoneCode", "parkCode", "plannedUse", "actualUse", "status", "areaM2", "areaMu", "registeredAreaM2" };
        foreach (var feature in page["features"]!.AsArray())
            Assert.Subset(allowed, feature!["properties"]!.AsObject().Select(p => p.Key).ToHashSet());
        var foreign = (long)(await (await app.Client.GetAsync("/ogc/collections/parcels/items?limit=1&bbox=117.79,30.79,117.9,30.9")).JsonAsync())["features"]![0]!["id"]!;
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"/ogc/collections/parcels/items/{foreign}")).StatusCode);
    }

    [Fact]
    public async Task Parks_and_reserve_blocks_are_collections_too()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone, Rectangle(117.9, 30.9, 2000, 2000));
        await app.CreateParcelAsync(Feature(Rectangle(117.905, 30.905, 300, 300), zone, park: park));
        var east = (double)(await app.ScalarAsync<double>("SELECT ST_XMax(geom) FROM parcel WHERE zone_code = @zone", new { zone }));
        await app.CreateParcelAsync(Feature(Rectangle(east, 30.905, 300, 300), zone, park: park));

        var parks = Ogr.Features(await Ogr.InfoAsync(RegisterApp.AdminKey, "-ro", "-q", Service, "parks"));
        Assert.Contains(parks, p => p.Fields["code"] == park);
        // By default the blocks /api/reserves lists (500 mu and more, as the target): this 270-mu block only on asking.
        Assert.Empty((await (await app.Client.GetAsync($"/ogc/collections/reserves/items?zone={zone}")).JsonAsync())["features"]!.AsArray());
        Assert.Empty((await (await app.Client.GetAsync($"/api/reserves?zone={zone}")).JsonAsync())["features"]!.AsArray());
        var blocks = await (await app.Client.GetAsync($"/ogc/collections/reserves/items?zone={zone}&minAreaMu=0")).JsonAsync();
        var block = Assert.Single(blocks["features"]!.AsArray())!;
        Assert.Equal(2, (int)block["properties"]!["parcelCount"]!);
        var blockId = (string)block["id"]!;
        Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync($"/ogc/collections/reserves/items/{blockId}")).StatusCode);
    }
}
