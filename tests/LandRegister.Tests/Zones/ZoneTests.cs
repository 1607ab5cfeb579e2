using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Zones;

public sealed class ZoneTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task A_zone_is_created_listed_and_read_by_code_with_an_etag()
    {
        var code = Unique("ZN");
        var created = await app.PostAsync("/api/zones", new JsonObject { ["code"] = code, ["name"] = "永州经济技术开发区", ["gkEpsg"] = 4546 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/zones/{code}", created.Headers.Location!.ToString());

        var read = await app.Client.GetAsync($"/api/zones/{code}");
        Assert.NotNull(read.Headers.ETag);
        var zone = await read.JsonAsync();
        Assert.Equal("永州经济技术开发区", (string)zone["name"]!);
        Assert.Equal(4546, (int)zone["gkEpsg"]!);
        var list = await (await app.Client.GetAsync("/api/zones")).JsonAsync();
        Assert.Contains(code, list["items"]!.AsArray().Select(z => (string)z!["code"]!));
    }

    [Theory]
    [InlineData("""{"code":"","name":"x","gkEpsg":4549}""", HttpStatusCode.UnprocessableEntity, "code")]
    [InlineData("""{"code":"A B","name":"x","gkEpsg":4549}""", HttpStatusCode.UnprocessableEntity, "code")]
    [InlineData("""{"code":"ZZ1","name":"x","gkEpsg":3857}""", HttpStatusCode.UnprocessableEntity, "gkEpsg")]
    [InlineData("""{"code":"ZZ2","name":"x"}""", HttpStatusCode.UnprocessableEntity, "gkEpsg")]
    [InlineData("""{"code":"ZZ3","name":"x","gkEpsg":"4549"}""", HttpStatusCode.BadRequest, "gkEpsg")]
    [InlineData("""{"code":"ZZ4","name":"x","gkEpsg":4549,"colour":"red"}""", HttpStatusCode.BadRequest, "colour")]
    [InlineData("""{"code":"ZZ5",""", HttpStatusCode.BadRequest, "body")]
    public async Task A_bad_zone_is_refused_and_not_created(string body, HttpStatusCode status, string field)
    {
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM zone");
        await ProblemAssert.IsProblemAsync(await app.SendAsync(HttpMethod.Post, "/api/zones", body), status, field);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM zone"));
    }

    [Fact]
    public async Task A_duplicate_zone_code_is_a_409()
    {
        var zone = await app.ZoneAsync();
        await ProblemAssert.IsProblemAsync(
            await app.PostAsync("/api/zones", new JsonObject { ["code"] = zone, ["name"] = "again", ["gkEpsg"] = 4549 }),
            HttpStatusCode.Conflict, "code");
    }
}
