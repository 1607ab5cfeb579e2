using LandRegister.Api.Access;
using LandRegister.Api.Spatial;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Zones;

public static class ZonesApi
{
    const string Columns = "code, name, gk_epsg, per_mu_area_basis, created_at, updated_at, created_by, updated_by, version";

    public static RouteGroupBuilder MapZones(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/zones").WithTags("Zones");
        group.MapGet("/", ListZones).WithName(nameof(ListZones)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("List development zones");
        group.MapGet("/{code}", GetZone).WithName(nameof(GetZone)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Get a zone by its code");
        group.MapPost("/", CreateZone).WithName(nameof(CreateZone)).RequireAuthorization(Permission.ManageZones)
            .WithSummary("Register a development zone");
        group.MapPatch("/{code}", ChangeZone).WithName(nameof(ChangeZone)).RequireAuthorization(Permission.ManageZones)
            .WithSummary("Change a zone's name or per-mu area basis (If-Match required)");
        return group;
    }

    public static async Task<Ok<ItemList<Zone>>> ListZones(Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<ZoneRow>(
            $"SELECT {Columns} FROM zone WHERE {Caller.InScope("code")} ORDER BY code", new { scope = caller.Scope });
        var extents = await Extents.ZonesAsync(caller, conn);
        return TypedResults.Ok(new ItemList<Zone>(rows.Select(r => r.ToContract() with { Bbox = extents.GetValueOrDefault(r.Code) }).ToList()));
    }

    public static async Task<Ok<Zone>> GetZone(string code, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ZoneRow>(
            $"SELECT {Columns} FROM zone WHERE code = @code AND {Caller.InScope("code")}", new { code, scope = caller.Scope })
            ?? throw Problems.NotFound($"No zone has the code '{code}'.");
        ETags.Set(response, row.Version);
        return TypedResults.Ok(row.ToContract() with { Bbox = (await Extents.ZonesAsync(caller, conn, row.Code)).GetValueOrDefault(row.Code) });
    }

    public static async Task<Created<Zone>> CreateZone(ZoneInput input, Caller caller, NpgsqlDataSource db, HttpResponse response)
    {
        if (caller.Zones is not null)
            throw new ProblemException(403, "Not allowed.", "A key limited to some zones cannot create zones.");
        input.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleAsync<ZoneRow>($"""
            INSERT INTO zone (code, name, gk_epsg, per_mu_area_basis, created_by, updated_by)
            VALUES (@Code, btrim(@Name), @GkEpsg, coalesce(@PerMuAreaBasis, 'registered'), @by, @by)
            RETURNING {Columns}
            """, new { input.Code, input.Name, input.GkEpsg, input.PerMuAreaBasis, by = caller.Name });
        ETags.Set(response, row.Version);
        return TypedResults.Created($"/api/zones/{Uri.EscapeDataString(row.Code)}", row.ToContract());
    }

    public static async Task<Ok<Zone>> ChangeZone(string code, ZoneChange change, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        change.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var row = await conn.QuerySingleOrDefaultAsync<ZoneRow>($"""
            UPDATE zone SET name = coalesce(btrim(@Name), name), per_mu_area_basis = coalesce(@PerMuAreaBasis, per_mu_area_basis),
                            updated_by = @by, updated_at = now(), version = version + 1
            WHERE code = @code AND {Caller.InScope("code")} AND (@version::bigint IS NULL OR version = @version)
            RETURNING {Columns}
            """, new { code, change.Name, change.PerMuAreaBasis, by = caller.Name, scope = caller.Scope, version });
        if (row is null)
        {
            var current = await conn.QuerySingleOrDefaultAsync<long?>($"SELECT version FROM zone WHERE code = @code AND {Caller.InScope("code")}",
                new { code, scope = caller.Scope }) ?? throw Problems.NotFound($"No zone has the code '{code}'.");
            throw Problems.PreconditionFailed(ETags.For(current));
        }
        ETags.Set(http.Response, row.Version);
        return TypedResults.Ok(row.ToContract());
    }
}
