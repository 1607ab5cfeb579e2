using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRegister.Api.Infrastructure;

public static class Json
{
    /// <summary>How the API escapes text: only what JSON requires (Chinese names are written as they are).</summary>
    public static readonly System.Text.Encodings.Web.JavaScriptEncoder Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>The HTTP JSON options (the audience filter is added by Access).</summary>
    public static IServiceCollection AddRegisterJson(this IServiceCollection services) =>
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => Configure(o.SerializerOptions));

    /// <summary>camelCase out; strict in: unknown members and numbers-as-strings are refused, not guessed at.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Encoder = Encoder;
        options.Converters.Add(new RegisterDateConverter());
    }
}

/// <summary>
/// GeoJSON geometry text written by PostGIS (<c>ST_AsGeoJSON</c>), passed through to the client unparsed.
/// </summary>
[JsonConverter(typeof(GeoJsonTextConverter))]
public readonly record struct GeoJsonText(string Json);

sealed class GeoJsonTextConverter : JsonConverter<GeoJsonText>
{
    public override GeoJsonText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return new GeoJsonText(doc.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, GeoJsonText value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}
