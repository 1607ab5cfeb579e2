using System.Diagnostics;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Infrastructure;

/// <summary>The OpenAPI document in openapi/ is the one the API serves, and it is committed as built.</summary>
public sealed class OpenApiDocumentTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    static string CommittedPath => Path.Combine(Repository.Root, "openapi", "landregister.json");

    [Fact]
    public async Task The_document_in_openapi_is_the_one_the_api_serves()
    {
        var served = JsonNode.Parse(await app.Client.GetStringAsync("/openapi/v1.json"))!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath))!;
        Assert.True(JsonNode.DeepEquals(served, committed),
            "openapi/landregister.json is stale: build the solution (it regenerates the file) and commit it.");
        Assert.StartsWith("3.1", (string)served["openapi"]!);
    }

    [Fact]
    public void The_built_document_is_the_committed_one()
    {
        if (!Directory.Exists(Path.Combine(Repository.Root, ".git"))) return; // an exported source tree has no history to compare with
        var git = Process.Start(new ProcessStartInfo("git", "diff --exit-code --stat HEAD -- openapi/")
        {
            WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = git.StandardOutput.ReadToEnd() + git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.True(git.ExitCode == 0, $"The build changed openapi/ from what is committed; commit the regenerated document.\n{output}");
    }

    [Fact]
    public async Task The_docs_page_is_served()
    {
        var response = await app.Client.GetAsync("/docs/index.html");
        response.EnsureSuccessStatusCode();
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }
}
