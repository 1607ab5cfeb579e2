using System.Text.Json;

namespace LandRegister.Api.Parcels;

/// <summary>Typed access to a Feature's properties, following an import's property mapping, with errors named by path.</summary>
sealed class PropertyReader(JsonElement properties, string prefix, ParcelReadOptions options, FieldErrors errors)
{
    string Source(string name) => options.Mapping?.GetValueOrDefault(name) ?? name;

    bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return properties.ValueKind == JsonValueKind.Object
               && properties.TryGetProperty(Source(name), out value)
               && value.ValueKind != JsonValueKind.Null;
    }

    public string? String(string name)
    {
        if (!TryGet(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (!Text.IsPlain(text)) errors.Add(prefix + Source(name), Text.ControlCharacters);
            return text;
        }
        if (value.ValueKind == JsonValueKind.Number && options.Mapping?.ContainsKey(name) == true) return value.GetRawText();
        errors.Add(prefix + Source(name), "must be a string");
        return null;
    }

    public decimal? Decimal(string name)
    {
        if (!TryGet(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) && d < 1_000_000_000_000m) return d;
        errors.Add(prefix + Source(name), "must be a number of square metres");
        return null;
    }

    public DateOnly? Date(string name)
    {
        if (!TryGet(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String
            && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, default, out var day))
        {
            if (RegisterDates.InRange(day)) return day;
            errors.Add(prefix + Source(name), RegisterDates.OutOfRange);
            return null;
        }
        errors.Add(prefix + Source(name), "must be a date, yyyy-MM-dd");
        return null;
    }

    /// <summary>An object member read as <typeparamref name="T"/> (camelCase names, unknown members refused).</summary>
    public T? Object<T>(string name) where T : class
    {
        if (!TryGet(name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Object)
            try { return value.Deserialize<T>(Strict); }
            catch (JsonException e)
            {
                var field = prefix + Source(name) + (e.Path is { Length: > 1 } p ? p[1..] : "");
                if (e.Message == RegisterDates.OutOfRange) errors.Add(field, RegisterDates.OutOfRange);
                else errors.AddUnreadable(field, "not readable: " + e.Message.Split(" Path:")[0]);
                return null;
            }
        errors.Add(prefix + Source(name), "must be an object");
        return null;
    }

    static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        Converters = { new RegisterDateConverter() },
    };

    public void RejectUnknown()
    {
        if (properties.ValueKind != JsonValueKind.Object) return;
        foreach (var p in properties.EnumerateObject())
            if (!ParcelInput.Writable.Contains(p.Name) && !ParcelInput.ReadOnly.Contains(p.Name))
                errors.AddUnreadable(prefix + p.Name, "unknown property");
    }
}
