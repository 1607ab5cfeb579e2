using System.Diagnostics;
using System.Text.Json.Nodes;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Docs;

/// <summary>The OpenAPI document in openapi/ is the one the API serves, and it is committed as built.</summary>
public sealed class OpenApiDocumentTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [Theory]
    [InlineData("/openapi/v1.json", "landregister.json")]
    [InlineData("/openapi/ogc.json", "landregister_ogc.json")]
    public async Task The_document_in_openapi_is_the_one_the_api_serves(string url, string file)
    {
        var served = JsonNode.Parse(await app.Client.GetStringAsync(url))!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "openapi", file)))!;
        Assert.True(JsonNode.DeepEquals(served, committed),
            $"openapi/{file} is stale: build the solution (it regenerates the file) and commit it.");
        Assert.StartsWith("3.0", (string)served["openapi"]!); // the OGC API's oas30 conformance class
    }

    [Fact]
    public async Task The_ogc_document_describes_the_ogc_api_alone()
    {
        var paths = JsonNode.Parse(await app.Client.GetStringAsync("/openapi/ogc.json"))!["paths"]!.AsObject();
        Assert.Contains("/ogc/collections/{collectionId}/items", paths.Select(p => p.Key));
        Assert.All(paths, p => Assert.StartsWith("/ogc", p.Key));
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
