using System.Net;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Evaluation;

public sealed class SchemeTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Fact]
    public async Task A_zone_starts_with_the_default_scheme_and_each_change_is_a_new_version()
    {
        var zone = await app.ZoneAsync();
        var response = await app.Client.GetAsync($"/api/evaluation/schemes/2024?zone={zone}");
        var stored = await response.JsonAsync();
        Assert.True((bool)stored["isDefault"]!);
        Assert.Equal(0, (int)stored["version"]!);
        var indicators = stored["scheme"]!["indicators"]!.AsArray();
        Assert.Equal(["tax_per_mu", "sales_per_mu", "tax_per_energy"], indicators.Select(i => (string)i!["key"]!));
        Assert.Equal([45.0, 35.0, 20.0], indicators.Select(i => (double)i!["weight"]!));

        var scheme = stored["scheme"]!.DeepClone().AsObject();
        scheme["bands"] = new JsonObject { ["a"] = 0.25, ["b"] = 0.70, ["c"] = 0.95 };
        scheme["scope"]!["minAreaMu"] = 5;
        var put = await app.SendAsync(HttpMethod.Put, $"/api/evaluation/schemes/2024?zone={zone}", scheme.ToJsonString(), ifMatch: response.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var v1 = await put.JsonAsync();
        Assert.Equal(1, (int)v1["version"]!);
        Assert.Equal(0.25, (double)v1["scheme"]!["bands"]!["a"]!);

        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Put, $"/api/evaluation/schemes/2024?zone={zone}", scheme.ToJsonString(), ifMatch: "\"0\""),
            HttpStatusCode.PreconditionFailed, "If-Match");
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Put, $"/api/evaluation/schemes/2024?zone={zone}", scheme.ToJsonString()),
            HttpStatusCode.PreconditionRequired, "If-Match");
        Assert.Equal(1, (int)(await (await app.Client.GetAsync($"/api/evaluation/schemes/2024?zone={zone}")).JsonAsync())["version"]!);
    }

    [Theory]
    [InlineData("indicators[0].key", "key", "\"tax_per_cow\"", HttpStatusCode.BadRequest)]
    [InlineData("indicators", "weight", "50", HttpStatusCode.UnprocessableEntity)]
    [InlineData("indicators[0].benchmark.rule", "benchmark", """{"rule":"guess","factor":2}""", HttpStatusCode.BadRequest)]
    public async Task A_scheme_that_does_not_add_up_is_refused(string field, string member, string value, HttpStatusCode status)
    {
        var zone = await app.ZoneAsync();
        var response = await app.Client.GetAsync($"/api/evaluation/schemes/2025?zone={zone}");
        var scheme = (await response.JsonAsync())["scheme"]!.DeepClone().AsObject();
        scheme["indicators"]![0]![member] = JsonNode.Parse(value);
        await ProblemAssert.IsProblemAsync(
            await app.SendAsync(HttpMethod.Put, $"/api/evaluation/schemes/2025?zone={zone}", scheme.ToJsonString(), ifMatch: response.Headers.ETag!.ToString()),
            status, field);
    }

    [Fact]
    public async Task The_jobs_overview_shows_the_nightly_schedules()
    {
        var jobs = await (await app.Client.GetAsync("/api/jobs")).JsonAsync();
        var schedules = jobs["schedules"]!.AsArray();
        Assert.Contains(schedules, s => (string)s!["id"]! == "nightly-evaluation" && (string)s["cron"]! == "0 2 * * *"
                                        && (string)s["timeZone"]! == "Asia/Shanghai" && (string)s["job"]! == "NightlyJob(evaluation)");
        Assert.Contains(schedules, s => (string)s!["id"]! == "nightly-idle-land" && (string)s["cron"]! == "30 2 * * *" && s["nextRunAt"] is not null);
        Assert.Contains(schedules, s => (string)s!["id"]! == "watchdog");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ClientForAsync("promoter")).GetAsync("/api/jobs")).StatusCode);
    }
}
