using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Parks;

public static class ParksApi
{
    const string Columns = """
        code, zone_code, name, ST_AsGeoJSON(boundary, 8) AS boundary, leading_industries,
        ST_Area(boundary::geography, true) AS area_m2, created_at, updated_at, created_by, updated_by, version
        """;

    public static RouteGroupBuilder MapParks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/parks").WithTags("Parks");
        group.MapGet("/", ListParks).WithName(nameof(ListParks)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("List parks, optionally of one zone");
        group.MapGet("/{code}", GetPark).WithName(nameof(GetPark)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Get a park by its code (and zone: park codes are unique within a zone)");
        group.MapPost("/", CreatePark).WithName(nameof(CreatePark)).RequireAuthorization(Permission.EditRegister)
            .WithSummary("Register a park with its boundary: plain members, or a GeoJSON Feature as parcels are sent");
        return group;
    }

    public static async Task<Ok<ItemList<Park>>> ListParks(
        Caller caller, NpgsqlDataSource db, [Description("Only the parks of this zone.")] string? zone = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<ParkRow>(
            $"SELECT {Columns} FROM park WHERE (@zone::text IS NULL OR zone_code = @zone) AND {Caller.InScope()} ORDER BY code",
            new { zone, scope = caller.Scope });
        return TypedResults.Ok(new ItemList<Park>(rows.Select(r => r.ToContract()).ToList()));
    }

    public static async Task<Ok<Park>> GetPark(
        string code, Caller caller, NpgsqlDataSource db, HttpResponse response,
        [Description("The park's zone; needed only when parks of several of the caller's zones have this code.")] string? zone = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<ParkRow>(
            $"SELECT {Columns} FROM park WHERE code = @code AND (@zone::text IS NULL OR zone_code = @zone) AND {Caller.InScope()} LIMIT 2",
            new { code, zone, scope = caller.Scope })).AsList();
        if (rows.Count == 0) throw Problems.NotFound(zone is null ? $"No park has the code '{code}'." : $"Zone {zone} has no park with the code '{code}'.");
        if (rows.Count > 1) throw Problems.Conflict("zone", $"parks of several zones have the code '{code}': name the zone (?zone=)");
        ETags.Set(response, rows[0].Version);
        return TypedResults.Ok(rows[0].ToContract());
    }

    public static async Task<Created<Park>> CreatePark(
        ParkInput input, Caller caller, NpgsqlDataSource db, HttpResponse response,
        [Description("CRS of the boundary's coordinates: EPSG:4326 (default), EPSG:4490 or EPSG:4513-4554.")] string? crs = null)
    {
        var inputCrs = Crs.Parse(crs);
        var (park, boundary) = input.Validate(inputCrs);
        if (!caller.CanActIn(park.ZoneCode!)) throw Problems.Invalid(input.Type == "Feature" ? "properties.zoneCode" : "zoneCode", "no zone has this code");
        await using var conn = await db.OpenConnectionAsync();
        if (boundary is not null) GeometryValidity.EnsureValid(boundary, "boundary");
        var row = await conn.QuerySingleAsync<ParkRow>($"""
            INSERT INTO park (code, zone_code, name, boundary, leading_industries, created_by, updated_by)
            VALUES (@Code, @ZoneCode, btrim(@Name), register_geometry(@boundary::geometry), @industries, @by, @by)
            RETURNING {Columns}
            """,
            new { park.Code, park.ZoneCode, park.Name, boundary, industries = park.LeadingIndustries ?? [], by = caller.Name });
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/parks/{Uri.EscapeDataString(row.Code)}?zone={Uri.EscapeDataString(row.ZoneCode)}", row.ToContract());
    }
}
