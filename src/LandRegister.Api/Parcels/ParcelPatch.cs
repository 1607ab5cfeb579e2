using System.Text.Json;
using LandRegister.Api.Spatial;
using LandRegister.Api.LandUses;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Parcels;

/// <summary>
/// A JSON merge patch (RFC 7396) of a parcel Feature, checked and turned into SET clauses. Members absent
/// are unchanged, members set to null are cleared; output-only properties are ignored. Two members describe
/// the change rather than the parcel: <c>reason</c>, and <c>approvalRef</c>, which a change of planned use needs.
/// Status changes go through transitions.
/// </summary>
public sealed class ParcelPatch
{
    static readonly Dictionary<string, string> Columns = new()
    {
        ["code"] = "code", ["parkCode"] = "park_code", ["name"] = "name", ["plannedUse"] = "planned_use",
        ["actualUse"] = "actual_use", ["registeredAreaM2"] = "registered_area_m2",
    };

    readonly Dictionary<string, string> set = [];
    readonly Dictionary<string, object?> values = [];
    string? status;
    string? plannedUse;
    bool plannedUseSent;
    string? reason;
    string? approvalRef;

    public DynamicParameters Args { get; } = new();
    public Geometry? Geometry { get; private set; }

    /// <summary>When the change took effect (top-level <c>effectiveDate</c>); null for today.</summary>
    public DateOnly? EffectiveDate { get; private set; }

    /// <summary>The columns later changes have set again, for a change recorded for the past: left as they are on the row.</summary>
    public IReadOnlySet<string> Shadowed { get; set; } = new HashSet<string>();

    public bool IsEmpty => set.Keys.All(Shadowed.Contains);
    public string SetClause => string.Join(", ", set.Where(s => !Shadowed.Contains(s.Key)).Select(s => $"{s.Key} = {s.Value}"));

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
                    case "effectiveDate":
                        if (member.Value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(member.Value.GetString(), "yyyy-MM-dd", out var day))
                        {
                            plan.EffectiveDate = day;
                            ValidTime.Check(day, "effectiveDate", errors);
                        }
                        else errors.Add("effectiveDate", "a date, yyyy-MM-dd");
                        break;
                    case "reason" or "approvalRef":
                        var text = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        if (text is null || !Text.IsPlain(text) || text.Length > 1000)
                            errors.Add(member.Name, "a string of at most 1000 characters, without control characters");
                        if (member.Name == "reason") plan.reason = text;
                        else plan.approvalRef = text;
                        break;
                    case "geometry" when member.Value.ValueKind == JsonValueKind.Null:
                        errors.Add("geometry", "a parcel's geometry cannot be removed");
                        break;
                    case "geometry":
                        plan.Geometry = GeoJsonGeometry.ReadPolygonal(member.Value, "geometry", options.Crs, errors);
                        plan.set["geom"] = "register_geometry(@geometry::geometry)";
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
        if (p.Name == "status")
        {
            status = value.ValueKind == JsonValueKind.String ? value.GetString() : "";
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
                "code" => string.IsNullOrWhiteSpace(text) ? Fail(errors, field, "must not be empty") : text.Trim(),
                _ => text,
            };
        }
        if (p.Name == "plannedUse")
        {
            plannedUseSent = true;
            plannedUse = arg as string;
        }
        set[column] = "@" + column;
        values[column] = arg;
        Args.Add(column, arg);
    }

    /// <summary>What the history records of this change: for one recorded for the past, the values later changes have set again.</summary>
    public RecordedChange Change => new("updated", reason, approvalRef is null ? null : new Dictionary<string, object?> { ["approvalRef"] = approvalRef })
    {
        ValidFrom = ValidTime.From(EffectiveDate),
        Values = values.Where(v => Shadowed.Contains(v.Key)).ToDictionary(),
    };

    /// <summary>
    /// The rules that depend on the parcel as it is: a status is changed only by a transition, and a change of
    /// planned use needs the approving decision (Land Administration Law art. 56).
    /// </summary>
    internal void CheckRules(ParcelRow current)
    {
        var errors = new FieldErrors();
        if (status is not null && status != current.Status)
            errors.Add("properties.status", "a status changes only by a transition: POST /api/parcels/{id}/transitions");
        if (plannedUseSent && plannedUse != current.PlannedUse && string.IsNullOrWhiteSpace(approvalRef))
            errors.Add("approvalRef", "required to change the planned use: the reference of the approving decision");
        errors.ThrowIfAny();
    }

    static object? Fail(FieldErrors errors, string field, string reason)
    {
        errors.Add(field, reason);
        return null;
    }
}
