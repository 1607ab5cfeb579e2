using System.ComponentModel;
using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Ledger;

/// <summary>The audits, inspections and reviews whose findings the ledger tracks.</summary>
public static class LedgerSourcesApi
{
    public static void MapLedgerSources(this RouteGroupBuilder group)
    {
        group.MapGet("/sources", ListSources).WithName(nameof(ListSources)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("The audits, inspections and reviews of the caller's zones");
        group.MapGet("/sources/{id:long}", GetSource).WithName(nameof(GetSource)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("One source");
        group.MapPost("/sources", CreateSource).WithName(nameof(CreateSource)).RequireAuthorization(Permission.EditLedger)
            .WithSummary("Record an audit, inspection or review whose findings the ledger tracks");
    }

    public static async Task<Ok<ItemList<LedgerSource>>> ListSources(Caller caller, NpgsqlDataSource db,
        [Description("Only this zone's sources.")] string? zone = null)
    {
        await using var conn = await db.OpenConnectionAsync();
        var rows = await conn.QueryAsync<LedgerSourceRow>($"""
            SELECT {LedgerSourceRow.Columns} FROM ledger_source s
            WHERE {Caller.InScope("s.zone_code")} AND (@zone::text IS NULL OR s.zone_code = @zone) ORDER BY s.issued_on DESC, s.id
            """, new { zone, scope = caller.Scope });
        return TypedResults.Ok(new ItemList<LedgerSource>(rows.Select(r => r.ToContract()).ToList()));
    }

    public static async Task<Ok<LedgerSource>> GetSource(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        return TypedResults.Ok((await LedgerApi.SourceAsync(conn, id, caller)).ToContract());
    }

    public static async Task<Created<LedgerSource>> CreateSource(LedgerSourceInput input, Caller caller, NpgsqlDataSource db)
    {
        input.Validate();
        await using var conn = await db.OpenConnectionAsync();
        if (!caller.CanActIn(input.ZoneCode!) ||
            !await conn.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM zone WHERE code = @ZoneCode)", input))
            throw Problems.Invalid("zoneCode", "no zone has this code");
        var id = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO ledger_source (zone_code, title, issued_by, issued_on, kind, document_ref, created_by)
            VALUES (@ZoneCode, btrim(@Title), btrim(@IssuedBy), @IssuedOn, @Kind, @DocumentRef, @by) RETURNING id
            """, new { input.ZoneCode, input.Title, input.IssuedBy, input.IssuedOn, input.Kind, input.DocumentRef, by = caller.Name });
        return TypedResults.Created($"/api/ledger/sources/{id}", (await LedgerApi.SourceAsync(conn, id, caller)).ToContract());
    }
}
