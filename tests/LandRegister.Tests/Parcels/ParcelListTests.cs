using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

public sealed class ParcelListTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<JsonObject> ListAsync(string query)
    {
        var response = await app.Client.GetAsync($"/api/parcels?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        return await response.JsonAsync();
    }

    static string[] Codes(JsonObject collection) =>
        collection["features"]!.AsArray().Select(f => (string)f!["properties"]!["code"]!).Order().ToArray();

    /// <summary>A zone with a 10 × 6 grid of 100 m parcels, row r having status and use by r; returns the zone code.</summary>
    async Task<string> GridAsync()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        string[] statuses = ["clean_land", "raw_land", "in_use", "idle", "clean_land", "supplied"];
        string[] uses = ["100101", "100102", "0901", "1001", "1101", "100103"];
        for (var r = 0; r < 6; r++)
            for (var c = 0; c < 10; c++)
                await app.CreateParcelAsync(Feature(Rectangle(119.30 + c * 0.0011, 33.80 + r * 0.0014, 100, 100 + r * 10), zone,
                    code: $"{zone}-{r}-{c}", status: statuses[r], plannedUse: uses[r], park: c < 5 ? park : null));
        return zone;
    }

    [Fact]
    public async Task Walking_next_links_over_a_filtered_set_returns_every_match_exactly_once()
    {
        var zone = await GridAsync();
        var seen = new List<long>();
        var url = $"/api/parcels?zone={zone}&status=clean_land,in_use&limit=7";
        long? matched = null;
        while (url is not null)
        {
            var response = await app.Client.GetAsync(url);
            var page = await response.JsonAsync();
            matched ??= (long)page["numberMatched"]!;
            Assert.Equal(matched, (long)page["numberMatched"]!);
            var features = page["features"]!.AsArray();
            Assert.Equal(features.Count, (int)page["numberReturned"]!);
            Assert.All(features, f => Assert.Contains((string)f!["properties"]!["status"]!, new[] { "clean_land", "in_use" }));
            seen.AddRange(features.Select(f => (long)f!["id"]!));
            url = page["links"]!.AsArray().FirstOrDefault(l => (string)l!["rel"]! == "next")?["href"]?.GetValue<string>();
            if (url is not null)
            {
                Assert.Contains($"zone={zone}", url);
                Assert.Contains("status=clean_land", url);
                Assert.Contains("limit=7", url);
                Assert.Contains("rel=\"next\"", response.Headers.GetValues("Link").Single());
            }
        }
        Assert.Equal(30, seen.Count);
        Assert.Equal(30, matched);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task Planned_use_matches_the_code_and_its_sub_codes()
    {
        var zone = await GridAsync();
        var page = await ListAsync($"zone={zone}&plannedUse=1001&limit=100");
        Assert.Equal(40, (int)page["numberMatched"]!);
        Assert.All(page["features"]!.AsArray(), f => Assert.StartsWith("1001", (string)f!["properties"]!["plannedUse"]!));
        var legacy = await ListAsync($"zone={zone}&plannedUse=M2");
        Assert.Equal(10, (int)legacy["numberMatched"]!);
    }

    [Fact]
    public async Task Park_and_area_filters_select_by_park_and_mu()
    {
        var zone = await GridAsync();
        var park = (string)(await ListAsync($"zone={zone}&limit=1"))["features"]![0]!["properties"]!["parkCode"]!;
        Assert.Equal(30, (int)(await ListAsync($"zone={zone}&park={park}"))["numberMatched"]!);
        // Rows are 100 × (100 + 10 r) m: 15.0, 16.5, 18.0, 19.5, 21.0 and 22.5 mu.
        var middle = await ListAsync($"zone={zone}&minAreaMu=17&maxAreaMu=20");
        Assert.Equal(20, (int)middle["numberMatched"]!);
        Assert.All(middle["features"]!.AsArray(), f => Assert.InRange((double)f!["properties"]!["areaMu"]!, 17, 20));
    }

    [Fact]
    public async Task Bbox_returns_the_parcels_that_intersect_the_box()
    {
        var zone = await GridAsync();
        // Around the south-west corner parcel only, then over the first two columns of the first two rows.
        var one = await ListAsync($"zone={zone}&bbox=119.3001,33.8001,119.3002,33.8002");
        Assert.Equal([$"{zone}-0-0"], Codes(one));
        var four = await ListAsync($"zone={zone}&bbox=119.3005,33.8005,119.3015,33.8019");
        Assert.Equal([$"{zone}-0-0", $"{zone}-0-1", $"{zone}-1-0", $"{zone}-1-1"], Codes(four));
    }

    [Fact]
    public async Task Bbox_leaves_out_a_sliver_just_past_its_edge_though_their_single_precision_boxes_nest()
    {
        var zone = await app.ZoneAsync();
        // In single precision 119.3004 lies between 119.30039978… and 119.30040741…. The box's east edge is just above the
        // lower of the two; the sliver, 0.46 m wide, lies east of the edge and short of the upper one. Rounded outwards to
        // single precision, as PostGIS keeps bounding boxes, the sliver's box lies inside the box's.
        const double Step = 119.30039978027344, East = Step + 0.5e-6;
        await app.CreateParcelAsync(Feature(Rectangle(119.3000, 33.8002, 20, 20), zone, code: $"{zone}-in"));
        await app.CreateParcelAsync(Feature(Polygon([East + 1e-6, 33.8002], [East + 6e-6, 33.8002], [East + 6e-6, 33.8006], [East + 1e-6, 33.8006],
            [East + 1e-6, 33.8002]), zone, code: $"{zone}-sliver"));
        var outside = await ListAsync($"zone={zone}&bbox=119.2990,33.8000,{East.ToString("R", CultureInfo.InvariantCulture)},33.8010");
        Assert.Equal([$"{zone}-in"], Codes(outside));
        Assert.Equal(1, (int)outside["numberMatched"]!);
        var across = await ListAsync($"zone={zone}&bbox=119.2990,33.8000,{(East + 2e-6).ToString("R", CultureInfo.InvariantCulture)},33.8010");
        Assert.Equal([$"{zone}-in", $"{zone}-sliver"], Codes(across));
        Assert.Equal(2, (int)across["numberMatched"]!);
    }

    [Fact]
    public async Task Intersects_selects_parcels_crossed_by_a_geometry_in_the_query_or_the_body()
    {
        var zone = await GridAsync();
        var line = new JsonObject { ["type"] = "LineString", ["coordinates"] = new JsonArray(new JsonArray(119.3005, 33.8005), new JsonArray(119.3027, 33.8005)) };
        var byQuery = await ListAsync($"zone={zone}&intersects={Uri.EscapeDataString(line.ToJsonString())}");
        Assert.Equal([$"{zone}-0-0", $"{zone}-0-1", $"{zone}-0-2"], Codes(byQuery));

        var search = new JsonObject { ["zone"] = new JsonArray(zone), ["intersects"] = line.DeepClone(), ["limit"] = 2 };
        var response = await app.PostAsync("/api/parcels/search", search);
        var page = await response.JsonAsync();
        Assert.Equal(3, (int)page["numberMatched"]!);
        var next = page["links"]!.AsArray().Single(l => (string)l!["rel"]! == "next")!;
        Assert.Equal("POST", (string)next["method"]!);
        var rest = await (await app.PostAsync("/api/parcels/search", next["body"]!.DeepClone())).JsonAsync();
        Assert.Equal(3, page["features"]!.AsArray().Count + rest["features"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_default_limit_is_100_and_every_feature_carries_areas()
    {
        var zone = await GridAsync();
        var page = await ListAsync($"zone={zone}&status=clean_land");
        Assert.Equal(20, (int)page["numberReturned"]!);
        var properties = page["features"]![0]!["properties"]!;
        Assert.True((double)properties["areaM2"]! > 0);
        Assert.True((double)properties["areaMu"]! > 0);
        Assert.Equal("FeatureCollection", (string)page["type"]!);
    }
}
