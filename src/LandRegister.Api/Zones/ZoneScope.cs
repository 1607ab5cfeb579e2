using LandRegister.Api.Access;

namespace LandRegister.Api.Zones;

/// <summary>The zone a request about one zone is about, and whether the caller may see it.</summary>
public static class ZoneScope
{
    /// <summary>The zone named, or the caller's only zone; 422 when neither.</summary>
    public static string Of(string? zone, Caller caller) =>
        zone ?? (caller.Zones is [var only] ? only : throw Problems.Invalid("zone", "required: the zone (optional only for a key of one zone)"));

    /// <summary>404 when the zone does not exist or is outside the caller's zones (another zone's existence is not revealed).</summary>
    public static async Task RequireAsync(NpgsqlConnection conn, string zone, Caller caller)
    {
        if (!caller.CanActIn(zone) || !await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM zone WHERE code = @zone)", new { zone }))
            throw Problems.NotFound($"No zone has the code '{zone}'.");
    }
}
