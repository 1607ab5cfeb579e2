using System.Text.Json.Nodes;
using static LandRegister.Tests.Support.Arrange;

namespace LandRegister.Tests.Support;

/// <summary>Hand-drawn clean-land parcels in Gauss-Krüger metres (EPSG:4549, as the test zones), near Lianshui.</summary>
public static class Drawing
{
    public const double X0 = 434000;
    public const double Y0 = 3742000;

    /// <summary>The side of a square of this many mu.</summary>
    public static double Side(double mu) => Math.Sqrt(mu * 10000d / 15);

    public static JsonObject Box(double x, double y, double width, double height) =>
        Polygon([x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]);

    /// <summary>Registers a clean industrial parcel drawn in metres; returns its id and code.</summary>
    public static async Task<(long Id, string Code)> CleanAsync(this RegisterApp app, string zone, JsonObject box,
        string plannedUse = "100101", string? park = null, string status = "clean_land", string? effectiveDate = null)
    {
        var feature = Feature(box, zone, code: Unique("RS"), status: status, plannedUse: plannedUse, park: park);
        if (effectiveDate is not null) feature["properties"]!["effectiveDate"] = effectiveDate;
        var created = await app.CreateParcelAsync(feature, "?crs=EPSG:4549");
        return ((long)created["id"]!, (string)created["properties"]!["code"]!);
    }

    public static async Task<JsonArray> FeaturesAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["features"]!.AsArray();
    }

    public static string[] Codes(JsonNode feature) => feature["properties"]!["parcelCodes"]!.AsArray().Select(c => (string)c!).Order().ToArray();
}
