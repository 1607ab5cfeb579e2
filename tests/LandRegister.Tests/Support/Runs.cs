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

    /// <summary>Polls a run until it has ended, through answers that fail while the database is away.</summary>
    public static async Task<JsonObject> WaitThroughOutageAsync(HttpClient client, string location, TimeSpan timeout)
    {
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            var response = await client.GetAsync(location);
            if (response.IsSuccessStatusCode)
            {
                var run = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
                if ((string)run["status"]! is "succeeded" or "failed") return run;
                if (clock.Elapsed > timeout) throw new TimeoutException($"run still {run["status"]} after {timeout}: {run}");
            }
            else if (clock.Elapsed > timeout) throw new TimeoutException($"{location} answered {(int)response.StatusCode} after {timeout}");
        }
    }
}
