using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Ogc;

/// <summary>OGC API – Features Part 3 queryables: what a client may filter on, and those filters as query parameters.</summary>
public sealed class QueryablesTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static List<string> Codes(JsonObject page) => page["features"]!.AsArray().Select(f => (string)f!["properties"]!["code"]!).Order().ToList();

    [Fact]
    public async Task A_collection_publishes_its_queryables_and_each_filters_as_a_query_parameter()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone, Rectangle(119.599, 33.599, 600, 300));
        var inPark = (string)(await app.CreateParcelAsync(Feature(Rectangle(119.60, 33.60, 100, 100), zone, park: park)))["properties"]!["code"]!;
        var outside = (string)(await app.CreateParcelAsync(Feature(Rectangle(119.602, 33.60, 100, 100), zone, status: "raw_land")))["properties"]!["code"]!;

        var response = await app.Client.GetAsync("/ogc/collections/parcels/queryables");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/schema+json", response.Content.Headers.ContentType!.MediaType);
        var schema = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", (string)schema["$schema"]!);
        Assert.EndsWith("/ogc/collections/parcels/queryables", (string)schema["$id"]!);
        var properties = schema["properties"]!.AsObject();
        foreach (var name in new[] { "code", "parkCode", "plannedUse", "status", "zoneCode", "name", "areaMu", "createdAt", "geometry" })
            Assert.Contains(name, properties.Select(p => p.Key));
        Assert.Equal(9, properties["status"]!["enum"]!.AsArray().Count);
        Assert.Equal("number", (string)properties["areaMu"]!["type"]!);
        Assert.Equal("date-time", (string)properties["createdAt"]!["format"]!);
        Assert.Equal("geometry-any", (string)properties["geometry"]!["format"]!);

        var byQueryable = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zoneCode={zone}&parkCode={park}")).JsonAsync();
        var byParameter = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zone={zone}&park={park}")).JsonAsync();
        Assert.Equal([inPark], Codes(byQueryable));
        Assert.Equal(Codes(byParameter), Codes(byQueryable));
        Assert.Equal([outside], Codes(await (await app.Client.GetAsync($"/ogc/collections/parcels/items?code={outside}")).JsonAsync()));
        Assert.Equal([outside], Codes(await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zoneCode={zone}&status=raw_land")).JsonAsync()));

        var parks = await (await app.Client.GetAsync($"/ogc/collections/parks/items?zoneCode={zone}&code={park}")).JsonAsync();
        Assert.Equal(park, (string)parks["features"]!.AsArray().Single()!["properties"]!["code"]!);

        var collection = await (await app.Client.GetAsync("/ogc/collections/parcels")).JsonAsync();
        Assert.Contains(collection["links"]!.AsArray(), l => (string)l!["rel"]! == "http://www.opengis.net/def/rel/ogc/1.0/queryables");
        var conformance = (await (await app.Client.GetAsync("/ogc/conformance")).JsonAsync())["conformsTo"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains("http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters", conformance);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client.GetAsync("/ogc/collections/nothing/queryables")).StatusCode);
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/ogc/collections/parcels/queryables?x=1"), HttpStatusCode.BadRequest, "x");
    }
}

/// <summary>Sorting (sortby, as OGC API – Features Part 8 drafts it and pg_featureserv and pygeoapi do), on an allow-list.</summary>
public sealed class SortingTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task Parcels_are_listed_in_the_order_asked_for_page_after_page()
    {
        var zone = await app.ZoneAsync();
        var sides = new[] { 60, 140, 100, 180, 80 };
        for (var i = 0; i < sides.Length; i++)
            await app.CreateParcelAsync(Feature(Rectangle(119.70 + i * 0.003, 33.60, sides[i], 100), zone, code: $"S{zone}-{i}"));

        async Task<List<double>> AreasAsync(string first)
        {
            var areas = new List<double>();
            for (var url = first; url is not null;)
            {
                var page = await (await app.Client.GetAsync(url)).JsonAsync();
                areas.AddRange(page["features"]!.AsArray().Select(f => (double)f!["properties"]!["areaMu"]!));
                url = page["links"]!.AsArray().FirstOrDefault(l => (string)l!["rel"]! == "next")?["href"]?.ToString();
            }
            return areas;
        }

        var descending = await AreasAsync($"/api/parcels?zone={zone}&sortby=-areaMu&limit=2");
        Assert.Equal(5, descending.Count);
        Assert.Equal(descending.OrderByDescending(a => a), descending);
        var ogc = await AreasAsync($"/ogc/collections/parcels/items?zoneCode={zone}&sortby=%2BareaMu&limit=2");
        Assert.Equal(descending.OrderBy(a => a), ogc);
        var codes = (await (await app.Client.GetAsync($"/api/parcels?zone={zone}&sortby=-code")).JsonAsync())["features"]!.AsArray()
            .Select(f => (string)f!["properties"]!["code"]!).ToList();
        Assert.Equal(codes.OrderByDescending(c => c, StringComparer.Ordinal), codes);

        var refused = await app.Client.GetAsync($"/api/parcels?zone={zone}&sortby=name");
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "sortby");
        Assert.Contains("areaMu", problem["allowed"]!.AsArray().Select(a => (string)a!));
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync($"/api/parcels?zone={zone}&sortby=code&cursor=42"), HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task A_client_gets_only_the_properties_it_asks_for_among_those_its_role_sees()
    {
        var zone = await app.ZoneAsync();
        await app.CreateParcelAsync(Feature(Rectangle(119.80, 33.60, 100, 100), zone));
        var page = await (await app.Client.GetAsync($"/ogc/collections/parcels/items?zoneCode={zone}&properties=code,status,name")).JsonAsync();
        var feature = page["features"]!.AsArray().Single()!;
        Assert.Equal(["code", "name", "status"], feature["properties"]!.AsObject().Select(p => p.Key).Order());
        Assert.NotNull(feature["geometry"]);
        Assert.Equal(1, (int)page["numberMatched"]!);

        var viewer = await app.ClientForAsync("viewer", zone);
        var refused = await viewer.GetAsync($"/ogc/collections/parcels/items?zoneCode={zone}&properties=code,name");
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest, "properties");
        Assert.DoesNotContain("name", problem["allowed"]!.AsArray().Select(a => (string)a!));
        Assert.Contains("status", problem["allowed"]!.AsArray().Select(a => (string)a!));
    }
}
