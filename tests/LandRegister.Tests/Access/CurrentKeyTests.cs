using System.Net;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Access;

/// <summary>What a page learns of its own key, to offer only what the key may do.</summary>
public sealed class CurrentKeyTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task A_key_reads_its_own_role_zones_permissions_and_audience_and_nothing_of_others()
    {
        var zone = await app.ZoneAsync();
        var promoter = await app.ClientForAsync("promoter", zone);
        var me = await (await promoter.GetAsync("/api/keys/current")).JsonAsync();
        Assert.Equal("promoter", (string)me["role"]!);
        Assert.Equal([zone], me["zones"]!.AsArray().Select(z => (string)z!));
        Assert.Equal("internal", (string)me["audience"]!);
        var permissions = me["permissions"]!.AsArray().Select(p => (string)p!).ToList();
        Assert.Contains("register.read", permissions);
        Assert.DoesNotContain("enterprises.read", permissions);
        var admin = await (await app.Client.GetAsync("/api/keys/current")).JsonAsync();
        Assert.Null(admin["zones"]);
        Assert.Equal("confidential", (string)admin["audience"]!);
        Assert.DoesNotContain("key", admin.Select(p => p.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWithKey(null).GetAsync("/api/keys/current")).StatusCode);
    }

    [Fact]
    public async Task A_zone_lists_the_extent_of_its_live_parcels()
    {
        var zone = await app.ZoneAsync();
        var empty = await app.ZoneAsync();
        await app.CreateParcelAsync(Arrange.Feature(Arrange.Rectangle(119.100, 33.500, 100, 100), zone));
        await app.CreateParcelAsync(Arrange.Feature(Arrange.Rectangle(119.120, 33.520, 100, 100), zone));
        var zones = (await (await app.Client.GetAsync("/api/zones")).JsonAsync())["items"]!.AsArray();
        var box = zones.Single(z => (string)z!["code"]! == zone)!["bbox"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(119.100, box[0], 4);
        Assert.Equal(33.500, box[1], 4);
        Assert.True(box[2] > 119.1209 && box[3] > 33.5208, string.Join(",", box));
        Assert.Null(zones.Single(z => (string)z!["code"]! == empty)!["bbox"]);
        var read = await (await app.Client.GetAsync($"/api/zones/{zone}")).JsonAsync();
        Assert.Equal(box, read["bbox"]!.AsArray().Select(v => (double)v!).ToArray());
    }
}
