using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.LandUses;
using LandRegister.Api.Lifecycle;
using LandRegister.Api.Parcels;
using LandRegister.Api.Spatial;
using LandRegister.Api.Zones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Statistics;

/// <summary>A count of parcels and their area, under a key (a status, a planned-use class, a method).</summary>
/// <param name="Name">The key's name in Chinese, where it has one.</param>
public sealed record Tally(string Key, string? Name, int Count, double AreaMu);

/// <summary>A park's parcels (or, with <c>parkCode</c> null and <c>wholeZone</c> true, the zone's), by status and by planned-use class.</summary>
/// <param name="ByPlannedUse">By the second level of the national classification (e.g. 1001 industrial); <c>none</c> for no planned use.</param>
public sealed record ParcelGroup(string? ParkCode, bool WholeZone, int Count, double AreaMu, IReadOnlyList<Tally> ByStatus, IReadOnlyList<Tally> ByPlannedUse);

/// <summary>The zone's live parcels as they stood at <c>asOf</c> (now when absent): per park (<c>none</c>: outside any park) and in all.</summary>
public sealed record ParcelStatistics(string ZoneCode, DateTimeOffset? AsOf, IReadOnlyList<ParcelGroup> Parks, ParcelGroup Zone);

/// <summary>Land that became <c>revitalized</c> in a year, by the method recorded with the change.</summary>
/// <param name="ByMethod">Each method (盘活方式) with its Chinese name; <c>not_recorded</c> for land registered as revitalized without one.</param>
public sealed record RevitalizedYear(int Year, int Count, double AreaMu, IReadOnlyList<Tally> ByMethod);

public sealed record RevitalizedStatistics(string ZoneCode, string? ParkCode, IReadOnlyList<RevitalizedYear> Years);

/// <summary>Low-efficiency land now, by why it is so: <c>evaluation</c> (graded D by the 亩均 evaluation) or <c>manual</c> (designated by a planner).</summary>
public sealed record LowEfficiencyInventory(int Count, double AreaMu, IReadOnlyList<Tally> ByReason);

/// <summary>
/// Idle land now, by why: <c>not_started</c> or <c>stalled</c> (found by the zone's latest idle-land run), or <c>manual</c>
/// (designated by a planner, e.g. a building found vacant); the fees the findings charge and the land that can be taken back.
/// </summary>
public sealed record IdleInventory(
    int Count, double AreaMu, IReadOnlyList<Tally> ByReason, [property: Audience(Audience.Confidential)] decimal FeesWan,
    int ReclaimableCount, double ReclaimableAreaMu);

/// <summary>Items of the rectification ledger under a key (a status, a category), and how many of them are overdue.</summary>
public sealed record LedgerTally(string Key, int Count, int Overdue);

/// <summary>The zone's rectification ledger (of one source when asked): items by status and by category, overdue ones counted.</summary>
public sealed record LedgerStatistics(string ZoneCode, long? SourceId, DateTimeOffset? AsOf, int Items, int Overdue, IReadOnlyList<LedgerTally> ByStatus, IReadOnlyList<LedgerTally> ByCategory);

public sealed record UnderusedStatistics(string ZoneCode, string? ParkCode, DateTimeOffset? AsOf, LowEfficiencyInventory LowEfficiency, IdleInventory Idle);

