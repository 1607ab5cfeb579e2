using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Jobs;

/// <summary>Hangfire's dashboard at /jobs: admins only, by the API key in its header or as the password of HTTP Basic.</summary>
public sealed class DashboardTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task Without_a_key_the_dashboard_answers_401_and_offers_basic_authentication()
    {
        var response = await app.ClientWithKey(null).GetAsync("/jobs");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "X-Api-Key");
        Assert.Contains(response.Headers.WwwAuthenticate, c => c.Scheme == "Basic" && c.Parameter!.Contains("LandRegister"));
    }

    [Fact]
    public async Task A_key_in_the_url_is_not_read()
    {
        var response = await app.ClientWithKey(null).GetAsync($"/jobs?api_key={RegisterApp.AdminKey}&X-Api-Key={RegisterApp.AdminKey}");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("planner")]
    [InlineData("analyst")]
    [InlineData("viewer")]
    public async Task Other_roles_are_refused(string role)
    {
        var client = await app.ClientForAsync(role);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/jobs")).StatusCode);
    }

    [Fact]
    public async Task An_admin_sees_the_runs_by_header_or_by_basic_authentication()
    {
        var zone = await app.ZoneAsync();
        var run = await app.RunAsync("/api/idle-land/runs", new JsonObject { ["zone"] = zone });
        Assert.Equal("succeeded", (string)run["status"]!);

        // The run is recorded succeeded when its work is done; Hangfire moves the job to Succeeded a moment later.
        HttpResponseMessage byHeader;
        string page;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            byHeader = await app.Client.GetAsync("/jobs/jobs/succeeded");
            page = await byHeader.Content.ReadAsStringAsync();
            if (page.Contains($"run {run["id"]}")) break;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        Assert.Contains("LandRegister jobs", page);
        Assert.Contains($"run {run["id"]}", page);

        using var browser = app.ClientWithKey(null);
        browser.DefaultRequestHeaders.Authorization = Basic("anyone", RegisterApp.AdminKey);
        var byBasic = await browser.GetAsync("/jobs/recurring");
        Assert.Equal(HttpStatusCode.OK, byBasic.StatusCode);
        Assert.Contains("nightly-evaluation", await byBasic.Content.ReadAsStringAsync());

        browser.DefaultRequestHeaders.Authorization = Basic("anyone", "not-a-key-0123456789");
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/jobs")).StatusCode);
    }
}
