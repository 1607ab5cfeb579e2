using System.Text.Json;
using LandRegister.Api.Spatial;
using LandRegister.Api.LandUses;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Parcels;

/// <summary>A parcel read from a client's GeoJSON Feature, checked and ready to insert.</summary>
/// <param name="ExistedFrom">When the parcel came into being in the world (its effective date); null: when it is recorded.</param>
/// <param name="Supply">The supply record of a parcel registered in a status that has a holder.</param>
public sealed record ParcelDraft(
    string ZoneCode, string Code, string? ParkCode, string? Name, string? PlannedUse, string? ActualUse,
    string Status, decimal? RegisteredAreaM2, Geometry Geometry, DateTimeOffset? ExistedFrom = null, SupplyInput? Supply = null,
    DateOnly? EffectiveDate = null);

/// <summary>How to read features: the CRS, defaults, legacy codes, and (for imports) where each property is found.</summary>
public sealed record ParcelReadOptions(InputCrs Crs, string? DefaultZone, string? UseScheme, bool Strict,
    IReadOnlyDictionary<string, string>? Mapping = null);

public static class ParcelInput
{
    /// <summary>The properties a client may set.</summary>
    public static readonly string[] Writable =
        ["code", "zoneCode", "parkCode", "name", "plannedUse", "actualUse", "status", "registeredAreaM2", "effectiveDate", "supply"];

    /// <summary>The statuses a parcel may be registered in only with its supply record: land with a holder.</summary>
    public static readonly string[] NeedSupply =
        [ParcelStatus.Supplied, ParcelStatus.UnderConstruction, ParcelStatus.InUse, ParcelStatus.LowEfficiency, ParcelStatus.Idle];

    /// <summary>Output-only properties: accepted (and ignored) so a feature read from the API can be sent back.</summary>
    public static readonly string[] ReadOnly = ["areaM2", "areaMu", "createdAt", "updatedAt", "retiredAt"];

    /// <summary>
    /// Reads one Feature; returns null after adding every problem to <paramref name="errors"/>, each named by
    /// its path under <paramref name="prefix"/> (e.g. <c>features[3].</c>).
    /// </summary>
    public static ParcelDraft? Read(JsonElement feature, ParcelReadOptions options, LandUseCodes uses, FieldErrors errors, string prefix = "",
        DateOnly? effectiveDate = null)
    {
        var before = errors.Count;
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
        {
            errors.Add(prefix + "type", "must be a GeoJSON Feature (\"type\": \"Feature\")");
            return null;
        }
        var properties = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var reader = new PropertyReader(properties, prefix + "properties.", options, errors);
        if (options.Strict) reader.RejectUnknown();

        var code = reader.String("code") ?? FeatureId(feature);
        var zone = reader.String("zoneCode") ?? options.DefaultZone;
        var status = reader.String("status") ?? ParcelStatus.RawLand;
        var area = reader.Decimal("registeredAreaM2");
        var effective = reader.Date("effectiveDate") ?? effectiveDate;
        ValidTime.Check(effective, prefix + "properties.effectiveDate", errors);
        var supply = reader.Object<SupplyInput>("supply");
        var geometry = feature.TryGetProperty("geometry", out var g) && g.ValueKind != JsonValueKind.Null
            ? GeoJsonGeometry.ReadPolygonal(g, prefix + "geometry", options.Crs, errors)
            : Missing(errors, prefix + "geometry");
        var draft = new ParcelDraft(
            ZoneCode: zone ?? "",
            Code: code?.Trim() ?? "",
            ParkCode: reader.String("parkCode"),
            Name: reader.String("name"),
            PlannedUse: uses.Resolve(reader.String("plannedUse"), options.UseScheme, prefix + "properties.plannedUse", errors),
            ActualUse: uses.Resolve(reader.String("actualUse"), options.UseScheme, prefix + "properties.actualUse", errors),
            Status: status,
            RegisteredAreaM2: area,
            Geometry: geometry!,
            ExistedFrom: ValidTime.From(effective),
            Supply: supply,
            EffectiveDate: effective);

        if (string.IsNullOrWhiteSpace(code)) errors.Add(prefix + "properties.code", "required (the parcel number, 宗地编号)");
        else if (draft.Code.Length > 64) errors.Add(prefix + "properties.code", "must be at most 64 characters");
        if (string.IsNullOrWhiteSpace(zone)) errors.Add(prefix + "properties.zoneCode", "required");
        if (!ParcelStatus.IsKnown(status))
            errors.AddUnknown(prefix + "properties.status", $"unknown status '{status}'", ParcelStatus.All);
        if (area is <= 0) errors.Add(prefix + "properties.registeredAreaM2", "must be greater than 0");
        if (supply is not null) supply.Validate(prefix + "properties.supply.", effective ?? RegisterClock.Today, errors);
        else if (NeedSupply.Contains(status) && !errors.All.Any(e => e.Field.StartsWith(prefix + "properties.supply", StringComparison.Ordinal)))
            errors.Add(prefix + "properties.supply", $"required for a parcel registered as {status}: its supply record (method, dealtOn, recipient, dates), " +
                                                     "without which the idle-land rule and the evaluation cannot see its holder");
        if (supply is not null && status is ParcelStatus.RawLand or ParcelStatus.CleanLand)
            errors.Add(prefix + "properties.supply", $"{status} has no holder: a supply record goes with land that has been supplied");
        if (draft.Name is { Length: > 200 }) errors.Add(prefix + "properties.name", "must be at most 200 characters");
        return errors.Count == before ? draft : null;
    }

    static string? FeatureId(JsonElement feature) =>
        feature.TryGetProperty("id", out var id) ? id.ValueKind switch
        {
            JsonValueKind.String => id.GetString(),
            JsonValueKind.Number => id.GetRawText(),
            _ => null,
        } : null;

    static Geometry? Missing(FieldErrors errors, string field)
    {
        errors.Add(field, "required: a GeoJSON Polygon or MultiPolygon");
        return null;
    }
}
