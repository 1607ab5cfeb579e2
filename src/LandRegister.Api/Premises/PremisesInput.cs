using System.Text.Json;
using System.Text.Json.Nodes;
using LandRegister.Api.Enterprises;
using LandRegister.Api.Spatial;
using NetTopologySuite.Geometries;

namespace LandRegister.Api.Premises;

/// <summary>The properties of a premises a client sets (the <c>properties</c> of the Feature it sends).</summary>
public sealed record PremisesInput(
    string? Code, long? ParcelId, string? Name, string? OwnerName, string? OwnerKind, string? OwnerCreditCode,
    decimal? FloorAreaM2, int? Floors, int? BuiltYear, string? Condition, string? Vacancy, decimal? VacantFloorAreaM2,
    DateOnly? VacantSince);

/// <summary>A premises checked and ready to write; <c>Footprint</c> is in the CRS it was sent in, or null to keep the stored one.</summary>
public sealed record PremisesDraft(
    string Code, long ParcelId, string? Name, string? OwnerName, string? OwnerKind, string? OwnerCreditCode,
    decimal FloorAreaM2, int? Floors, int? BuiltYear, string? Condition, string Vacancy, decimal VacantFloorAreaM2,
    DateOnly? VacantSince, Geometry? Footprint);

/// <summary>
/// Reads premises Features (to create) and JSON merge patches of them (RFC 7396, to change): a patch is applied
/// to the premises as it stands and the result checked whole, so the vacancy rules hold across fields.
/// </summary>
public static class PremisesReader
{
    /// <summary>Output-only properties: accepted (and ignored) so a Feature read from the API can be sent back.</summary>
    static readonly string[] ReadOnly = ["zoneCode", "parcelCode", "parkCode", "footprintM2", "createdAt", "updatedAt", "retiredAt", "createdBy", "updatedBy"];

    static readonly JsonSerializerOptions Strict = Strictly();

    static JsonSerializerOptions Strictly()
    {
        var options = new JsonSerializerOptions();
        Json.Configure(options);
        return options;
    }

