using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LandRegister.Tests.Support;

/// <summary>A feature as <c>ogrinfo</c> prints it: layer, FID, fields as printed, and the geometry's WKT.</summary>
public sealed record OgrFeature(string Layer, long Fid, IReadOnlyDictionary<string, string> Fields, string? Wkt);

/// <summary>GDAL's <c>ogrinfo</c> (Debian's gdal-bin, installed by the test set-up) as a client of the register.</summary>
public static partial class Ogr
{
    /// <summary>Runs ogrinfo with the arguments, sending the key on every HTTP request; fails the test on a non-zero exit.</summary>
    public static async Task<string> InfoAsync(string? apiKey, params string[] arguments)
    {
        var start = new ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (apiKey is not null) start.Environment["GDAL_HTTP_HEADERS"] = $"X-Api-Key: {apiKey}";
        start.Environment["GDAL_HTTP_TIMEOUT"] = "60";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"ogrinfo {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await error}\n{await output}");
        return await output;
    }

    [GeneratedRegex(@"^OGRFeature\((?<layer>[^)]+)\):(?<fid>-?\d+)$")]
    private static partial Regex FeatureLine();

    [GeneratedRegex(@"^  (?<name>[^ ]+) \([^)]*\) = (?<value>.*)$")]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^  (MULTI)?(POLYGON|POINT|LINESTRING)")]
    private static partial Regex GeometryLine();

    /// <summary>The features of an <c>ogrinfo -al</c> listing (without <c>-geom=NO</c>, each with its WKT).</summary>
    public static List<OgrFeature> Features(string listing)
    {
        var features = new List<OgrFeature>();
        string? layer = null;
        long fid = 0;
        Dictionary<string, string>? fields = null;
        string? wkt = null;
        void Flush()
        {
            if (layer is not null) features.Add(new OgrFeature(layer, fid, fields!, wkt));
            layer = null;
        }
        foreach (var line in listing.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (FeatureLine().Match(trimmed) is { Success: true } f)
            {
                Flush();
                (layer, fid, fields, wkt) = (f.Groups["layer"].Value, long.Parse(f.Groups["fid"].Value), new Dictionary<string, string>(), null);
            }
            else if (layer is not null && FieldLine().Match(trimmed) is { Success: true } field) fields![field.Groups["name"].Value] = field.Groups["value"].Value;
            else if (layer is not null && GeometryLine().IsMatch(trimmed)) wkt = trimmed.Trim();
        }
        Flush();
        return features;
    }
}
