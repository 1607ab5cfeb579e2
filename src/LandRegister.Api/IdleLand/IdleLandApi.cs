using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Exports;
using LandRegister.Api.Jobs;
using LandRegister.Api.Parcels;
using LandRegister.Api.Zones;
using Mapster;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.IdleLand;

/// <summary>An idle-land run to start: a zone (optional for a key of one zone), as of a day (default today).</summary>
public sealed record IdleLandRequest(string? Zone, DateOnly? AsOf);

/// <summary>A parcel found idle by the zone's latest idle-land run.</summary>
/// <param name="ClockFrom">Where the idle-land clock starts: the agreed start of construction, or the day work stopped.</param>
/// <param name="DaysSinceClockStart">Days from clockFrom to the run's day, the exempt days taken off: the year of grace included.</param>
/// <param name="DaysIdle">Days the land has been idle under the rule: since the year of grace ended (0 on the day it became idle).</param>
/// <param name="HolderCreditCode">The recipient of the parcel's supply record, who owes the fee.</param>
/// <param name="Missing">For a finding stalled_not_determinable: the figures a construction report must give (developedShare, investedShare).</param>
[Audience(Audience.Confidential)]
public sealed record IdleLandFinding(
    [property: Audience(Audience.Internal)] long ParcelId,
    [property: Audience(Audience.Internal)] string ParcelCode,
    [property: Audience(Audience.Internal)] string? ParkCode,
    [property: Audience(Audience.Internal)] string Rule,
    [property: Audience(Audience.Internal)] DateOnly ClockFrom,
    [property: Audience(Audience.Internal)] int DaysSinceClockStart,
    [property: Audience(Audience.Internal)] int DaysIdle,
    [property: Audience(Audience.Internal)] int ExemptDays,
    decimal? FeeWan,
    [property: Audience(Audience.Internal)] bool Reclaimable,
    string? HolderName, string? HolderCreditCode,
    [property: Audience(Audience.Internal)] string[] Missing);

public sealed record IdleLandFindings(string ZoneCode, long RunId, DateOnly? AsOf, long NumberMatched, IReadOnlyList<IdleLandFinding> Items, long? NextCursor);

/// <summary>A progress report on construction: what the idle-land rule reads.</summary>
/// <param name="DevelopedShare">Share of the area due that is developed, 0-1.</param>
/// <param name="InvestedShare">Share of the total investment made, 0-1.</param>
/// <param name="StoppedSince">Since when work has stopped, if it has.</param>
public sealed record ConstructionReport(DateOnly? ReportedOn, DateOnly? StartedOn, decimal? DevelopedShare, decimal? InvestedShare, DateOnly? StoppedSince);

/// <summary>A delay the government caused, which stops the idle-land clock.</summary>
/// <param name="Reason">land_not_delivered, plan_revised, state_policy, petitions, military_or_heritage_control or other_government_act.</param>
public sealed record IdleExemptionInput(string? Reason, DateOnly? From, DateOnly? To, string? Reference);

public static class IdleLandApi
{
    public static readonly string[] ExemptionReasons =
        ["land_not_delivered", "plan_revised", "state_policy", "petitions", "military_or_heritage_control", "other_government_act"];