/// <summary>
/// The figures the yearly reports are written from, one question per endpoint, each of a zone (optional for a key of
/// one zone) and optionally one park. Every role that reads the register reads them, but the idle-land fees (an
/// enterprise's figure) only staff roles, and the ledger's figures only roles that read the ledger.
/// </summary>
public static class StatisticsApi
{
    public static RouteGroupBuilder MapStatistics(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/statistics").WithTags("Statistics");
        group.MapGet("/parcels", GetParcelStatistics).WithName(nameof(GetParcelStatistics)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Parcels by status and by planned-use class, per park and for the zone: count and area in mu, now or as of an instant");
        group.MapGet("/underused", GetUnderusedStatistics).WithName(nameof(GetUnderusedStatistics)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Low-efficiency and idle land by reason, now or as of an instant, with the idle-land fees and the land that can be taken back");
        group.MapGet("/ledger", GetLedgerStatistics).WithName(nameof(GetLedgerStatistics)).RequireAuthorization(Permission.ReadLedger)
            .WithSummary("The rectification ledger's items by status and by category, with those overdue, now or as of an instant");
        group.MapGet("/revitalized", GetRevitalizedStatistics).WithName(nameof(GetRevitalizedStatistics)).RequireAuthorization(Permission.ReadRegister)
            .WithSummary("Land revitalized (盘活) per year and method: count and area in mu");
        return group;
    }

    /// <summary>Statuses in the lifecycle's order, as the report lists them.</summary>
    static readonly Dictionary<string, int> StatusOrder = ParcelStatus.All.Select((status, i) => (status, i)).ToDictionary(p => p.status, p => p.i);

    /// <summary>A grouping's row: <c>AnyStatus</c> and <c>AnyClass</c> say which of status and class it is not grouped by.</summary>
    sealed record Row(string? ParkCode, bool WholeZone, bool AnyStatus, bool AnyClass, string? Status, string? UseClass, int Count, double AreaM2);

    /// <summary>Counts and areas by (park, status), (park, class), (status), (class), (park) and in all, in one pass.</summary>
    static string ParcelCountsSql(bool past) => $"""
        {(past ? "WITH " + Parcels.ParcelSql.AsOf("h.zone_code = @zone", withGeometry: false) : "")}
        SELECT park_code, GROUPING(park_code) = 1 AS whole_zone, GROUPING(status) = 1 AS any_status, GROUPING(left(planned_use, 4)) = 1 AS any_class,
               status, left(planned_use, 4) AS use_class, count(*)::int AS count,
               coalesce(sum(area_m2), 0) AS area_m2
        FROM parcel
        WHERE zone_code = @zone AND retired_at IS NULL AND (@park::text IS NULL OR park_code = @park)
        GROUP BY GROUPING SETS ((park_code, status), (park_code, left(planned_use, 4)), (park_code), (status), (left(planned_use, 4)), ())
        """;

    public static async Task<Ok<ParcelStatistics>> GetParcelStatistics(
        Caller caller, Replicas replicas, HttpContext http, LandUseCodes uses,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("Only this park's parcels.")] string? park = null,
        [Description("An instant (ISO 8601): the parcels as they stood in the world then (valid time); default now.")] DateTimeOffset? asOf = null)
    {
        var at = CheckAsOf(asOf);
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await replicas.For(ReadClass.Statistics, http).OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var names = (await uses.CatalogueAsync()).Items.ToDictionary(u => u.Code, u => u.NameZh);
        var rows = (await conn.QueryAsync<Row>(ParcelCountsSql(at is not null),
            new { zone = code, park, asOf = at, recordedAsOf = (DateTimeOffset?)null })).ToList();

        ParcelGroup Group(string? parkCode, bool whole)
        {
            var here = rows.Where(r => r.WholeZone == whole && (whole || r.ParkCode == parkCode)).ToList();
            var total = here.SingleOrDefault(r => r.AnyStatus && r.AnyClass);
            var byStatus = here.Where(r => !r.AnyStatus)
                .Select(r => new Tally(r.Status!, null, r.Count, Area.Mu(r.AreaM2)))
                .OrderBy(t => StatusOrder.GetValueOrDefault(t.Key, int.MaxValue)).ToList();
            var byUse = here.Where(r => !r.AnyClass)
                .Select(r => new Tally(r.UseClass ?? "none", r.UseClass is { } c && names.TryGetValue(c, out var n) ? n : null, r.Count, Area.Mu(r.AreaM2)))
                .OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
            return new ParcelGroup(whole ? null : parkCode ?? "none", whole, total?.Count ?? 0, Area.Mu(total?.AreaM2 ?? 0), byStatus, byUse);
        }

        var parks = rows.Where(r => !r.WholeZone).Select(r => r.ParkCode).Distinct().OrderBy(p => p ?? "\uffff", StringComparer.Ordinal)
            .Select(p => Group(p, false)).ToList();
        return TypedResults.Ok(new ParcelStatistics(code, at, parks, Group(null, true)));
    }

    const string RevitalizedSql = """
        SELECT extract(year FROM h.valid_from AT TIME ZONE @tz)::int AS year, coalesce(h.details ->> 'method', 'not_recorded') AS method,
               count(DISTINCT h.parcel_id)::int AS count, coalesce(sum(h.area_m2), 0) AS area_m2
        FROM parcel_history h
        WHERE h.zone_code = @zone AND h.status = 'revitalized' AND 'status' = ANY(h.changed)
          AND (@park::text IS NULL OR h.park_code = @park)
          AND (@year::int IS NULL OR extract(year FROM h.valid_from AT TIME ZONE @tz)::int = @year)
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    sealed record RevitalizedRow(int Year, string Method, int Count, double AreaM2);

    public static async Task<Ok<RevitalizedStatistics>> GetRevitalizedStatistics(
        Caller caller, Replicas replicas, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("Only this park's land.")] string? park = null,
        [Description("Only this year (when the change took effect); default every year.")] int? year = null)
    {
        if (year is { } y && (y < RegisterDates.Earliest.Year || y > RegisterClock.Today.Year))
            throw Problems.Invalid("year", $"a year from {RegisterDates.Earliest.Year} to {RegisterClock.Today.Year}");
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await replicas.For(ReadClass.Statistics, http).OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var rows = (await conn.QueryAsync<RevitalizedRow>(RevitalizedSql, new { zone = code, park, year, tz = RegisterClock.TimeZone.Id })).ToList();
        var years = rows.GroupBy(r => r.Year).Select(g => new RevitalizedYear(g.Key, g.Sum(r => r.Count), Area.Mu(g.Sum(r => r.AreaM2)),
                g.Select(r => new Tally(r.Method, RevitalizationMethod.All.GetValueOrDefault(r.Method), r.Count, Area.Mu(r.AreaM2))).ToList()))
            .ToList();
        return TypedResults.Ok(new RevitalizedStatistics(code, park, years));
    }

    static readonly Dictionary<string, string> Reasons = new()
    {
        ["evaluation"] = "亩均评价认定（连续D类）",
        ["manual"] = "人工认定",
        ["not_started"] = "未按约定动工满一年",
        ["stalled"] = "开发不足且停工满一年",
        ["idle_land"] = "闲置土地认定",
    };

    sealed record UnderusedRow(string Status, string Reason, int Count, double AreaM2, decimal FeesWan, int Reclaimable, double ReclaimableM2);

    /// <summary>
    /// The underused land by reason, now or at <c>@asOf</c> (valid time, from the history), with the findings of the zone's
    /// current idle-land run, or of its latest run that assessed a day not after <c>@asOf</c>.
    /// </summary>
    static string UnderusedSql(bool past) => $"""
        WITH {(past ? ParcelSql.AsOf("h.zone_code = @zone", withGeometry: false) + "," : "")} findings AS (
            SELECT f.parcel_id, f.rule, f.fee_wan, f.reclaimable
            FROM idle_finding f
            WHERE f.run_id = {(past
                ? "(SELECT r.id FROM job_run r WHERE r.zone_code = @zone AND r.kind = 'idle_land' AND r.status = 'succeeded' AND r.as_of <= @day ORDER BY r.as_of DESC, r.id DESC LIMIT 1)"
                : "(SELECT c.run_id FROM idle_current c WHERE c.zone_code = @zone)")}
              AND f.rule <> 'stalled_not_determinable')
        SELECT p.status, CASE WHEN p.status = 'idle' THEN coalesce(f.rule, p.status_source) ELSE p.status_source END AS reason,
               count(*)::int AS count, coalesce(sum(p.area_m2), 0) AS area_m2, coalesce(sum(f.fee_wan), 0) AS fees_wan,
               (count(*) FILTER (WHERE f.reclaimable))::int AS reclaimable, coalesce(sum(p.area_m2) FILTER (WHERE f.reclaimable), 0) AS reclaimable_m2
        FROM parcel p LEFT JOIN findings f ON f.parcel_id = p.id AND p.status = 'idle'
        WHERE p.zone_code = @zone AND p.retired_at IS NULL AND p.status IN ('low_efficiency', 'idle') AND (@park::text IS NULL OR p.park_code = @park)
        GROUP BY 1, 2
        ORDER BY 1, 2
        """;

    public static async Task<Ok<UnderusedStatistics>> GetUnderusedStatistics(
        Caller caller, Replicas replicas, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("Only this park's land.")] string? park = null,
        [Description("An instant (ISO 8601): the land as it stood then (valid time), with the findings of the latest idle-land run that assessed a day not after it; default now.")]
        DateTimeOffset? asOf = null)
    {
        var at = CheckAsOf(asOf);
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await replicas.For(ReadClass.Statistics, http).OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var rows = (await conn.QueryAsync<UnderusedRow>(UnderusedSql(at is not null),
            new { zone = code, park, asOf = at, recordedAsOf = (DateTimeOffset?)null, day = Day(at) })).ToList();
        static List<Tally> ByReason(IEnumerable<UnderusedRow> rows) =>
            rows.Select(r => new Tally(r.Reason, Reasons.GetValueOrDefault(r.Reason), r.Count, Area.Mu(r.AreaM2))).ToList();
        var low = rows.Where(r => r.Status == ParcelStatus.LowEfficiency).ToList();
        var idle = rows.Where(r => r.Status == ParcelStatus.Idle).ToList();
        return TypedResults.Ok(new UnderusedStatistics(code, park, at,
            new LowEfficiencyInventory(low.Sum(r => r.Count), Area.Mu(low.Sum(r => r.AreaM2)), ByReason(low)),
            new IdleInventory(idle.Sum(r => r.Count), Area.Mu(idle.Sum(r => r.AreaM2)), ByReason(idle), idle.Sum(r => r.FeesWan),
                idle.Sum(r => r.Reclaimable), Area.Mu(idle.Sum(r => r.ReclaimableM2)))));
    }

    /// <summary>A checked <c>asOf</c>: not before the register's first day, not after now.</summary>
    static DateTimeOffset? CheckAsOf(DateTimeOffset? asOf)
    {
        var errors = new FieldErrors();
        var (at, _) = ValidTime.CheckAsOf(asOf, null, errors);
        errors.ThrowIfAny();
        return at;
    }

    /// <summary>The register's day of an instant (today for none).</summary>
    static DateTime Day(DateTimeOffset? at) => (at is { } t ? RegisterClock.DateOf(t) : RegisterClock.Today).ToDateTime(TimeOnly.MinValue);

    sealed record LedgerRow(bool AnyStatus, bool AnyCategory, string? Status, string? Category, int Count, int Overdue);

    /// <summary>The items by status and category, now or as they stood at <c>@asOf</c> (their versions valid then).</summary>
    static string LedgerSql(bool past) => $"""
        WITH item AS ({(past ? """
            SELECT DISTINCT ON (item_id) state ->> 'status' AS status, state ->> 'category' AS category, (state ->> 'deadline')::date AS deadline,
                   (state ->> 'source_id')::bigint AS source_id
            FROM ledger_item_history WHERE zone_code = @zone AND valid_from <= @asOf
            ORDER BY item_id, valid_from DESC, version DESC
            """ : "SELECT status, category, deadline, source_id FROM ledger_item WHERE zone_code = @zone")})
        SELECT GROUPING(status) = 1 AS any_status, GROUPING(category) = 1 AS any_category, status, category, count(*)::int AS count,
               (count(*) FILTER (WHERE deadline < @today AND status NOT IN ('completed', 'closed')))::int AS overdue
        FROM item
        WHERE (@source::bigint IS NULL OR source_id = @source)
        GROUP BY GROUPING SETS ((status), (category), ())
        """;

    public static async Task<Ok<LedgerStatistics>> GetLedgerStatistics(
        Caller caller, Replicas replicas, HttpContext http,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("Only the items of this source (a report or an inspection's feedback).")] long? source = null,
        [Description("An instant (ISO 8601): the items as they stood then (valid time), overdue by that day; default now.")] DateTimeOffset? asOf = null)
    {
        var at = CheckAsOf(asOf);
        var code = ZoneScope.Of(zone, caller);
        await using var conn = await replicas.For(ReadClass.Statistics, http).OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var rows = (await conn.QueryAsync<LedgerRow>(LedgerSql(at is not null), new { zone = code, source, asOf = at, today = Day(at) })).ToList();
        var total = rows.SingleOrDefault(r => r.AnyStatus && r.AnyCategory);
        return TypedResults.Ok(new LedgerStatistics(code, source, at, total?.Count ?? 0, total?.Overdue ?? 0,
            rows.Where(r => !r.AnyStatus).Select(r => new LedgerTally(r.Status!, r.Count, r.Overdue)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList(),
            rows.Where(r => !r.AnyCategory).Select(r => new LedgerTally(r.Category!, r.Count, r.Overdue)).OrderBy(t => t.Key, StringComparer.Ordinal).ToList()));
    }
}
