
namespace LandRegister.Api.Infrastructure;

/// <summary>
/// PostgreSQL errors translated once: a unique violation is a 409, a broken reference or rule a 422,
/// each named by the field the client sent.
/// </summary>
public static class PostgresErrors
{
    static readonly Dictionary<string, (string Field, string Reason)> Constraints = new()
    {
        ["zone_pkey"] = ("code", "a zone with this code already exists"),
        ["zone_code_format"] = ("code", "use 1-32 letters, digits, '_', '.' or '-', starting with a letter or digit"),
        ["zone_gk_epsg_range"] = ("gkEpsg", "must be a CGCS2000 3-degree Gauss-Krüger EPSG code, 4513-4554"),
        ["park_pkey"] = ("code", "a park with this code already exists in the zone"),
        ["park_code_format"] = ("code", "use 1-32 letters, digits, '_', '.' or '-', starting with a letter or digit"),
        ["park_zone_fk"] = ("zoneCode", "no zone has this code"),
        ["park_boundary_valid"] = ("boundary", "the boundary is not a valid polygon in WGS84"),
        ["parcel_code_unique"] = ("properties.code", "a parcel with this code already exists in the zone"),
        ["parcel_zone_fk"] = ("properties.zoneCode", "no zone has this code"),
        ["parcel_park_fk"] = ("properties.parkCode", "no park with this code in the parcel's zone"),
        ["parcel_planned_use_fk"] = ("properties.plannedUse", "unknown land-use code"),
        ["parcel_actual_use_fk"] = ("properties.actualUse", "unknown land-use code"),
        ["parcel_geom_valid"] = ("geometry", "the geometry is not a valid polygon after conversion to WGS84"),
        ["parcel_registered_area_positive"] = ("properties.registeredAreaM2", "must be greater than 0"),
        ["parcel_code_format"] = ("properties.code", "must be 1-64 characters without leading or trailing spaces"),
        ["parcel_name_length"] = ("properties.name", "must be at most 200 characters"),
        ["api_key_name_unique"] = ("name", "a key with this name already exists"),
        ["enterprise_pkey"] = ("creditCode", "an enterprise with this credit code is already registered"),
        ["enterprise_zone_fk"] = ("zoneCode", "no zone has this code"),
        ["enterprise_name_length"] = ("name", "must be 1-200 characters"),
        ["enterprise_tenancy_pkey"] = ("tenancies", "the enterprise already rents this parcel"),
        ["premises_code_unique"] = ("properties.code", "a premises with this code already exists in the zone"),
        ["premises_footprint_valid"] = ("geometry", "the footprint is not a valid polygon after conversion to WGS84"),
        ["premises_parcel_fk"] = ("properties.parcelId", "no parcel has this id"),
        ["parcel_supply_credit_code"] = ("supply.recipientCreditCode", "not a unified social credit code"),
        ["parcel_supply_recipient_zone"] = ("supply.recipientCreditCode",
            "not an enterprise of the parcel's zone: land is supplied to an enterprise registered in the zone (or to one not registered yet)"),
    };

    /// <summary>The constraints this table names (a test checks each exists).</summary>
    public static IEnumerable<string> ConstraintNames => Constraints.Keys;

    public static ProblemException? Translate(PostgresException e)
    {
        var (field, reason) = e.ConstraintName is { } c && Constraints.TryGetValue(c, out var known)
            ? known
            : (e.ColumnName ?? "body", e.MessageText);
        return e.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation => Problems.Conflict(field, reason),
            PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.CheckViolation
                or PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.StringDataRightTruncation
                or PostgresErrorCodes.NumericValueOutOfRange => Problems.Invalid(field, reason),
            // A NUL or another character PostgreSQL cannot store, in a field no check caught first.
            PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter =>
                Problems.BadRequest("body", Text.ControlCharacters),
            _ => null,
        };
    }
}
