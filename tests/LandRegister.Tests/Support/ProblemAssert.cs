using System.Net;
using System.Text.Json.Nodes;

namespace LandRegister.Tests.Support;

public static class ProblemAssert
{
    /// <summary>The response is RFC 9457 problem details with the status, naming the field; returns the body.</summary>
    public static async Task<JsonObject> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int)body["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["title"]));
        var errors = body["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"problem does not name '{field}': {text}");
        Assert.NotEmpty(errors[field]!.AsArray());
        return body;
    }

    public static string Reason(JsonObject problem, string field) => (string)problem["errors"]![field]![0]!;
}
