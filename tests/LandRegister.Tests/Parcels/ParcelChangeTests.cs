using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

/// <summary>Reading, patching and retiring a parcel, with ETags and If-Match.</summary>
public sealed class ParcelChangeTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    async Task<(long Id, string ETag)> ParcelAsync(string? zone = null)
    {
        zone ??= await app.ZoneAsync();
        var created = await app.CreateParcelAsync(Feature(Rectangle(119.30, 33.80, 200, 200), zone));
        var response = await app.Client.GetAsync($"/api/parcels/{(long)created["id"]!}");
        return ((long)created["id"]!, response.Headers.ETag!.ToString());
    }

    static string Patch(object properties) => new JsonObject { ["properties"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(properties)) }.ToJsonString();

    [Fact]
    public async Task Get_returns_the_feature_with_an_etag_and_304_when_unchanged()
    {
        var (id, etag) = await ParcelAsync();
        var response = await app.Client.GetAsync($"/api/parcels/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/parcels/{id}");
        request.Headers.IfNoneMatch.ParseAdd(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await app.Client.SendAsync(request)).StatusCode);
        var missing = await app.Client.GetAsync("/api/parcels/999999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Patch_changes_the_named_properties_and_a_new_etag_is_issued()
    {
        var (id, etag) = await ParcelAsync();
        var response = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}",
            Patch(new { name = "东区3号", actualUse = "0804", registeredAreaM2 = 40_000 }), "application/merge-patch+json", etag);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var properties = (await response.JsonAsync())["properties"]!;
        Assert.Equal("东区3号", (string)properties["name"]!);
        Assert.Equal("0804", (string)properties["actualUse"]!);
        Assert.Equal("100101", (string)properties["plannedUse"]!);
        Assert.NotEqual(etag, response.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Patch_null_clears_a_property()
    {
        var (id, etag) = await ParcelAsync();
        var response = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", """{"properties":{"plannedUse":null},"approvalRef":"涟自然资〔2024〕7号"}""",
            "application/merge-patch+json", etag);
        Assert.Null((await response.JsonAsync())["properties"]!["plannedUse"]);
    }

    [Fact]
    public async Task Patching_the_geometry_recomputes_the_area()
    {
        var (id, etag) = await ParcelAsync();
        var patch = new JsonObject { ["geometry"] = Rectangle(119.30, 33.80, 400, 200) }.ToJsonString();
        var response = await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", patch, "application/merge-patch+json", etag);
        // The test's rectangle converts metres to degrees roughly; the register's area is exact.
        Assert.Equal(80_000, (double)(await response.JsonAsync())["properties"]!["areaM2"]!, 800d);
    }

    [Fact]
    public async Task Patch_without_if_match_is_a_428_and_with_a_stale_etag_a_412_and_changes_nothing()
    {
        var (id, etag) = await ParcelAsync();
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", Patch(new { name = "a" }), "application/merge-patch+json"),
            HttpStatusCode.PreconditionRequired, "If-Match");
        await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", Patch(new { name = "b" }), "application/merge-patch+json", etag);
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", Patch(new { name = "c" }), "application/merge-patch+json", etag),
            HttpStatusCode.PreconditionFailed, "If-Match");
        Assert.Equal("b", await app.ScalarAsync<string>("SELECT name FROM parcel WHERE id = @id", new { id }));
    }

    [Theory]
    [InlineData("""{"properties":{"zoneCode":"OTHER"}}""", HttpStatusCode.UnprocessableEntity, "properties.zoneCode")]
    [InlineData("""{"properties":{"status":"idle"}}""", HttpStatusCode.UnprocessableEntity, "properties.status")]
    [InlineData("""{"properties":{"code":null}}""", HttpStatusCode.UnprocessableEntity, "properties.code")]
    [InlineData("""{"geometry":null}""", HttpStatusCode.UnprocessableEntity, "geometry")]
    [InlineData("""{"geometry":{"type":"Polygon","coordinates":[[[119.3,33.8],[119.31,33.81],[119.31,33.8],[119.3,33.81],[119.3,33.8]]]}}""", HttpStatusCode.UnprocessableEntity, "geometry")]
    [InlineData("""{"owner":"x"}""", HttpStatusCode.BadRequest, "owner")]
    [InlineData("""{"properties":{"name":""", HttpStatusCode.BadRequest, "body")]
    public async Task A_bad_patch_is_refused_and_changes_nothing(string patch, HttpStatusCode status, string field)
    {
        var (id, etag) = await ParcelAsync();
        var before = await app.ScalarAsync<string>("SELECT row_to_json(p)::text FROM parcel p WHERE id = @id", new { id });
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", patch, "application/merge-patch+json", etag), status, field);
        Assert.Equal(before, await app.ScalarAsync<string>("SELECT row_to_json(p)::text FROM parcel p WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Retiring_keeps_the_parcel_but_hides_it_from_lists()
    {
        var zone = await app.ZoneAsync();
        var (id, etag) = await ParcelAsync(zone);
        await ProblemAssert.IsProblemAsync(await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{id}"), HttpStatusCode.PreconditionRequired, "If-Match");
        Assert.Equal(HttpStatusCode.NoContent, (await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{id}", ifMatch: etag)).StatusCode);

        var kept = await (await app.Client.GetAsync($"/api/parcels/{id}")).JsonAsync();
        Assert.NotNull(kept["properties"]!["retiredAt"]);
        Assert.Equal(0, (int)(await (await app.Client.GetAsync($"/api/parcels?zone={zone}")).JsonAsync())["numberMatched"]!);
        Assert.Equal(1, (int)(await (await app.Client.GetAsync($"/api/parcels?zone={zone}&includeRetired=true")).JsonAsync())["numberMatched"]!);
        var again = await app.Client.GetAsync($"/api/parcels/{id}");
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Delete, $"/api/parcels/{id}", ifMatch: again.Headers.ETag!.ToString()), HttpStatusCode.Conflict, "id");
    }
}
