using LandRegister.Tests.Support;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.LandUses;

public sealed class LandUseTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task Land_use_codes_are_listed_with_their_legacy_mappings()
    {
        var catalogue = await (await app.Client.GetAsync("/api/land-uses")).JsonAsync();
        var industrial = catalogue["items"]!.AsArray().Single(i => (string)i!["code"]! == "100101")!;
        Assert.Equal("1001", (string)industrial["parent"]!);
        Assert.Equal("一类工业用地", (string)industrial["nameZh"]!);
        var m1 = catalogue["legacy"]!.AsArray().Single(l => (string)l!["scheme"]! == "gb50137" && (string)l["code"]! == "M1")!;
        Assert.Equal("100101", (string)m1["useCode"]!);
    }
}
