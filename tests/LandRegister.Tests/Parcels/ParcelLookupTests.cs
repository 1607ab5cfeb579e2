using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Parcels;

/// <summary>The map's search box: by code for everyone, by name for staff, by holder and credit code for planners.</summary>
public sealed class ParcelLookupTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static List<string> Codes(JsonObject found) => found["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();

    [Fact]
    public async Task Parcels_are_found_by_code_name_holder_and_credit_code_as_each_role_may_see_them()
    {
        var zone = await app.ZoneAsync();
        var prefix = Unique("LK");
        var clean = Feature(Rectangle(119.50, 33.70, 100, 100), zone, code: $"{prefix}-0012");
        clean["properties"]!["name"] = "空港产业园东区净地";
        await app.CreateParcelAsync(clean);
        await app.CreateParcelAsync(Feature(Rectangle(119.502, 33.70, 100, 100), zone, code: $"{prefix}-0001"));
        var held = (long)(await app.CreateParcelAsync(Feature(Rectangle(119.504, 33.70, 100, 100), zone, code: $"X{prefix}-0003", status: "in_use")))["id"]!;

        var byCode = await (await app.Client.GetAsync($"/api/parcels/lookup?q={prefix.ToLowerInvariant()}&zone={zone}")).JsonAsync();
        Assert.Equal([$"{prefix}-0001", $"{prefix}-0012", $"X{prefix}-0003"], Codes(byCode));
        var exact = await (await app.Client.GetAsync($"/api/parcels/lookup?q=X{prefix}-0003")).JsonAsync();
        var found = exact["items"]!.AsArray().Single()!;
        Assert.Equal(held, (long)found["id"]!);
        Assert.Equal("code", (string)found["matched"]!);
        var bbox = found["bbox"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.InRange(bbox[0], 119.5039, 119.5041);
        Assert.True(bbox[2] > bbox[0] && bbox[3] > bbox[1]);

        // A planner finds land by its holder; a promoter by a name but not by the holder; a viewer by code only.
        var planner = await app.ClientForAsync("planner", zone);
        var byHolder = await (await planner.GetAsync($"/api/parcels/lookup?q=阿特斯&zone={zone}")).JsonAsync();
        Assert.Equal([$"X{prefix}-0003"], Codes(byHolder));
        Assert.Equal("阿特斯阳光电力集团", (string)byHolder["items"]![0]!["holderName"]!);
        var byCredit = await (await planner.GetAsync($"/api/parcels/lookup?q={Support.Lifecycle.ValidCreditCode.ToLowerInvariant()}&zone={zone}")).JsonAsync();
        Assert.Equal("creditCode", (string)byCredit["items"]![0]!["matched"]!);
        var promoter = await app.ClientForAsync("promoter", zone);
        Assert.Empty(Codes(await (await promoter.GetAsync($"/api/parcels/lookup?q=阿特斯")).JsonAsync()));
        var byName = await (await promoter.GetAsync("/api/parcels/lookup?q=空港产业园东区")).JsonAsync();
        Assert.Equal([$"{prefix}-0012"], Codes(byName));
        Assert.Null(byName["items"]![0]!["holderName"]);
        var viewer = await app.ClientForAsync("viewer", zone);
        Assert.Empty(Codes(await (await viewer.GetAsync("/api/parcels/lookup?q=空港产业园东区")).JsonAsync()));
        Assert.Single(Codes(await (await viewer.GetAsync($"/api/parcels/lookup?q={prefix}-0012")).JsonAsync()));

        // Another zone's key finds nothing of this zone.
        var other = await app.ClientForAsync("planner", await app.ZoneAsync());
        Assert.Empty(Codes(await (await other.GetAsync($"/api/parcels/lookup?q={prefix}")).JsonAsync()));
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/api/parcels/lookup?q=%20"), HttpStatusCode.UnprocessableEntity, "q");
        await ProblemAssert.IsProblemAsync(await app.Client.GetAsync("/api/parcels/lookup?q=a%00b"), HttpStatusCode.BadRequest, "q");
    }
}
