using System.ComponentModel;
using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Parcels;

/// <summary>A parcel found by the map's search box, with the box to fly to.</summary>
/// <param name="Matched">What matched: code, name (staff), holder or creditCode (roles cleared for enterprise figures).</param>
/// <param name="Bbox">The parcel's extent, [west, south, east, north] in WGS84.</param>
public sealed record ParcelFound(
    long Id, string Code, string Status, string? ParkCode, string Matched, double[] Bbox,
    [property: Audience(Audience.Internal)] string? Name,
    [property: Audience(Audience.Internal)] string ZoneCode,
    [property: Audience(Audience.Confidential)] string? HolderName,
    [property: Audience(Audience.Confidential)] string? HolderCreditCode);

public sealed record ParcelLookupResult(string Query, IReadOnlyList<ParcelFound> Items);

/// <summary>
/// The search box of the map: live parcels of the caller's zones whose code contains the text (exact and leading
/// matches first), and for staff whose name does; for roles cleared for enterprise figures also those whose holder's
/// name contains it or whose holder's credit code is it.
/// </summary>
public static class ParcelLookup
{
    public static RouteHandlerBuilder MapParcelLookup(this RouteGroupBuilder parcels) =>
        parcels.MapGet("/lookup", LookupParcels).WithName(nameof(LookupParcels)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Find parcels by code, name, holder or the holder's credit code, as a search box does");

    sealed record FoundRow(long Id, string Code, string Status, string? ParkCode, string Matched, double West, double South, double East, double North,
        string? Name, string ZoneCode, string? HolderName, string? HolderCreditCode)
    {
        public ParcelFound ToContract() => new(Id, Code, Status, ParkCode, Matched, [West, South, East, North], Name, ZoneCode, HolderName, HolderCreditCode);
    }

    public static async Task<Ok<ParcelLookupResult>> LookupParcels(
        Caller caller, NpgsqlDataSource db, HttpContext http,
        [Description("The text to find: part of a parcel code; for staff of a name; for planners of a holder's name, or a credit code.")] string? q = null,
        [Description("Only this zone's parcels.")] string? zone = null,
        [Description("At most this many, 1-50 (default 10).")] int limit = 10)
    {
        var errors = new FieldErrors();
        var text = q?.Trim() ?? "";
        if (text.Length is 0 or > 100) errors.Add("q", "between 1 and 100 characters");
        else if (!Text.IsPlain(text)) errors.AddUnreadable("q", Text.ControlCharacters);
        if (limit is < 1 or > 50) errors.Add("limit", "between 1 and 50");
        errors.ThrowIfAny();
        var audience = Caller.AudienceOf(http);
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<FoundRow>($"""
            SELECT p.id, p.code, p.status, p.park_code,
                   CASE WHEN strpos(upper(p.code), upper(@q)) > 0 THEN 'code'
                        WHEN @staff AND strpos(p.name, @q) > 0 THEN 'name'
                        WHEN s.recipient_credit_code = upper(@q) THEN 'creditCode'
                        ELSE 'holder' END AS matched,
                   ST_XMin(p.geom) AS west, ST_YMin(p.geom) AS south, ST_XMax(p.geom) AS east, ST_YMax(p.geom) AS north,
                   p.name, p.zone_code, s.recipient_name AS holder_name, s.recipient_credit_code AS holder_credit_code
            FROM parcel p LEFT JOIN parcel_supply s ON s.id = p.supply_id
            WHERE p.retired_at IS NULL AND {Caller.InScope("p.zone_code")} AND (@zone::text IS NULL OR p.zone_code = @zone)
              AND (strpos(upper(p.code), upper(@q)) > 0
                   OR (@staff AND strpos(p.name, @q) > 0)
                   OR (@cleared AND (strpos(s.recipient_name, @q) > 0 OR s.recipient_credit_code = upper(@q))))
            ORDER BY upper(p.code) = upper(@q) DESC, starts_with(upper(p.code), upper(@q)) DESC, p.code, p.id
            LIMIT @limit
            """, new
        {
            q = text, zone, limit, scope = caller.Scope,
            staff = audience >= Audience.Internal, cleared = audience >= Audience.Confidential,
        });
        return TypedResults.Ok(new ParcelLookupResult(text, rows.Select(r => r.ToContract()).ToList()));
    }
}
