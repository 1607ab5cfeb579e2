using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;
using static LandRegister.Tests.Support.Drawing;

namespace LandRegister.Tests.Parcels;

/// <summary>Text that is not valid Unicode (an escaped unpaired surrogate, a byte that is not UTF-8) is a 400 naming where it is, and writes nothing.</summary>
public sealed class InvalidUnicodeTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    /// <summary>The JSON of <paramref name="body"/> with the code "X-BAD" replaced by a bad one: an escaped lone surrogate or a raw 0xFF byte.</summary>
    static byte[] Spoiled(JsonNode body, bool rawByte)
    {
        var text = Encoding.UTF8.GetBytes(body.ToJsonString());
        var marker = Encoding.UTF8.GetBytes("X-BAD");
        var at = text.AsSpan().IndexOf(marker);
        byte[] bad = rawByte ? [(byte)'X', 0xFF] : Encoding.ASCII.GetBytes("X\\ud800");
        return [.. text[..at], .. bad, .. text[(at + marker.Length)..]];
    }

    async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[] body, string type, string? etag = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        if (etag is not null) request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return await app.Client.SendAsync(request);
    }

    static async Task AssertNamedAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        Assert.Contains(field, JsonNode.Parse(body)!["errors"]!.AsObject().Select(e => e.Key));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Parcels_created_imported_and_patched_with_bad_text_are_refused(bool rawByte)
    {
        var zone = await app.ZoneAsync();
        var before = await app.CountParcelsAsync();
        var feature = Feature(Box(X0, Y0, 100, 100), zone, code: "X-BAD");
        await AssertNamedAsync(await SendAsync(HttpMethod.Post, "/api/parcels?crs=EPSG:4549", Spoiled(feature, rawByte), "application/geo+json"),
            "body.properties.code");
        var collection = new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray(feature.DeepClone()) };
        await AssertNamedAsync(await SendAsync(HttpMethod.Post, "/api/parcels/import?crs=EPSG:4549", Spoiled(collection, rawByte), "application/geo+json"),
            "body.features[0].properties.code");
        Assert.Equal(before, await app.CountParcelsAsync());

        var (id, code) = await app.CleanAsync(zone, Box(X0 + 300, Y0, 100, 100));
        var patch = new JsonObject { ["properties"] = new JsonObject { ["name"] = "X-BAD" } };
        await AssertNamedAsync(await SendAsync(HttpMethod.Patch, $"/api/parcels/{id}", Spoiled(patch, rawByte), "application/merge-patch+json",
            await app.ETagAsync(id)), "body.properties.name");
        Assert.Equal(code, await app.ScalarAsync<string>("SELECT code FROM parcel WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task A_premises_with_bad_text_is_refused()
    {
        var zone = await app.ZoneAsync();
        var (parcel, _) = await app.CleanAsync(zone, Box(X0 + 600, Y0, 300, 200), status: "idle");
        var premises = new JsonObject
        {
            ["type"] = "Feature", ["geometry"] = Box(X0 + 650, Y0 + 50, 100, 60),
            ["properties"] = new JsonObject { ["code"] = "X-BAD", ["parcelId"] = parcel, ["floorAreaM2"] = 5000, ["vacancy"] = "self_used" },
        };
        await AssertNamedAsync(await SendAsync(HttpMethod.Post, "/api/premises?crs=EPSG:4549", Spoiled(premises, false), "application/geo+json"),
            "body.properties.code");
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM premises"));
    }

    [Fact]
    public async Task Codes_and_names_that_read_otherwise_than_written_are_refused()
    {
        var zone = await app.ZoneAsync();
        var before = await app.CountParcelsAsync();
        var parcel = await app.PostAsync("/api/parcels?crs=EPSG:4549", Feature(Box(X0 + 900, Y0, 100, 100), zone, code: "320826\u202ELX0001"),
            "application/geo+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, parcel.StatusCode);
        Assert.Contains("properties.code", (await parcel.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(before, await app.CountParcelsAsync());
        var enterprise = await app.PostAsync("/api/enterprises",
            new JsonObject { ["creditCode"] = "91320826MA1MX4LT08", ["zoneCode"] = zone, ["name"] = "涟水\u2066恒盛\u2069有限公司" });
        Assert.True(enterprise.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, enterprise.StatusCode.ToString());
        Assert.Contains("name", (await enterprise.JsonAsync())["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM enterprise"));
    }
}
