using System.Net;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Access;

/// <summary>What each role may do, which zones a key reaches, and which fields it sees.</summary>
public sealed class AuthorizationTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static readonly string[] ViewerFields = ["code", "parkCode", "plannedUse", "actualUse", "status", "areaM2", "areaMu"];

    async Task<(string Zone, long Parcel, string ETag)> ParcelAsync()
    {
        var zone = await app.ZoneAsync();
        var park = await app.ParkAsync(zone);
        var created = await app.CreateParcelAsync(Feature(Rectangle(119.3, 33.8, 100, 100), zone, park: park));
        var id = (long)created["id"]!;
        var etag = (await app.Client.GetAsync($"/api/parcels/{id}")).Headers.ETag!.ToString();
        return (zone, id, etag);
    }

    [Theory]
    [InlineData("viewer", "POST", "/api/parcels")]
    [InlineData("promoter", "POST", "/api/parcels")]
    [InlineData("analyst", "POST", "/api/parcels")]
    [InlineData("viewer", "PATCH", "/api/parcels/{id}")]
    [InlineData("promoter", "DELETE", "/api/parcels/{id}")]
    [InlineData("analyst", "POST", "/api/parcels/import")]
    [InlineData("planner", "POST", "/api/zones")]
    [InlineData("planner", "GET", "/api/keys")]
    [InlineData("analyst", "POST", "/api/keys")]
    [InlineData("viewer", "POST", "/api/parks")]
    public async Task A_role_without_the_permission_gets_403_and_changes_nothing(string role, string method, string path)
    {
        var (zone, id, etag) = await ParcelAsync();
        var client = await app.ClientForAsync(role);
        var body = path switch
        {
            "/api/parcels" => Feature(Rectangle(119.3, 33.8, 100, 100), zone).ToJsonString(),
            "/api/parcels/import" => $$"""{"type":"FeatureCollection","features":[{{Feature(Rectangle(119.3, 33.8, 100, 100), zone).ToJsonString()}}]}""",
            "/api/zones" => """{"code":"NEWZ","name":"x","gkEpsg":4549}""",
            "/api/keys" => """{"name":"sneaky","role":"admin"}""",
            "/api/parks" => $$"""{"code":"NEWP","zoneCode":"{{zone}}","name":"x"}""",
            _ => """{"properties":{"name":"changed"}}""",
        };
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id.ToString()));
        if (method != "GET") request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var before = await Fingerprint();
        await ProblemAssert.IsProblemAsync(await client.SendAsync(request), HttpStatusCode.Forbidden, "X-Api-Key");
        Assert.Equal(before, await Fingerprint());
    }

    Task<string> Fingerprint() => app.ScalarAsync<string>("""
        SELECT md5(coalesce((SELECT string_agg(row_to_json(p)::text, '' ORDER BY id) FROM parcel p), '')
                || coalesce((SELECT string_agg(row_to_json(z)::text, '' ORDER BY code) FROM zone z), '')
                || coalesce((SELECT string_agg(row_to_json(k)::text, '' ORDER BY code) FROM park k), '')
                || (SELECT count(*) FROM api_key))
        """);

    [Theory]
    [InlineData("planner")]
    [InlineData("promoter")]
    [InlineData("analyst")]
    [InlineData("viewer")]
    public async Task Every_role_reads_parcels(string role)
    {
        var (zone, id, _) = await ParcelAsync();
        var client = await app.ClientForAsync(role);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/parcels/{id}")).StatusCode);
        Assert.Equal(1, (int)(await (await client.GetAsync($"/api/parcels?zone={zone}")).JsonAsync())["numberMatched"]!);
    }

    [Fact]
    public async Task A_viewer_sees_only_what_a_public_map_may_show()
    {
        var (zone, id, _) = await ParcelAsync();
        var viewer = await app.ClientForAsync("viewer");
        var responses = new[]
        {
            await (await viewer.GetAsync($"/api/parcels/{id}")).JsonAsync(),
            (await (await viewer.GetAsync($"/api/parcels?zone={zone}")).JsonAsync())["features"]![0]!.AsObject(),
            (await (await viewer.PostAsync("/api/parcels/search", new StringContent($$"""{"zone":["{{zone}}"]}""", System.Text.Encoding.UTF8, "application/json"))).JsonAsync())["features"]![0]!.AsObject(),
        };
        foreach (var feature in responses)
        {
            Assert.Equal(["geometry", "id", "properties", "type"], feature.Select(p => p.Key).Order());
            Assert.All(feature["properties"]!.AsObject(), p => Assert.Contains(p.Key, ViewerFields));
            Assert.Contains("status", feature["properties"]!.AsObject().Select(p => p.Key));
        }
        // The same parcel read by a planner carries the internal fields the viewer did not get.
        var planner = await (await (await app.ClientForAsync("planner")).GetAsync($"/api/parcels/{id}")).JsonAsync();
        Assert.True(planner["properties"]!.AsObject().ContainsKey("createdBy"));
        Assert.True(planner["properties"]!.AsObject().ContainsKey("zoneCode"));
    }

    [Fact]
    public async Task A_viewer_reads_parks_without_internal_fields()
    {
        var (zone, _, _) = await ParcelAsync();
        var viewer = await app.ClientForAsync("viewer");
        var park = (await (await viewer.GetAsync($"/api/parks?zone={zone}")).JsonAsync())["items"]![0]!.AsObject();
        Assert.False(park.ContainsKey("createdBy"));
        Assert.False(park.ContainsKey("updatedAt"));
        Assert.True(park.ContainsKey("boundary"));
    }

    [Fact]
    public async Task A_key_limited_to_one_zone_gets_404_for_another_zones_records_and_cannot_write_there()
    {
        var (zoneA, parcelA, _) = await ParcelAsync();
        var (zoneB, parcelB, etagB) = await ParcelAsync();
        var planner = await app.ClientForAsync("planner", zoneA);

        Assert.Equal(HttpStatusCode.OK, (await planner.GetAsync($"/api/parcels/{parcelA}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await planner.GetAsync($"/api/parcels/{parcelB}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await planner.GetAsync($"/api/zones/{zoneB}")).StatusCode);
        var parkB = await app.ScalarAsync<string>("SELECT code FROM park WHERE zone_code = @zoneB", new { zoneB });
        Assert.Equal(HttpStatusCode.NotFound, (await planner.GetAsync($"/api/parks/{parkB}")).StatusCode);

        var all = await (await planner.GetAsync("/api/parcels?limit=1000")).JsonAsync();
        Assert.All(all["features"]!.AsArray(), f => Assert.Equal(zoneA, (string)f!["properties"]!["zoneCode"]!));
        Assert.Equal([zoneA], (await (await planner.GetAsync("/api/zones")).JsonAsync())["items"]!.AsArray().Select(z => (string)z!["code"]!));

        var before = await Fingerprint();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/parcels/{parcelB}")
        {
            Content = new StringContent("""{"properties":{"name":"x"}}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", etagB);
        Assert.Equal(HttpStatusCode.NotFound, (await planner.SendAsync(patch)).StatusCode);
        var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/parcels/{parcelB}");
        delete.Headers.TryAddWithoutValidation("If-Match", etagB);
        Assert.Equal(HttpStatusCode.NotFound, (await planner.SendAsync(delete)).StatusCode);
        var create = await planner.PostAsync("/api/parcels",
            new StringContent(Feature(Rectangle(119.3, 33.8, 100, 100), zoneB).ToJsonString(), System.Text.Encoding.UTF8, "application/geo+json"));
        await ProblemAssert.IsProblemAsync(create, HttpStatusCode.UnprocessableEntity, "properties.zoneCode");
        var import = await planner.PostAsync($"/api/parcels/import?zone={zoneB}",
            new StringContent($$"""{"type":"FeatureCollection","features":[{{Feature(Rectangle(119.3, 33.8, 100, 100), zoneB).ToJsonString()}}]}""", System.Text.Encoding.UTF8, "application/geo+json"));
        await ProblemAssert.IsProblemAsync(import, HttpStatusCode.UnprocessableEntity, "features[0].properties.zoneCode");
        var park = await planner.PostAsync("/api/parks",
            new StringContent($$"""{"code":"PB","zoneCode":"{{zoneB}}","name":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(park, HttpStatusCode.UnprocessableEntity, "zoneCode");
        Assert.Equal(before, await Fingerprint());
    }

    [Fact]
    public async Task Every_write_records_the_acting_keys_name()
    {
        var zone = await app.ZoneAsync();
        var created = await app.CreateKeyAsync("planner");
        var planner = app.ClientWithKey((string)created["key"]!);
        var name = (string)created["info"]!["name"]!;
        var response = await planner.PostAsync("/api/parcels",
            new StringContent(Feature(Rectangle(119.3, 33.8, 100, 100), zone).ToJsonString(), System.Text.Encoding.UTF8, "application/geo+json"));
        var feature = await response.JsonAsync();
        Assert.Equal(name, (string)feature["properties"]!["createdBy"]!);
        var id = (long)feature["id"]!;

        var other = await app.CreateKeyAsync("planner");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/parcels/{id}")
        {
            Content = new StringContent("""{"properties":{"name":"改"}}""", System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", response.Headers.ETag!.ToString());
        await app.ClientWithKey((string)other["key"]!).SendAsync(patch);
        var row = await app.ScalarAsync<string>("SELECT created_by || '|' || updated_by FROM parcel WHERE id = @id", new { id });
        Assert.Equal($"{name}|{(string)other["info"]!["name"]!}", row);
    }

    [Fact]
    public async Task What_a_key_was_answered_is_not_kept_for_another_key_by_a_cache_that_keys_on_the_url()
    {
        var (zone, id, _) = await ParcelAsync();
        var viewer = await app.ClientForAsync("viewer", zone);
        var basic = app.ClientWithKey(null);
        basic.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"qgis:{RegisterApp.AdminKey}")));
        foreach (var client in new[] { app.Client, viewer, basic })
            foreach (var path in new[] { $"/api/parcels?zone={zone}", $"/api/parcels/{id}", $"/ogc/collections/parcels/items?zone={zone}" })
            {
                using var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(response.Headers.CacheControl is { Private: true, NoStore: true }, $"{path}: Cache-Control {response.Headers.CacheControl}");
                Assert.Contains("X-Api-Key", response.Headers.Vary);
                Assert.Contains("Authorization", response.Headers.Vary);
            }
        // Tiles say how they may be kept: checked again each time, against an ETag of the key's own tile.
        using var tile = await viewer.GetAsync("/tiles/parcels/16/0/0.mvt");
        Assert.True(tile.Headers.CacheControl is { Private: true, NoCache: true, NoStore: false }, $"tile: Cache-Control {tile.Headers.CacheControl}");
    }
}
