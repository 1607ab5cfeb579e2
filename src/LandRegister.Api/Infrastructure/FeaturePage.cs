using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LandRegister.Api.Infrastructure;

/// <summary>
/// A page of features already written as GeoJSON, one after another and separated by commas (each parcel's from its
/// row: <see cref="Parcels.ParcelJson"/>), answered as the <see cref="FeatureCollection{TFeature}"/> it documents (same
/// members, same order), the features' bytes passed through unparsed. The page is whole in memory before it is sent,
/// so it goes with its length, not in chunks; the features' buffer is given back once it is sent.
/// </summary>
public sealed class FeaturePage(long? matched, int returned, PooledBuffer features, IReadOnlyList<Link> links, string contentType) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        using var _ = features;
        http.Response.ContentType = contentType;
        var options = http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        using var head = new PooledBuffer();
        using (var json = new Utf8JsonWriter(head, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            if (matched is { } count) json.WriteNumber("numberMatched", count);
            json.WriteNumber("numberReturned", returned);
            json.WriteString("timeStamp", DateTimeOffset.UtcNow);
            json.WritePropertyName("links");
            JsonSerializer.Serialize(json, links, options);
            json.WriteStartArray("features");
        }
        ReadOnlySpan<byte> tail = "]}"u8;
        http.Response.ContentLength = head.Length + features.Length + tail.Length;
        var body = http.Response.BodyWriter;
        body.Write(head.Written.Span);
        body.Write(features.Written.Span);
        body.Write(tail);
        await body.FlushAsync(http.RequestAborted);
    }
}
