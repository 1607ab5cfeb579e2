using Dapper;
using LandRegister.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace LandRegister.Api.Zones;

public static class ZonesApi
{
    const string Columns = "code, name, gk_epsg, created_at, updated_at, version";

    public static RouteGroupBuilder MapZones(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/zones").WithTags("Zones");
        group.MapGet("/", ListZones).WithName(nameof(ListZones)).WithSummary("List development zones");
        group.MapGet("/{code}", GetZone).WithName(nameof(GetZone)).WithSummary("Get a zone by its code");
        group.MapPost("/", CreateZone).WithName(nameof(CreateZone)).WithSummary("Register a development zone");
        return group;
    }

    public static async Task<Ok<ItemList<Zone>>> ListZones(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<ZoneRow>($"SELECT {Columns} FROM zone ORDER BY code");
        return TypedResults.Ok(new ItemList<Zone>(rows.Select(r => r.ToContract()).ToList()));
    }

    public static async Task<Ok<Zone>> GetZone(string code, NpgsqlDataSource db, HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ZoneRow>($"SELECT {Columns} FROM zone WHERE code = @code", new { code })
            ?? throw Problems.NotFound($"No zone has the code '{code}'.");
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToContract());
    }

    public static async Task<Created<Zone>> CreateZone(ZoneInput input, NpgsqlDataSource db, HttpResponse response)
    {
        input.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<ZoneRow>(
            $"INSERT INTO zone (code, name, gk_epsg) VALUES (@Code, btrim(@Name), @GkEpsg) RETURNING {Columns}", input);
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/zones/{Uri.EscapeDataString(row.Code)}", row.ToContract());
    }
}
