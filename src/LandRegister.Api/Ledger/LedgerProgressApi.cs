using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Ledger;

/// <summary>
/// An item's progress: reports that move its status (completed needs evidence), closing by a second reviewer (销号),
/// reopening with a reason, and every version of the item.
/// </summary>
public static class LedgerProgressApi
{
    public static void MapLedgerProgress(this RouteGroupBuilder group)
    {
        group.MapPost("/items/{id:long}/progress", ReportProgress).WithName(nameof(ReportProgress)).RequireAuthorization(Permission.EditLedger)
            .WithSummary("Report progress, and move the status up to completed (evidence needed); If-Match required");
        group.MapGet("/items/{id:long}/progress", ListProgress).WithName(nameof(ListProgress)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("The item's progress entries, oldest first");
        group.MapPost("/items/{id:long}/close", CloseItem).WithName(nameof(CloseItem)).RequireAuthorization(Permission.ReviewLedger)
            .WithSummary("Close (销号) a completed item: a reviewer who did not complete it (If-Match required)");
        group.MapPost("/items/{id:long}/reopen", ReopenItem).WithName(nameof(ReopenItem)).RequireAuthorization(Permission.ReviewLedger)
            .WithSummary("Reopen a closed item, with the reason (If-Match required)");
        group.MapGet("/items/{id:long}/history", GetItemHistory).WithName(nameof(GetItemHistory)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("Every version of the item: when it held, when it was recorded, who and why");
    }

    public static async Task<Created<LedgerProgress>> ReportProgress(long id, LedgerProgressInput input, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        input.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var item = await LedgerApi.ItemAsync(conn, id, caller);
        var to = input.Status ?? item.Status;
        var evidence = input.EvidenceIds ?? [];
        var foreign = await conn.ExecuteScalarAsync<long?>(
            "SELECT min(x) FROM unnest(@evidence::bigint[]) x WHERE NOT EXISTS (SELECT 1 FROM ledger_evidence v WHERE v.id = x AND v.item_id = @id)",
            new { evidence, id });
        if (foreign is { } missing) throw Problems.Invalid("evidenceIds", $"no evidence {missing} uploaded to this item");
        LedgerRules.CheckProgress(item.Status, to, evidence.Length);
        var entry = await LedgerWrites.ProgressAsync(conn, new LedgerWrites.Step(id, version, item.Status, to, input.Date, input.Text!, evidence, caller.Name,
            to == LedgerValues.Completed && item.Status != LedgerValues.Completed ? caller.Name : item.CompletedBy, "progress"))
            ?? throw await LedgerApi.WhyNotWrittenAsync(conn, id, caller);
        ETags.Set(http.Response, entry.Version);
        return TypedResults.Created($"/api/ledger/items/{id}/progress", entry.Progress.ToContract());
    }

    public static async Task<Created<LedgerProgress>> CloseItem(long id, LedgerReview review, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        review.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var item = await LedgerApi.ItemAsync(conn, id, caller);
        LedgerRules.CheckClose(item.Status, item.CompletedBy, caller.Name);
        var entry = await LedgerWrites.ProgressAsync(conn, new LedgerWrites.Step(id, version, item.Status, LedgerValues.Closed, review.Date, review.Text!, [],
            caller.Name, item.CompletedBy, "closed")) ?? throw await LedgerApi.WhyNotWrittenAsync(conn, id, caller);
        ETags.Set(http.Response, entry.Version);
        return TypedResults.Created($"/api/ledger/items/{id}/progress", entry.Progress.ToContract());
    }

    public static async Task<Created<LedgerProgress>> ReopenItem(long id, LedgerReview review, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var version = ETags.RequiredVersion(http.Request);
        review.Validate();
        await using var conn = await db.OpenConnectionAsync();
        var item = await LedgerApi.ItemAsync(conn, id, caller);
        LedgerRules.CheckReopen(item.Status);
        var entry = await LedgerWrites.ProgressAsync(conn, new LedgerWrites.Step(id, version, item.Status, LedgerValues.InProgress, review.Date,
            review.Text!, [], caller.Name, null, "reopened")) ?? throw await LedgerApi.WhyNotWrittenAsync(conn, id, caller);
        ETags.Set(http.Response, entry.Version);
        return TypedResults.Created($"/api/ledger/items/{id}/progress", entry.Progress.ToContract());
    }

    public static async Task<Ok<ItemList<LedgerProgress>>> ListProgress(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await LedgerApi.ItemAsync(conn, id, caller);
        var rows = await conn.QueryAsync<LedgerProgressRow>(
            $"SELECT {LedgerProgressRow.Columns} FROM ledger_progress WHERE item_id = @id ORDER BY entry_date, id", new { id });
        return TypedResults.Ok(new ItemList<LedgerProgress>(rows.Select(r => r.ToContract()).ToList()));
    }

    /// <summary>A version of an item.</summary>
    /// <param name="ValidFrom">When it held from in the world (the progress entry's date, or when it was recorded).</param>
    public sealed record LedgerItemVersion(long Version, DateTimeOffset RecordedAt, DateTimeOffset ValidFrom, string Kind, string Actor, string? Reason,
        System.Text.Json.Nodes.JsonObject State);

    sealed record VersionRow(long Version, DateTime RecordedAt, DateTime ValidFrom, string Kind, string Actor, string? Reason, string State);

    public static async Task<Ok<ItemList<LedgerItemVersion>>> GetItemHistory(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await LedgerApi.ItemAsync(conn, id, caller);
        var rows = await conn.QueryAsync<VersionRow>("""
            SELECT version, recorded_at, valid_from, kind, actor, reason, state::text AS state FROM ledger_item_history WHERE item_id = @id ORDER BY version
            """, new { id });
        return TypedResults.Ok(new ItemList<LedgerItemVersion>(rows.Select(r => new LedgerItemVersion(r.Version, r.RecordedAt, r.ValidFrom, r.Kind, r.Actor,
            r.Reason, System.Text.Json.Nodes.JsonNode.Parse(r.State)!.AsObject())).ToList()));
    }
}
