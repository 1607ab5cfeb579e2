using System.Text.Json.Nodes;
using LandRegister.Tests.Support;
using Microsoft.OpenApi;

namespace LandRegister.Tests.Docs;

/// <summary>
/// The committed OpenAPI document is valid by Microsoft's OpenAPI validator and says what the API does: each operation
/// lists the refusals it can answer with the problem schema, inputs say what is required, geometry inputs are GeoJSON.
/// </summary>
public sealed class OpenApiContractTests
{
    static readonly string[] Files = ["landregister.json", "landregister_ogc.json"];

    static string Read(string file) => File.ReadAllText(Path.Combine(Repository.Root, "openapi", file));

    [Theory]
    [InlineData("landregister.json")]
    [InlineData("landregister_ogc.json")]
    public void The_document_reads_and_validates_without_an_error(string file)
    {
        var read = OpenApiDocument.Parse(Read(file), "json");
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0,
            string.Join("\n", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
        var errors = read.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20).Select(e => $"{e.Pointer}: {e.Message}")));
    }

    [Fact]
    public void Every_operation_lists_its_refusals_with_the_problem_schema()
    {
        var doc = JsonNode.Parse(Read(Files[0]))!;
        var missing = new List<string>();
        foreach (var (path, item) in doc["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "get" or "post" or "put" or "patch" or "delete"))
            {
                if (operation!["security"] is null) continue; // health and the documents
                var responses = operation["responses"]!.AsObject();
                var expected = new List<string> { "400", "401", "403", "429", "503" };
                if (path.Contains('{')) expected.Add("404");
                if (method is "post" or "put" or "patch") expected.AddRange(["409", "413", "415", "422"]);
                foreach (var status in expected)
                    if (responses[status]?["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>() != "#/components/schemas/Problem")
                        missing.Add($"{method.ToUpperInvariant()} {path} {status}");
            }
        Assert.True(missing.Count == 0, $"{missing.Count} refusals not described:\n{string.Join("\n", missing.Take(30))}");
    }

    [Fact]
    public void Inputs_say_what_is_required_and_geometry_inputs_are_geojson()
    {
        var doc = JsonNode.Parse(Read(Files[0]))!;
        var schemas = doc["components"]!["schemas"]!.AsObject();
        // A park is sent as plain members or as a Feature: neither shape's members are required of the other.
        var park = schemas["ParkInput"]!;
        Assert.Null(park["required"]);
        Assert.Equal("#/components/schemas/GeoJsonGeometry", (string)park["properties"]!["boundary"]!["$ref"]!);
        Assert.Equal("#/components/schemas/GeoJsonGeometry", (string)park["properties"]!["geometry"]!["$ref"]!);
        Assert.Null(schemas["ParkProperties"]!["required"]);
        foreach (var (name, schema) in schemas.Where(s => s.Key.EndsWith("Input", StringComparison.Ordinal)))
            foreach (var required in schema!["required"]?.AsArray().Select(r => (string)r!) ?? [])
                Assert.False(schema["properties"]?[required]?["nullable"]?.GetValue<bool>() == true, $"{name}.{required} is required and nullable");

        var import = doc["paths"]!["/api/parcels/import"]!["post"]!["requestBody"]!["content"]!;
        Assert.Equal("#/components/schemas/GeoJsonFeatureCollection", (string)import["application/geo+json"]!["schema"]!["$ref"]!);
        var create = doc["paths"]!["/api/parcels"]!["post"]!["requestBody"]!["content"]!;
        Assert.Equal("#/components/schemas/GeoJsonFeature", (string)create["application/geo+json"]!["schema"]!["$ref"]!);
        Assert.Equal("#/components/schemas/GeoJsonGeometry", (string)schemas["GeoJsonFeature"]!["properties"]!["geometry"]!["$ref"]!);
    }
}
