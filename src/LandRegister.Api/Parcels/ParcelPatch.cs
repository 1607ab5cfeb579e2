using System.Text.Json;
using Dapper;
using LandRegister.Api.Geometry;
using LandRegister.Api.Infrastructure;
using LandRegister.Api.LandUses;

namespace LandRegister.Api.Parcels;

/// <summary>
/// A JSON merge patch (RFC 7396) of a parcel Feature, checked and turned into SET clauses. Members absent
/// are unchanged, members set to null are cleared; output-only properties are ignored.
/// </summary>
public sealed class ParcelPatch
{
    static readonly Dictionary<string, string> Columns = new()
    {
        ["code"] = "code", ["parkCode"] = "park_code", ["name"] = "name", ["plannedUse"] = "planned_use",
        ["actualUse"] = "actual_use", ["status"] = "status", ["registeredAreaM2"] = "registered_area_m2",
    };

    readonly List<string> set = [];

    public DynamicParameters Args { get; } = new();
    public byte[]? Geometry { get; private set; }
    public bool IsEmpty => set.Count == 0;
    public string SetClause => string.Join(", ", set);

    public static ParcelPatch Read(JsonElement patch, ParcelReadOptions options, LandUseCodes uses)
    {
        var errors = new FieldErrors();
        var plan = new ParcelPatch();
        if (patch.ValueKind != JsonValueKind.Object) errors.Add("body", "a merge patch is a JSON object shaped like a parcel Feature");
        else
            foreach (var member in patch.EnumerateObject())
                switch (member.Name)
                {
                    case "type" or "id": break;
                    case "geometry" when member.Value.ValueKind == JsonValueKind.Null:
                        errors.Add("geometry", "a parcel's geometry cannot be removed");
                        break;
                    case "geometry":
                        plan.Geometry = GeoJsonGeometry.ReadPolygonal(member.Value, "geometry", options.Crs, errors);
                        plan.Set("geom", "register_geometry(ST_GeomFromEWKB(@geometry))");
                        plan.Args.Add("geometry", plan.Geometry);
                        break;
                    case "properties" when member.Value.ValueKind == JsonValueKind.Object:
                        foreach (var p in member.Value.EnumerateObject()) plan.Property(p, options, uses, errors);
                        break;
                    default:
                        errors.AddUnreadable(member.Name, "unknown member; a parcel patch may hold properties and geometry");
                        break;
                }
        errors.ThrowIfAny();
        return plan;
    }

    void Property(JsonProperty p, ParcelReadOptions options, LandUseCodes uses, FieldErrors errors)
    {
        var field = "properties." + p.Name;
        var value = p.Value;
        if (ParcelInput.ReadOnly.Contains(p.Name)) return;
        if (p.Name == "zoneCode")
        {
            errors.Add(field, "a parcel cannot move to another zone; retire it and register it there");
            return;
        }
        if (!Columns.TryGetValue(p.Name, out var column))
        {
            errors.AddUnreadable(field, "unknown property");
            return;
        }
        object? arg;
        if (p.Name == "registeredAreaM2")
        {
            arg = value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.Number when value.TryGetDecimal(out var d) && d > 0 => d,
                _ => Fail(errors, field, "must be a number of square metres greater than 0, or null"),
            };
        }
        else if (value.ValueKind == JsonValueKind.Null)
        {
            arg = p.Name is "code" or "status" ? Fail(errors, field, "required; it cannot be cleared") : null;
        }
        else if (value.ValueKind != JsonValueKind.String) arg = Fail(errors, field, "must be a string");
        else if (!Text.IsPlain(value.GetString()!)) arg = Fail(errors, field, Text.ControlCharacters);
        else
        {
            var text = value.GetString()!;
            arg = p.Name switch
            {
                "plannedUse" or "actualUse" => uses.Resolve(text, options.UseScheme, field, errors),
                "status" when !ParcelStatus.IsKnown(text) => Unknown(errors, field, text),
                "code" => string.IsNullOrWhiteSpace(text) ? Fail(errors, field, "must not be empty") : text.Trim(),
                _ => text,
            };
        }
        Set(column, "@" + column);
        Args.Add(column, arg);
    }

    void Set(string column, string expression) => set.Add($"{column} = {expression}");

    static object? Fail(FieldErrors errors, string field, string reason)
    {
        errors.Add(field, reason);
        return null;
    }

    static object? Unknown(FieldErrors errors, string field, string status)
    {
        errors.AddUnknown(field, $"unknown status '{status}'", ParcelStatus.All);
        return null;
    }
}
