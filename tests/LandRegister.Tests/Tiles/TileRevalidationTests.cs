using System.Net;
using System.Net.Http.Headers;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Tiles;

/// <summary>An empty tile's ETag revalidates as any other's: 304, not another 204.</summary>
public sealed class TileRevalidationTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Theory]
    [InlineData("/tiles/parcels/3/6/3.mvt")]   // below the layer's minimum zoom
    [InlineData("/tiles/parcels/16/0/0.mvt")]  // no parcel there
    public async Task An_empty_tile_answers_304_to_its_own_etag(string path)
    {
        var first = await app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(etag);
        var revalidated = await app.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Equal(etag, revalidated.Headers.ETag);

        using var other = new HttpRequestMessage(HttpMethod.Get, path);
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.NoContent, (await app.Client.SendAsync(other)).StatusCode);
    }
}
