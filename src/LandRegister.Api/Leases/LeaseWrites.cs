using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Leases;

/// <summary>The writes that move a lease: activation (bills and vacancy follow), ending and termination.</summary>
static class LeaseWrites
{
    sealed record Overlap(decimal LeasedM2, decimal AreaM2, decimal Capacity, bool OnPremises);

    /// <summary>
    /// Makes a lease active: refused when, with the active leases of the same building (or land) whose terms overlap
    /// its own, more than its floor (or land) area would be leased; then bills its rent due up to today and gives its
    /// premises their vacancy.
    /// </summary>
    public static async Task ActivateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string actor)
    {
        var overlap = await conn.QuerySingleAsync<Overlap>("""
            SELECT coalesce((SELECT sum(o.area_m2) FROM lease o
                             WHERE o.id <> l.id AND o.status = 'active' AND o.starts_on <= l.ends_on AND lease_last_day(o) >= l.starts_on
                               AND (CASE WHEN l.premises_id IS NULL THEN o.premises_id IS NULL AND o.parcel_id = l.parcel_id
                                         ELSE o.premises_id = l.premises_id END)), 0) AS leased_m2,
                   l.area_m2,
                   CASE WHEN l.premises_id IS NULL THEN (SELECT p.area_m2::numeric FROM parcel p WHERE p.id = l.parcel_id)
                        ELSE (SELECT pr.floor_area_m2 FROM premises pr WHERE pr.id = l.premises_id) END AS capacity,
                   l.premises_id IS NOT NULL AS on_premises
            FROM lease l WHERE l.id = @id
            """, new { id }, tx);
        if (overlap.LeasedM2 + overlap.AreaM2 > overlap.Capacity)
            throw Problems.Conflict("areaM2",
                $"{overlap.LeasedM2:0.##} m² of this {(overlap.OnPremises ? "building" : "land")} are already leased over the same term; " +
                $"with {overlap.AreaM2:0.##} m² more it would exceed its {overlap.Capacity:0.##} m²");
        await conn.ExecuteAsync("UPDATE lease SET status = 'active', updated_by = @actor WHERE id = @id", new { id, actor }, tx);
        await BillAndRefreshAsync(conn, tx, id);
    }

    /// <summary>The lease's bills due from its start up to today, and its premises' vacancy as of today.</summary>
    static async Task BillAndRefreshAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id)
    {
        await conn.ExecuteAsync("""
            SELECT generate_rent_bills(NULL, ARRAY[@id], l.starts_on, @today) FROM lease l WHERE l.id = @id;
            SELECT refresh_premises_vacancy(ARRAY[l.premises_id], @today) FROM lease l WHERE l.id = @id AND l.premises_id IS NOT NULL;
            """, new { id, today = RegisterClock.Today }, tx);
    }

    /// <summary>A change of one lease: with If-Match, described in its history, answered with the lease as it now stands.</summary>
    public static async Task<Ok<Lease>> ChangeAsync(long id, Caller caller, NpgsqlDataSource db, HttpContext http, string kind, string? reason,
        Func<NpgsqlConnection, NpgsqlTransaction, Lease, Task> change)
    {
        var version = ETags.RequiredVersion(http.Request);
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await new RecordedChange(kind, reason).BeginAsync(conn);
        // Locked before it is read, so the version compared with If-Match is the one the change is made on.
        await conn.ExecuteAsync("SELECT 1 FROM lease WHERE id = @id FOR UPDATE", new { id }, tx);
        var lease = await LeasesApi.LeaseAsync(conn, id, caller, tx);
        if (version is not null && version != lease.Version) throw Problems.PreconditionFailed(ETags.For(lease.Version));
        await change(conn, tx, lease);
        await tx.CommitAsync();
        var changed = await LeasesApi.LeaseAsync(conn, id, caller);
        ETags.Set(http.Response, changed.Version);
        return TypedResults.Ok(changed);
    }

    /// <summary>Ends or terminates an active lease on a day within its term: the rent stops, and its premises are free again.</summary>
    public static Task<Ok<Lease>> StopAsync(long id, LeaseStop stop, string status, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var errors = new FieldErrors();
        if (stop.On is null) errors.Add("on", "required: the lease's last day");
        if (status == LeaseValues.Terminated && string.IsNullOrWhiteSpace(stop.Reason)) errors.Add("reason", "required: why the lease was terminated");
        if (stop.Reason is { Length: > 500 }) errors.Add("reason", "at most 500 characters");
        errors.ThrowIfAny();
        return ChangeAsync(id, caller, db, http, status, stop.Reason, async (conn, tx, lease) =>
        {
            if (lease.Status != LeaseValues.Active) throw Problems.Conflict("status", $"only an active lease can be {status}; this one is {lease.Status}");
            if (stop.On < lease.StartsOn.AddDays(-1) || stop.On > lease.EndsOn)
                throw Problems.Invalid("on", $"must fall within the term, {lease.StartsOn:yyyy-MM-dd} to {lease.EndsOn:yyyy-MM-dd}");
            await conn.ExecuteAsync("UPDATE lease SET status = @status, stopped_on = @On, stop_reason = @Reason, updated_by = @by WHERE id = @id",
                new { id, status, stop.On, stop.Reason, by = caller.Name }, tx);
            await BillAndRefreshAsync(conn, tx, id);
        });
    }
}