    public static PremisesDraft ReadFeature(JsonElement feature, InputCrs crs)
    {
        var errors = new FieldErrors();
        if (feature.ValueKind != JsonValueKind.Object || !feature.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Feature")
            throw Problems.BadRequest("type", "must be a GeoJSON Feature (\"type\": \"Feature\")");
        Members(feature, errors, patch: false);
        var properties = feature.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object
            ? JsonObject.Create(p)!
            : new JsonObject();
        var input = Bind(properties, errors);
        Geometry? footprint = null;
        if (feature.TryGetProperty("geometry", out var g) && g.ValueKind != JsonValueKind.Null)
            footprint = GeoJsonGeometry.ReadPolygonal(g, "geometry", crs, errors);
        else errors.Add("geometry", "required: the footprint, a GeoJSON Polygon or MultiPolygon");
        return Check(input, footprint, errors);
    }

    public static PremisesDraft ReadPatch(JsonElement patch, PremisesInput current, InputCrs crs)
    {
        var errors = new FieldErrors();
        if (patch.ValueKind != JsonValueKind.Object) throw Problems.BadRequest("body", "a merge patch is a JSON object shaped like a premises Feature");
        Members(patch, errors, patch: true);
        var properties = JsonSerializer.SerializeToNode(current, Strict)!.AsObject();
        if (patch.TryGetProperty("properties", out var p))
        {
            if (p.ValueKind != JsonValueKind.Object) errors.Add("properties", "must be an object");
            else
                foreach (var member in p.EnumerateObject())
                    properties[member.Name] = member.Value.ValueKind == JsonValueKind.Null ? null : JsonNode.Parse(member.Value.GetRawText());
            // What follows from the vacancy is not carried over from before a change of it: a premises let in
            // full has no vacant area nor vacant date, a vacant one is vacant in full.
            var vacancy = properties["vacancy"]?.GetValueKind() == JsonValueKind.String ? properties["vacancy"]!.GetValue<string>() : null;
            var sent = p.ValueKind == JsonValueKind.Object ? p : default;
            if (vacancy != PremisesValues.PartlyLeased && !Has(sent, "vacantFloorAreaM2")) properties.Remove("vacantFloorAreaM2");
            if (vacancy is not (PremisesValues.Vacant or PremisesValues.PartlyLeased) && !Has(sent, "vacantSince")) properties.Remove("vacantSince");
        }
        var input = Bind(properties, errors);
        Geometry? footprint = null;
        if (patch.TryGetProperty("geometry", out var g))
        {
            if (g.ValueKind == JsonValueKind.Null) errors.Add("geometry", "a premises' footprint cannot be removed");
            else footprint = GeoJsonGeometry.ReadPolygonal(g, "geometry", crs, errors);
        }
        return Check(input, footprint, errors);
    }

    static bool Has(JsonElement properties, string name) => properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(name, out _);

    /// <summary>A Feature's members; a patch may also say why (<c>reason</c>, for the history).</summary>
    static void Members(JsonElement feature, FieldErrors errors, bool patch)
    {
        foreach (var member in feature.EnumerateObject())
            if (patch && member.Name == "reason")
            {
                if (member.Value.ValueKind != JsonValueKind.String || !Text.IsPlain(member.Value.GetString()!) || member.Value.GetString()!.Length > 1000)
                    errors.Add("reason", "a string of at most 1000 characters, without control characters");
            }
            else if (member.Name is not ("type" or "id" or "geometry" or "properties"))
                errors.AddUnreadable(member.Name, "unknown member; a premises Feature holds type, id, geometry and properties");
    }

    static PremisesInput? Bind(JsonObject properties, FieldErrors errors)
    {
        foreach (var name in ReadOnly) properties.Remove(name);
        try
        {
            return properties.Deserialize<PremisesInput>(Strict);
        }
        catch (JsonException e)
        {
            var field = "properties." + (e.Path ?? "$").TrimStart('$', '.');
            errors.AddUnreadable(field.TrimEnd('.'), ProblemHandler.JsonReason(e));
            return null;
        }
    }

    static PremisesDraft Check(PremisesInput? input, Geometry? footprint, FieldErrors errors)
    {
        if (input is null)
        {
            errors.ThrowIfAny();
            throw new InvalidOperationException("unreachable: a failed bind adds an error");
        }
        const string P = "properties.";
        var today = RegisterClock.Today;
        var code = input.Code?.Trim();
        if (string.IsNullOrEmpty(code)) errors.Add(P + "code", "required (the building number)");
        else if (code.Length > 64) errors.Add(P + "code", "must be at most 64 characters");
        if (input.ParcelId is null) errors.Add(P + "parcelId", "required: the parcel the premises stands on");
        Plain(input.Code, P + "code", 64, errors);
        Plain(input.Name, P + "name", 200, errors);
        Plain(input.OwnerName, P + "ownerName", 200, errors);
        OneOf(input.OwnerKind, P + "ownerKind", PremisesValues.OwnerKinds, errors);
        OneOf(input.Condition, P + "condition", PremisesValues.Conditions, errors);
        if (input.OwnerCreditCode is { } credit && CreditCode.Check(credit) is { } why) errors.Add(P + "ownerCreditCode", why);
        if (input.FloorAreaM2 is not (> 0 and <= 10_000_000)) errors.Add(P + "floorAreaM2", "required: above 0, at most 10000000 m²");
        if (input.Floors is not (null or (>= 1 and <= 200))) errors.Add(P + "floors", "between 1 and 200");
        if (input.BuiltYear is { } built && (built < 1900 || built > today.Year)) errors.Add(P + "builtYear", $"between 1900 and {today.Year}");
        var vacancy = input.Vacancy;
        if (vacancy is null) errors.Add(P + "vacancy", "required: " + string.Join(", ", PremisesValues.Vacancies));
        else OneOf(vacancy, P + "vacancy", PremisesValues.Vacancies, errors);
        var vacant = VacantArea(input, errors);
        if (input.VacantSince > today) errors.Add(P + "vacantSince", "must not be in the future");
        errors.ThrowIfAny();
        return new PremisesDraft(code!, input.ParcelId!.Value, input.Name, input.OwnerName, input.OwnerKind, input.OwnerCreditCode,
            input.FloorAreaM2!.Value, input.Floors, input.BuiltYear, input.Condition, vacancy!, vacant, input.VacantSince, footprint);
    }

    /// <summary>
    /// The vacancy rules: vacant premises are free in full; partly leased ones in part (say how much); leased and
    /// self-used ones not at all. Empty premises say since when.
    /// </summary>
    static decimal VacantArea(PremisesInput input, FieldErrors errors)
    {
        const string Field = "properties.vacantFloorAreaM2";
        var floor = input.FloorAreaM2 ?? 0;
        var given = input.VacantFloorAreaM2;
        switch (input.Vacancy)
        {
            case PremisesValues.Vacant:
                if (given is { } v && v != floor) errors.Add(Field, "a vacant premises is vacant in full: leave it out or give the floor area");
                if (input.VacantSince is null) errors.Add("properties.vacantSince", "required when the premises is vacant");
                return floor;
            case PremisesValues.PartlyLeased:
                if (given is not { } part || part <= 0 || part >= floor)
                    errors.Add(Field, "required when partly leased: above 0 and below the floor area");
                if (input.VacantSince is null) errors.Add("properties.vacantSince", "required when the premises is partly leased");
                return given ?? 0;
            default:
                if (given is not (null or 0)) errors.Add(Field, $"a premises {input.Vacancy?.Replace('_', '-')} has no vacant floor area");
                if (input.VacantSince is not null) errors.Add("properties.vacantSince", $"a premises {input.Vacancy?.Replace('_', '-')} is not vacant");
                return 0;
        }
    }

    static void Plain(string? text, string field, int max, FieldErrors errors)
    {
        if (text is null) return;
        if (!Text.IsPlain(text)) errors.Add(field, Text.ControlCharacters);
        else if (text.Length > max) errors.Add(field, $"must be at most {max} characters");
    }

    static void OneOf(string? value, string field, string[] allowed, FieldErrors errors)
    {
        if (value is not null && !allowed.Contains(value)) errors.AddUnknown(field, $"unknown value '{value}'", allowed);
    }
}
