using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LandRegister.Tests.Support;

/// <summary>Builders for the data tests arrange: zones, parks and parcel Features with unique codes.</summary>
public static class Arrange
{
    static int counter;

    public static string Unique(string prefix) => $"{prefix}{Interlocked.Increment(ref counter)}";

    /// <summary>Creates a zone (Gauss-Krüger EPSG:4549, like Lianshui) and returns its code.</summary>
    public static async Task<string> ZoneAsync(this RegisterApp app, int gkEpsg = 4549)
    {
        var code = Unique("Z");
        var response = await app.PostAsync("/api/zones", new JsonObject { ["code"] = code, ["name"] = $"测试开发区 {code}", ["gkEpsg"] = gkEpsg });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return code;
    }

    public static async Task<string> ParkAsync(this RegisterApp app, string zone, JsonNode? boundary = null)
    {
        var code = Unique("P");
        var response = await app.PostAsync("/api/parks", new JsonObject
        {
            ["code"] = code, ["zoneCode"] = zone, ["name"] = $"园区 {code}", ["boundary"] = boundary,
            ["leadingIndustries"] = new JsonArray("新材料"),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return code;
    }

    public static JsonObject Feature(JsonNode geometry, string zone, string? code = null, string status = "clean_land",
        string? plannedUse = "100101", string? park = null) => new()
    {
        ["type"] = "Feature",
        ["geometry"] = geometry,
        ["properties"] = new JsonObject
        {
            ["code"] = code ?? Unique("C"), ["zoneCode"] = zone, ["status"] = status,
            ["plannedUse"] = plannedUse, ["parkCode"] = park,
        },
    };

    /// <summary>A lon/lat rectangle of about <paramref name="widthM"/> × <paramref name="heightM"/> metres, south-west corner at (lon, lat).</summary>
    public static JsonObject Rectangle(double lon, double lat, double widthM, double heightM)
    {
        var dLat = heightM / 111_320d;
        var dLon = widthM / (111_320d * Math.Cos(lat * Math.PI / 180));
        return Polygon([[lon, lat], [lon + dLon, lat], [lon + dLon, lat + dLat], [lon, lat + dLat], [lon, lat]]);
    }

    public static JsonObject Polygon(params double[][] ring) => new()
    {
        ["type"] = "Polygon",
        ["coordinates"] = new JsonArray(Ring(ring)),
    };

    public static JsonArray Ring(double[][] ring) => new(ring.Select(p => (JsonNode)new JsonArray(p.Select(v => (JsonNode)v).ToArray())).ToArray());

    /// <summary>
    /// Registers a parcel. Land registered with a holder must carry its supply record; a test that is not about the
    /// record gets the default one (<see cref="Lifecycle.Supply"/>).
    /// </summary>
    public static async Task<JsonObject> CreateParcelAsync(this RegisterApp app, JsonObject feature, string query = "")
    {
        if (feature["properties"] is JsonObject properties && properties["supply"] is null
            && (string?)properties["status"] is "supplied" or "under_construction" or "in_use" or "low_efficiency" or "idle")
            properties["supply"] = Lifecycle.Supply();
        var response = await app.PostAsync("/api/parcels" + query, feature, "application/geo+json");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create failed: {(int)response.StatusCode} {body}");
        return body!;
    }

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}
