using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// A page of features already written as GeoJSON (each parcel's from its row: <see cref="Parcels.ParcelJson"/>), answered
/// as the <see cref="FeatureCollection{TFeature}"/> it documents (same members, same order), each feature's bytes passed
/// through unparsed.
/// </summary>
public sealed class FeaturePage(long? matched, IReadOnlyList<byte[]> features, IReadOnlyList<Link> links, string contentType) : IResult
{
    /// <summary>How much of the page is held before it is sent on.</summary>
    const int FlushBytes = 64 * 1024;

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.ContentType = contentType;
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var body = http.Response.BodyWriter;
        // On the response's pipe, the writer's flushes (the serializer's own among them) only hand bytes on; sending is awaited below.
        using var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = options.Encoder });
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        if (matched is { } count) json.WriteNumber("numberMatched", count);
        json.WriteNumber("numberReturned", features.Count);
        json.WriteString("timeStamp", DateTimeOffset.UtcNow);
        json.WritePropertyName("links");
        JsonSerializer.Serialize(json, links, options);
        json.WriteStartArray("features");
        foreach (var feature in features)
        {
            json.WriteRawValue(feature, skipInputValidation: true);
            if (json.BytesPending > FlushBytes) await SendAsync();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await SendAsync();

        async Task SendAsync()
        {
            json.Flush();
            await body.FlushAsync(http.RequestAborted);
        }
    }
}