    public static RouteGroupBuilder MapIdleLand(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/idle-land").WithTags("Idle land");
        group.MapPost("/runs", StartIdleLandRun).WithName(nameof(StartIdleLandRun)).RequireAuthorization(Permission.RunIdleLand)
            .Produces<JobRun>(202).WithSummary("Apply the idle-land rule to a zone's supplied land in the background; poll the Location");
        group.MapGet("/runs/{id:long}", GetIdleLandRun).WithName(nameof(GetIdleLandRun)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("An idle-land run: queued, running with progress, succeeded or failed");
        group.MapGet("/findings", GetIdleLandFindings).WithName(nameof(GetIdleLandFindings)).RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("The parcels the zone's latest idle-land run found idle, with fees and those that can be taken back; or all as CSV or .xlsx")
            .Produces<IdleLandFindings>().Exportable();
        var parcels = app.MapGroup("/api/parcels").WithTags("Idle land");
        parcels.MapPost("/{id:long}/construction-reports", ReportConstruction).WithName(nameof(ReportConstruction))
            .RequireAuthorization(Permission.EditRegister).WithSummary("Record construction progress on supplied land");
        parcels.MapPost("/{id:long}/idle-exemptions", AddIdleExemption).WithName(nameof(AddIdleExemption))
            .RequireAuthorization(Permission.EditRegister).WithSummary("Record a delay the government caused, which stops the idle-land clock");
        return group;
    }

    public static async Task<IResult> StartIdleLandRun(IdleLandRequest request, Caller caller, NpgsqlDataSource db, JobRuns runs)
    {
        var zone = ZoneScope.Of(request.Zone, caller);
        ValidTime.RequireDay(request.AsOf, "asOf");
        await using (var conn = await db.OpenConnectionAsync()) await ZoneScope.RequireAsync(conn, zone, caller);
        var run = await runs.StartAsync(IdleLandRun.IdleLand, zone, null, request.AsOf ?? RegisterClock.Today, caller.Name);
        return TypedResults.Accepted(IdleLandRun.IdleLand.Location(run.Id), run.ToContract());
    }

    public static async Task<Ok<JobRun>> GetIdleLandRun(long id, Caller caller, JobRuns runs) =>
        TypedResults.Ok((await runs.GetAsync(id, caller, IdleLandRun.IdleLand.Name) ?? throw Problems.NotFound($"No idle-land run has the id {id}.")).ToContract());

    internal sealed record FindingRow(long ParcelId, string ParcelCode, string? ParkCode, string Rule, DateOnly ClockFrom, int DaysSinceClockStart, int DaysIdle, int ExemptDays,
        decimal? FeeWan, bool Reclaimable, string? HolderName, string? HolderCreditCode, string Missing)
    {
        public IdleLandFinding ToContract() => this.Adapt<IdleLandFinding>();
    }

    sealed class FindingMapping : IRegister
    {
        // Dapper fills a record's constructor with scalars only: the missing figures come as one comma-separated text.
        public void Register(TypeAdapterConfig config) => config.NewConfig<FindingRow, IdleLandFinding>()
            .Map(d => d.Missing, s => (s.Missing ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    public static async Task<IResult> GetIdleLandFindings(
        Caller caller, NpgsqlDataSource db, HttpRequest request,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("Only parcels idle two years or more, which can be taken back.")] bool? reclaimable = null,
        [Description("Page size, 1-1000 (default 100).")] int? limit = null,
        [Description("The nextCursor of the previous page.")] long? cursor = null,
        [Description(Export.FormatDescription)] string? format = null)
    {
        var export = Export.Requested(request, format);
        var code = ZoneScope.Of(zone, caller);
        if (limit is < 1 or > 1000) throw Problems.Invalid("limit", "between 1 and 1000");
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var current = await conn.QuerySingleOrDefaultAsync<(long RunId, DateOnly? AsOf)?>(
            "SELECT c.run_id, r.as_of FROM idle_current c JOIN job_run r ON r.id = c.run_id WHERE c.zone_code = @code", new { code })
            ?? throw Problems.NotFound($"Zone {code} has no idle-land findings yet: start a run (POST /api/idle-land/runs).");
        var take = limit ?? 100;
        var args = new { run = current.RunId, asOf = (current.AsOf ?? RegisterClock.Today).ToDateTime(TimeOnly.MinValue), reclaimable, cursor, take = export is null ? take + 1 : (int?)null };
        const string Filter = "f.run_id = @run AND (@reclaimable::boolean IS NULL OR f.reclaimable = @reclaimable)";
        var sql = $"""
            SELECT f.parcel_id, p.code AS parcel_code, p.park_code, f.rule, f.clock_from, f.idle_days AS days_since_clock_start,
                   (@asOf::date - (f.clock_from + f.exempt_days + interval '1 year')::date) AS days_idle, f.exempt_days, f.fee_wan, f.reclaimable,
                   s.recipient_name AS holder_name, s.recipient_credit_code AS holder_credit_code, array_to_string(f.missing, ',') AS missing
            FROM idle_finding f JOIN parcel p ON p.id = f.parcel_id LEFT JOIN parcel_supply s ON s.id = p.supply_id
            WHERE {Filter} AND (@cursor::bigint IS NULL OR f.parcel_id > @cursor)
            ORDER BY f.parcel_id LIMIT @take
            """;
        if (export is { } file) return Export.File(file, IdleLandExport.Findings, Export.Query(db, sql, args, (FindingRow r) => r.ToContract()));
        var matched = await conn.ExecuteScalarAsync<long>($"SELECT count(*) FROM idle_finding f WHERE {Filter}", args);
        var rows = (await conn.QueryAsync<FindingRow>(sql, args)).ToList();
        var next = rows.Count > take ? rows[take - 1].ParcelId : (long?)null;
        return TypedResults.Ok(new IdleLandFindings(code, current.RunId, current.AsOf, matched, rows.Take(take).Select(r => r.ToContract()).ToList(), next));
    }

    static async Task RequireSuppliedParcelAsync(NpgsqlConnection conn, long id, Caller caller)
    {
        var supplied = await conn.QuerySingleOrDefaultAsync<bool?>(
            $"SELECT supply_id IS NOT NULL FROM parcel WHERE id = @id AND retired_at IS NULL AND {Caller.InScope()}", new { id, scope = caller.Scope })
            ?? throw Problems.NotFound($"No active parcel has the id {id}.");
        if (!supplied) throw Problems.Conflict("id", $"parcel {id} has no supply record: construction and the idle-land clock concern supplied land");
    }

    public static async Task<Created<ConstructionReport>> ReportConstruction(long id, ConstructionReport report, Caller caller, NpgsqlDataSource db)
    {
        var errors = new FieldErrors();
        var today = RegisterClock.Today;
        if (report.ReportedOn is null) errors.Add("reportedOn", "required");
        foreach (var (field, date) in new[] { ("reportedOn", report.ReportedOn), ("startedOn", report.StartedOn), ("stoppedSince", report.StoppedSince) })
            if (date > today) errors.Add(field, "must not be in the future");
        foreach (var (field, share) in new[] { ("developedShare", report.DevelopedShare), ("investedShare", report.InvestedShare) })
            if (share is < 0 or > 1) errors.Add(field, "a share from 0 to 1");
        if (report.StoppedSince < report.StartedOn) errors.Add("stoppedSince", "must not be before startedOn");
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        await RequireSuppliedParcelAsync(conn, id, caller);
        var change = new RecordedChange("construction_report", $"construction report of {report.ReportedOn:yyyy-MM-dd}: started on {report.StartedOn:yyyy-MM-dd}");
        await using var tx = await change.BeginAsync(conn);
        await conn.ExecuteAsync("""
            INSERT INTO construction_progress (parcel_id, reported_on, started_on, developed_share, invested_share, stopped_since, created_by)
            VALUES (@id, @ReportedOn, @StartedOn, @DevelopedShare, @InvestedShare, @StoppedSince, @by)
            """, new { id, report.ReportedOn, report.StartedOn, report.DevelopedShare, report.InvestedShare, report.StoppedSince, by = caller.Name }, tx);
        // The earliest reported start is the parcel's (a history entry records it).
        await ParcelWrites.SetConstructionStartAsync(conn, tx, id, report.StartedOn, caller.Name);
        await tx.CommitAsync();
        return TypedResults.Created($"/api/parcels/{id}/construction-reports", report);
    }

    public static async Task<Created<IdleExemptionInput>> AddIdleExemption(long id, IdleExemptionInput exemption, Caller caller, NpgsqlDataSource db)
    {
        var errors = new FieldErrors();
        if (exemption.Reason is null) errors.Add("reason", "required");
        else if (!ExemptionReasons.Contains(exemption.Reason))
            errors.AddUnknown("reason", $"unknown reason '{exemption.Reason}': only delays the government caused stop the clock", ExemptionReasons);
        if (exemption.From is null) errors.Add("from", "required");
        if (exemption.To < exemption.From) errors.Add("to", "must not be before from");
        if (exemption.Reference is { } r && (r.Length > 500 || !Text.IsPlain(r))) errors.Add("reference", "at most 500 characters");
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        await RequireSuppliedParcelAsync(conn, id, caller);
        await conn.ExecuteAsync("""
            INSERT INTO idle_exemption (parcel_id, reason, from_date, to_date, reference, created_by)
            VALUES (@id, @Reason, @From, @To, @Reference, @by)
            """, new { id, exemption.Reason, exemption.From, exemption.To, exemption.Reference, by = caller.Name });
        return TypedResults.Created($"/api/parcels/{id}/idle-exemptions", exemption);
    }
}
