using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LandRegister.Tests.Support;

/// <summary>
/// QGIS 3.22 (Debian's python3-qgis, installed by the test set-up) as a client of the register: <c>Ogc/qgis_client.py</c>
/// run headless, the key in its environment, its answer one JSON object.
/// </summary>
public static class Qgis
{
    static readonly string Script = Path.Combine(Repository.Root, "tests", "LandRegister.Tests", "Ogc", "qgis_client.py");

    /// <summary>The OGC API collection as a QGIS OAPIF layer: validity, feature count, field names, the features' attributes.</summary>
    public static Task<JsonObject> OapifAsync(Uri register, string key, JsonObject options) =>
        RunAsync("oapif", new Uri(register, "/ogc").ToString(), key, options);

    /// <summary>The parcel tiles as a QGIS vector tile layer, drawn: validity and the pixels drawn.</summary>
    public static Task<JsonObject> TilesAsync(string template, string key, JsonObject options) => RunAsync("tiles", template, key, options);

    static async Task<JsonObject> RunAsync(string mode, string address, string key, JsonObject options)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script, mode, address, options.ToJsonString() }) start.ArgumentList.Add(argument);
        start.Environment["LANDREGISTER_KEY"] = key;
        start.Environment["QT_QPA_PLATFORM"] = "offscreen";
        start.Environment["XDG_RUNTIME_DIR"] = Directory.CreateTempSubdirectory("qgis-runtime-").FullName;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(process.ExitCode == 0 && lines.Length > 0, $"QGIS {mode} exited with {process.ExitCode}:\n{await error}\n{await output}");
        return JsonNode.Parse(lines[^1], documentOptions: new JsonDocumentOptions())!.AsObject();
    }
}
