using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Leases;

/// <summary>
/// Collecting what a lessee owes (催缴): calls, visits, letters, lawyers' letters, lawsuits and judgments recorded with
/// their outcome; an instalment plan reschedules what is owed into instalments billed on their days; a write-off (核销),
/// with its approval, closes what is owed.
/// </summary>
public static class CollectionApi
{
    public static void MapCollection(this RouteGroupBuilder group)
    {
        group.MapPost("/{id:long}/collection", RecordCollection).WithName(nameof(RecordCollection)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Record a collection action on a lease; an instalment plan's instalments must add up to what is owed");
        group.MapGet("/{id:long}/collection", GetCollection).WithName(nameof(GetCollection)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("A lease's collection actions, what it owes, and its missed instalments");
    }

    public sealed record Collection(long LeaseId, decimal OwedYuan, IReadOnlyList<CollectionAction> Actions, IReadOnlyList<RentBill> MissedInstalments);

    public static async Task<Ok<Collection>> GetCollection(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var lease = await LeasesApi.LeaseAsync(conn, id, caller);
        return TypedResults.Ok(await CollectionAsync(conn, lease));
    }

    static async Task<Collection> CollectionAsync(NpgsqlConnection conn, Lease lease)
    {
        var actions = await conn.QueryAsync<CollectionAction>(
            $"SELECT {CollectionAction.Columns} FROM lease_collection c WHERE c.lease_id = @Id ORDER BY c.taken_on, c.id", lease);
        var missed = await conn.QueryAsync<RentBill>($"""
            SELECT {RentBill.Columns} FROM rent_bill b
            WHERE b.lease_id = @Id AND b.kind = 'instalment' AND b.settled_on IS NULL AND b.closed_by IS NULL AND b.due_on < @today ORDER BY b.due_on
            """, new { lease.Id, today = RegisterClock.Today });
        return new Collection(lease.Id, lease.OwedYuan, actions.AsList(), missed.AsList());
    }

    public static async Task<Created<Collection>> RecordCollection(long id, CollectionInput input, Caller caller, NpgsqlDataSource db)
    {
        var errors = new FieldErrors();
        if (input.Kind is null) errors.Add("kind", $"required: one of {string.Join(", ", LeaseValues.CollectionKinds)}");
        else if (!LeaseValues.CollectionKinds.Contains(input.Kind)) errors.AddUnknown("kind", $"unknown action '{input.Kind}'", LeaseValues.CollectionKinds);
        if (input.TakenOn is null) errors.Add("takenOn", "required: the day of the action");
        else if (input.TakenOn > RegisterClock.Today) errors.Add("takenOn", "must not be in the future");
        if (input.Outcome is { Length: > 2000 }) errors.Add("outcome", "at most 2000 characters");
        if (input.Kind == "write_off" && string.IsNullOrWhiteSpace(input.ApprovalRef)) errors.Add("approvalRef", "required for a write-off: the approval's reference");
        if (input.AmountYuan is < 0) errors.Add("amountYuan", "must not be negative");
        if (input.Kind == "instalment_plan")
        {
            if (input.Instalments is not { Length: > 0 and <= 120 }) errors.Add("instalments", "required: 1 to 120 instalments, each with dueOn and amountYuan");
            foreach (var (instalment, i) in (input.Instalments ?? []).Select((x, i) => (x, i)))
            {
                if (instalment.DueOn is null) errors.Add($"instalments[{i}].dueOn", "required");
                else if (instalment.DueOn < input.TakenOn) errors.Add($"instalments[{i}].dueOn", "must not be before the plan's day");
                if (instalment.AmountYuan is null or <= 0) errors.Add($"instalments[{i}].amountYuan", "required: more than 0");
            }
            if (input.Instalments?.Select(x => x.DueOn).Distinct().Count() != input.Instalments?.Length)
                errors.Add("instalments", "two instalments fall on the same day");
        }
        else if (input.Instalments is not null) errors.Add("instalments", "only an instalment plan has instalments");
        errors.ThrowIfAny();

        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var lease = await LeasesApi.LeaseAsync(conn, id, caller, tx);
        // What is owed on the day of the action: the open bills due by then, locked while they are rescheduled or closed.
        var open = (await conn.QueryAsync<(long Id, decimal Owed)>("""
            SELECT id, amount_yuan - paid_yuan FROM rent_bill
            WHERE lease_id = @id AND settled_on IS NULL AND closed_by IS NULL AND due_on <= @TakenOn ORDER BY due_on FOR UPDATE
            """, new { id, input.TakenOn }, tx)).ToList();
        var owed = open.Sum(b => b.Owed);
        if (input.Kind is "instalment_plan" or "write_off" && owed == 0)
            throw Problems.Conflict("kind", $"the lease owed nothing on {input.TakenOn:yyyy-MM-dd}: there is nothing to {(input.Kind == "write_off" ? "write off" : "reschedule")}");
        if (input.Kind == "instalment_plan" && input.Instalments!.Sum(x => x.AmountYuan!.Value) != owed)
            throw Problems.Invalid("instalments", $"the instalments add up to {input.Instalments!.Sum(x => x.AmountYuan!.Value):0.00} 元; the lease owes {owed:0.00} 元");
        var amount = input.Kind is "instalment_plan" or "write_off" ? owed : input.AmountYuan;
        var action = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO lease_collection (lease_id, kind, taken_on, outcome, approval_ref, amount_yuan, actor)
            VALUES (@id, @Kind, @TakenOn, @Outcome, @ApprovalRef, @amount, @by) RETURNING id
            """, new { id, input.Kind, input.TakenOn, input.Outcome, input.ApprovalRef, amount, by = caller.Name }, tx);
        if (input.Kind is "instalment_plan" or "write_off")
            await conn.ExecuteAsync("UPDATE rent_bill SET closed_by = @action, closed_on = @TakenOn WHERE id = ANY(@ids)",
                new { action, input.TakenOn, ids = open.Select(b => b.Id).ToArray() }, tx);
        if (input.Kind == "instalment_plan")
            await conn.ExecuteAsync("""
                INSERT INTO rent_bill (lease_id, zone_code, kind, plan_id, period_start, period_end, due_on, amount_yuan)
                VALUES (@id, @zone, 'instalment', @action, @DueOn, @DueOn, @DueOn, @AmountYuan)
                """, input.Instalments!.Select(x => new { id, zone = lease.ZoneCode, action, x.DueOn, x.AmountYuan }), tx);
        await tx.CommitAsync();
        return TypedResults.Created($"/api/leases/{id}/collection", await CollectionAsync(conn, await LeasesApi.LeaseAsync(conn, id, caller)));
    }
}
