using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LandRegister.Tests.Support;

namespace LandRegister.Tests.Docs;

/// <summary>
/// Every parameter of every operation in the committed OpenAPI document, sent malformed (and every required one left
/// out): the answer is never a 500 and never speaks of the framework's types.
/// </summary>
public sealed partial class ParameterWalkTests(RegisterApp app) : IClassFixture<RegisterApp>
{
    [GeneratedRegex(@"System\.|Microsoft\.|Nullable<|\b(Int32|Int64|Int16|DateTimeOffset|DateOnly|Boolean|Double|Decimal|Single)\b")]
    private static partial Regex DotNetTypeName();

    static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public async Task No_malformed_or_missing_parameter_is_answered_with_a_500_or_a_dotnet_type_name()
    {
        var document = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "openapi", "landregister.json")))!;
        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods.Where(m => item![m] is not null))
            {
                var parameters = item![method]!["parameters"]?.AsArray().Select(p => p!.AsObject()).ToList() ?? [];
                // Each parameter malformed in turn; once more with no optional or query parameter at all.
                foreach (var tested in parameters.Where(p => (string)p["in"]! is "query" or "path").Append(null))
                {
                    var url = new StringBuilder();
                    url.Append(Regex.Replace(path, @"\{(\w+)\}", m =>
                        tested is not null && (string)tested["name"]! == m.Groups[1].Value ? "not-a-value!" : "1"));
                    if (tested is not null && (string)tested["in"]! == "query") url.Append("?").Append(tested["name"]).Append("=not-a-value!");
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url.ToString());
                    if (method is "post" or "put" or "patch") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                    if (method is "patch" or "delete" or "put") request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
                    using var response = await app.Client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    sent++;
                    if ((int)response.StatusCode >= 500 || DotNetTypeName().IsMatch(body))
                        failures.Add($"{method.ToUpperInvariant()} {url}: {(int)response.StatusCode} {body[..Math.Min(300, body.Length)]}");
                }
            }
        }
        Assert.True(sent > 200, $"only {sent} requests: is the document empty?");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} answers:\n{string.Join("\n", failures.Take(30))}");
    }
}
