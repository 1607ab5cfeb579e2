using System.Net;
using System.Text.Json.Nodes;

namespace LandRegister.Tests.Support;

public static class Runs
{
    /// <summary>Starts a run (202 + Location) and polls it until it has finished; returns the finished run.</summary>
    public static async Task<JsonObject> RunAsync(this RegisterApp app, string path, JsonObject request, HttpClient? client = null)
    {
        client ??= app.Client;
        var response = await client.PostAsync(path, new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode} {body}");
        return await WaitAsync(client, response.Headers.Location!.ToString(), TimeSpan.FromSeconds(60));
    }

    public static async Task<JsonObject> WaitAsync(HttpClient client, string location, TimeSpan timeout, params string[] until)
    {
        var statuses = until.Length > 0 ? until : ["succeeded", "failed"];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var run = JsonNode.Parse(await client.GetStringAsync(location))!.AsObject();
            if (statuses.Contains((string)run["status"]!)) return run;
            if (clock.Elapsed > timeout) throw new TimeoutException($"run {location} still {run["status"]} after {timeout}: {run}");
            await Task.Delay(100);
        }
    }
}
