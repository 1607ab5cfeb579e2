using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.LandUses;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Leases;

/// <summary>
/// Leases of premises and land: registered as drafts or active, ended or terminated, never deleted (every version in
/// <c>lease_history</c>). An active lease bills its rent (<see cref="RentApi"/>) and makes its premises' vacancy.
/// </summary>
public static class LeasesApi
{
    public static RouteGroupBuilder MapLeases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/leases").WithTags("Leases and rent");
        group.MapGet("/", ListLeases).WithName(nameof(ListLeases)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("List leases: by zone, premises, parcel, status, lessee; those whose use is not the parcel's planned use; or all as CSV or .xlsx")
            .Produces<LeaseList>().Exportable();
        group.MapGet("/{id:long}", GetLease).WithName(nameof(GetLease)).RequireAuthorization(Permission.ReadLeases).WithSummary("Get a lease");
        group.MapPost("/", CreateLease).WithName(nameof(CreateLease)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Register a lease of a premises or of land, as a draft or active");
        group.MapPost("/{id:long}/activate", ActivateLease).WithName(nameof(ActivateLease)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Make a draft lease active (If-Match required): it bills its rent from its start");
        group.MapPost("/{id:long}/end", EndLease).WithName(nameof(EndLease)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("End an active lease on a day (If-Match required)");
        group.MapPost("/{id:long}/terminate", TerminateLease).WithName(nameof(TerminateLease)).RequireAuthorization(Permission.EditLeases)
            .WithSummary("Terminate a lease early, with the reason (If-Match required)");
        group.MapGet("/{id:long}/history", GetLeaseHistory).WithName(nameof(GetLeaseHistory)).RequireAuthorization(Permission.ReadLeases)
            .WithSummary("Every version of a lease");
        return group;
    }

    static string Select(string where) => $"SELECT {Lease.Columns} FROM {Lease.From} WHERE {Caller.InScope("l.zone_code")} AND {where}";

    internal static async Task<Lease> LeaseAsync(NpgsqlConnection conn, long id, Caller caller, NpgsqlTransaction? tx = null) =>
        await conn.QuerySingleOrDefaultAsync<Lease>(Select("l.id = @id"), new { id, scope = caller.Scope, today = RegisterClock.Today }, tx)
        ?? throw Problems.NotFound($"No lease has the id {id}.");

    public sealed record LeaseList(IReadOnlyList<Lease> Items, string? NextCursor);

    public static async Task<IResult> ListLeases(Caller caller, NpgsqlDataSource db, HttpRequest request,
        [Description("Only this zone's leases.")] string? zone = null,
        [Description("Only the leases of this premises.")] long? premisesId = null,
        [Description("Only the leases on this parcel (of it, or of its premises).")] long? parcelId = null,
        [Description("Statuses, comma-separated: draft, active, ended, terminated.")] string? status = null,
        [Description("Only leases whose lessee's name or credit code contains this.")] string? lessee = null,
        [Description("true: only leases whose use is not the parcel's planned use (nor a class of it).")] bool? useMismatch = null,
        [Description("Page size, 1-1000 (default 100).")] int limit = 100,
        [Description("The id after which the page starts (nextCursor).")] long? cursor = null,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(request, format);
        var errors = new FieldErrors();
        var statuses = status?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] known = [LeaseValues.Draft, LeaseValues.Active, LeaseValues.Ended, LeaseValues.Terminated];
        foreach (var s in statuses ?? []) if (!known.Contains(s)) errors.AddUnknown("status", $"unknown status '{s}'", known);
        if (limit is < 1 or > 1000) errors.Add("limit", "between 1 and 1000");
        errors.ThrowIfAny();
        var sql = Select("""
            (@zone::text IS NULL OR l.zone_code = @zone) AND (@premisesId::bigint IS NULL OR l.premises_id = @premisesId)
            AND (@parcelId::bigint IS NULL OR l.parcel_id = @parcelId) AND (@statuses::text[] IS NULL OR l.status = ANY(@statuses))
            AND (@lessee::text IS NULL OR strpos(l.lessee_name, @lessee) > 0 OR strpos(coalesce(l.lessee_credit_code, ''), @lessee) > 0)
            AND (@useMismatch::boolean IS NULL OR @useMismatch = EXISTS (SELECT 1 FROM lease_use_mismatch m WHERE m.lease_id = l.id))
            AND (@cursor::bigint IS NULL OR l.id > @cursor)
            ORDER BY l.id LIMIT @take
            """);
        var args = new
        {
            scope = caller.Scope, today = RegisterClock.Today, zone, premisesId, parcelId, statuses, lessee, useMismatch, cursor,
            take = export is null ? limit + 1 : (int?)null,
        };
        if (export is { } file) return Export.File(file, LeaseExport.Leases, Export.Query(db, sql, args, (Lease l) => l));
        await using var conn = await db.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<Lease>(sql, args)).AsList();
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(limit);
            next = rows[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return TypedResults.Ok(new LeaseList(rows, next));
    }

    public static async Task<Ok<Lease>> GetLease(long id, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        await using var conn = await db.OpenConnectionAsync();
        var lease = await LeaseAsync(conn, id, caller);
        ETags.Set(http.Response, lease.Version);
        return TypedResults.Ok(lease);
    }

    sealed record Target(string ZoneCode, long ParcelId, decimal AreaM2);

    public static async Task<Created<Lease>> CreateLease(LeaseInput input, Caller caller, NpgsqlDataSource db, LandUseCodes uses, HttpContext http)
    {
        await uses.CatalogueAsync();
        var use = input.Validate(uses);
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await new RecordedChange("created").BeginAsync(conn);
        // What is leased, in the caller's zones (another zone's premises or parcel is not revealed), and its area.
        var target = input.PremisesId is { } premises
            ? await conn.QuerySingleOrDefaultAsync<Target>(
                  "SELECT zone_code, parcel_id, floor_area_m2 AS area_m2 FROM premises WHERE id = @premises AND retired_at IS NULL FOR UPDATE", new { premises }, tx)
            : await conn.QuerySingleOrDefaultAsync<Target>(
                  "SELECT zone_code, id AS parcel_id, area_m2::numeric AS area_m2 FROM parcel WHERE id = @ParcelId AND retired_at IS NULL FOR UPDATE", input, tx);
        var field = input.PremisesId is null ? "parcelId" : "premisesId";
        if (target is null || !caller.CanActIn(target.ZoneCode)) throw Problems.Invalid(field, "no premises or parcel of your zones has this id");
        if (input.AreaM2 > target.AreaM2)
            throw Problems.Invalid("areaM2", $"more than the {(input.PremisesId is null ? "parcel's area" : "building's floor area")} of {target.AreaM2:0.##} m²");
        var id = await conn.ExecuteScalarAsync<long>("""
            INSERT INTO lease (zone_code, premises_id, parcel_id, area_m2, lessor_name, lessor_kind, lessee_kind, lessee_name, lessee_credit_code,
                               lessee_identifier, use_code, starts_on, ends_on, rent_basis, rent, schedule, payment_timing, deposit_yuan,
                               rent_free_months, escalation_pct, contract_ref, status, created_by, updated_by)
            VALUES (@zone, @PremisesId, @parcel, @AreaM2, btrim(@LessorName), @LessorKind, @LesseeKind, btrim(@LesseeName), @LesseeCreditCode,
                    @LesseeIdentifier, @use, @StartsOn, @EndsOn, @RentBasis, @Rent, @Schedule, @PaymentTiming, coalesce(@DepositYuan, 0),
                    coalesce(@RentFreeMonths, 0), coalesce(@EscalationPct, 0), @ContractRef, 'draft', @by, @by)
            RETURNING id
            """, new
            {
                zone = target.ZoneCode, input.PremisesId, parcel = target.ParcelId, input.AreaM2, input.LessorName, input.LessorKind, input.LesseeKind,
                input.LesseeName, input.LesseeCreditCode, input.LesseeIdentifier, use, input.StartsOn, input.EndsOn, input.RentBasis, input.Rent,
                input.Schedule, input.PaymentTiming, input.DepositYuan, input.RentFreeMonths, input.EscalationPct, input.ContractRef, by = caller.Name,
            }, tx);
        if (input.Status == LeaseValues.Active)
        {
            await new RecordedChange("activated").DescribeAsync(conn, tx);
            await LeaseWrites.ActivateAsync(conn, tx, id, caller.Name);
        }
        await tx.CommitAsync();
        var lease = await LeaseAsync(conn, id, caller);
        ETags.Set(http.Response, lease.Version);
        return TypedResults.Created($"/api/leases/{id}", lease);
    }

    public static Task<Ok<Lease>> ActivateLease(long id, Caller caller, NpgsqlDataSource db, HttpContext http) =>
        LeaseWrites.ChangeAsync(id, caller, db, http, "activated", null, async (conn, tx, lease) =>
        {
            if (lease.Status != LeaseValues.Draft) throw Problems.Conflict("status", $"only a draft lease can be activated; this one is {lease.Status}");
            await LeaseWrites.ActivateAsync(conn, tx, id, caller.Name);
        });

    public static Task<Ok<Lease>> EndLease(long id, LeaseStop stop, Caller caller, NpgsqlDataSource db, HttpContext http) =>
        LeaseWrites.StopAsync(id, stop, LeaseValues.Ended, caller, db, http);

    public static Task<Ok<Lease>> TerminateLease(long id, LeaseStop stop, Caller caller, NpgsqlDataSource db, HttpContext http) =>
        LeaseWrites.StopAsync(id, stop, LeaseValues.Terminated, caller, db, http);

    public sealed record LeaseVersion(long Version, DateTime RecordedAt, DateTime ValidFrom, string Kind, string Actor, string? Reason, System.Text.Json.JsonElement State);

    sealed record VersionRow(long Version, DateTime RecordedAt, DateTime ValidFrom, string Kind, string Actor, string? Reason, string State);

    public static async Task<Ok<ItemList<LeaseVersion>>> GetLeaseHistory(long id, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await LeaseAsync(conn, id, caller);
        var rows = await conn.QueryAsync<VersionRow>(
            "SELECT version, recorded_at, valid_from, kind, actor, reason, state::text AS state FROM lease_history WHERE lease_id = @id ORDER BY version", new { id });
        return TypedResults.Ok(new ItemList<LeaseVersion>(rows.Select(r =>
            new LeaseVersion(r.Version, r.RecordedAt, r.ValidFrom, r.Kind, r.Actor, r.Reason, System.Text.Json.JsonDocument.Parse(r.State).RootElement.Clone())).ToList()));
    }
}
