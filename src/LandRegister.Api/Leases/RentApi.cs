using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using Microsoft.AspNetCore.Http.HttpResults;
using LandRegister.Api.Jobs;
using LandRegister.Api.Zones;

namespace LandRegister.Api.Leases;

/// <summary>
/// The rent ledger: bills generated from the leases' schedules (nightly by the billing run, or on demand), payments
/// recorded by hand or imported from a bank statement and matched to bills oldest first, and what each lessee owes.
/// </summary>
public static class RentApi
{
    public static void MapRent(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:long}/bills", ListBills).WithName(nameof(ListBills)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("A lease's bills, oldest first, with what is paid of each");
        group.MapPost("/bills", GenerateBills).WithName(nameof(GenerateBills)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Generate the bills due in a period for a zone's leases now (generating twice creates nothing new)");
        group.MapPost("/billing-runs", StartBillingRun).WithName(nameof(StartBillingRun)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Start a billing run (202 + Location): the bills due up to a day, and the premises' vacancy on it");
        group.MapGet("/billing-runs/{id:long}", GetBillingRun).WithName(nameof(GetBillingRun)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("A billing run: queued, running, succeeded (with counts) or failed");
        group.MapPost("/payments", RecordPayment).WithName(nameof(RecordPayment)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Record a payment for a lease, allocated to its oldest open bills unless billIds says which");
        group.MapGet("/payments", ListPayments).WithName(nameof(ListPayments)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("Payments of a zone; unmatched=true: those not (wholly) allocated to bills");
        group.MapGet("/arrears", Arrears.GetArrears).WithName(nameof(Arrears.GetArrears)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("What each lessee owes on a day, by age (0-30, 31-90, 91-180, 181-365, over 365 days), with totals per lessor and park; or the lessees as CSV or .xlsx")
            .Produces<Arrears.ArrearsReport>().Exportable();
    }

    public static async Task<Ok<ItemList<RentBill>>> ListBills(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await LeasesApi.LeaseAsync(conn, id, caller);
        var bills = await conn.QueryAsync<RentBill>($"SELECT {RentBill.Columns} FROM rent_bill b WHERE b.lease_id = @id ORDER BY b.due_on, b.id", new { id });
        return TypedResults.Ok(new ItemList<RentBill>(bills.AsList()));
    }

    public sealed record BillsGenerated(string Zone, DateOnly From, DateOnly Through, long Created);

    public static async Task<Ok<BillsGenerated>> GenerateBills(BillingRequest request, Caller caller, NpgsqlDataSource db)
    {
        var zone = ZoneScope.Of(request.Zone, caller);
        var errors = new FieldErrors();
        if (request.From is null) errors.Add("from", "required: the first due day of the period");
        if (request.Through is null) errors.Add("through", "required: the last due day of the period");
        else if (request.Through < request.From) errors.Add("through", "must not be before from");
        else if (request.Through.Value.DayNumber - request.From!.Value.DayNumber > 3660) errors.Add("through", "at most ten years after from");
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, zone, caller);
        var created = await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT generate_rent_bills(@zone, NULL, @From, @Through)",
            new { zone, request.From, request.Through }, commandTimeout: 0));
        return TypedResults.Ok(new BillsGenerated(zone, request.From!.Value, request.Through!.Value, created));
    }

    public sealed record BillingRunRequest(string? Zone, DateOnly? AsOf);

    public static async Task<IResult> StartBillingRun(BillingRunRequest request, Caller caller, NpgsqlDataSource db, JobRuns runs)
    {
        var zone = ZoneScope.Of(request.Zone, caller);
        ValidTime.RequireDay(request.AsOf, "asOf");
        await using (var conn = await db.OpenConnectionAsync()) await ZoneScope.RequireAsync(conn, zone, caller);
        var run = await runs.StartAsync(BillingRun.Billing, zone, null, request.AsOf ?? RegisterClock.Today, caller.Name);
        return TypedResults.Accepted(BillingRun.Billing.Location(run.Id), run.ToContract());
    }

    public static async Task<Ok<JobRun>> GetBillingRun(long id, Caller caller, JobRuns runs) =>
        TypedResults.Ok((await runs.GetAsync(id, caller, BillingRun.Billing.Name) ?? throw Problems.NotFound($"No billing run has the id {id}.")).ToContract());

    public static async Task<Created<RentPayment>> RecordPayment(PaymentInput input, Caller caller, NpgsqlDataSource db)
    {
        var errors = new FieldErrors();
        if (input.LeaseId is null) errors.Add("leaseId", "required: the lease paid for");
        if (input.PaidOn is null) errors.Add("paidOn", "required: the day the money arrived");
        else if (input.PaidOn > RegisterClock.Today) errors.Add("paidOn", "must not be in the future");
        if (string.IsNullOrWhiteSpace(input.Payer) || input.Payer.Length > 200) errors.Add("payer", "required, at most 200 characters");
        if (input.AmountYuan is null or <= 0) errors.Add("amountYuan", "required: more than 0");
        else if (decimal.Round(input.AmountYuan.Value, 2) != input.AmountYuan) errors.Add("amountYuan", "at most 2 decimals (fen)");
        if (input.Reference is { Length: > 100 }) errors.Add("reference", "at most 100 characters");
        if (input.BillIds is { Length: > 1000 }) errors.Add("billIds", "at most 1000");
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var lease = await LeasesApi.LeaseAsync(conn, input.LeaseId!.Value, caller, tx);
        if (input.BillIds is { Length: > 0 } ids)
        {
            var own = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM rent_bill WHERE id = ANY(@ids) AND lease_id = @Id", new { ids, lease.Id }, tx);
            if (own != ids.Distinct().Count()) throw Problems.Invalid("billIds", "name bills of this lease only");
        }
        var id = await PaymentWrites.InsertAsync(conn, tx, lease.ZoneCode, lease.Id, input.PaidOn!.Value, input.Payer!.Trim(), input.AmountYuan!.Value,
            input.Reference, "manual", caller.Name, input.BillIds);
        await tx.CommitAsync();
        return TypedResults.Created($"/api/leases/payments?zone={lease.ZoneCode}", await PaymentWrites.GetAsync(conn, id));
    }

    public static async Task<Ok<ItemList<RentPayment>>> ListPayments(Caller caller, NpgsqlDataSource db,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("Only this lease's payments.")] long? leaseId = null,
        [Description("true: only payments not wholly allocated to bills.")] bool? unmatched = null)
    {
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var rows = await conn.QueryAsync<RentPayment>($"""
            SELECT {RentPayment.Columns} FROM rent_payment r
            WHERE r.zone_code = @code AND (@leaseId::bigint IS NULL OR r.lease_id = @leaseId)
              AND (@unmatched::boolean IS NULL OR @unmatched = (r.allocated_yuan < r.amount_yuan))
            ORDER BY r.paid_on DESC, r.id DESC LIMIT 10000
            """, new { code, leaseId, unmatched });
        return TypedResults.Ok(new ItemList<RentPayment>(rows.AsList()));
    }
}

/// <summary>Payments written and allocated.</summary>
static class PaymentWrites
{
    /// <summary>Records a payment and allocates it (to <paramref name="billIds"/>, or the lease's oldest open bills); returns its id.</summary>
    public static async Task<long> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string zone, long? leaseId, DateOnly paidOn, string payer,
        decimal amount, string? reference, string source, string actor, long[]? billIds = null)
    {
        var id = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO rent_payment (zone_code, lease_id, paid_on, payer, amount_yuan, reference, source, actor)
            VALUES (@zone, @leaseId, @paidOn, @payer, @amount, @reference, @source, @actor) RETURNING id
            """, new { zone, leaseId, paidOn, payer, amount, reference, source, actor }, tx);
        if (leaseId is not null)
            await conn.ExecuteAsync("SELECT allocate_rent_payment(@id, @billIds::bigint[])", new { id, billIds = billIds is { Length: > 0 } ? billIds : null }, tx);
        return id;
    }

    public static Task<RentPayment> GetAsync(NpgsqlConnection conn, long id) =>
        conn.QuerySingleAsync<RentPayment>($"SELECT {RentPayment.Columns} FROM rent_payment r WHERE r.id = @id", new { id });
}
