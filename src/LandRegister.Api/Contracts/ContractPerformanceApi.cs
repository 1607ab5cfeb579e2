using System.ComponentModel;
using LandRegister.Api.Access;
using LandRegister.Api.Zones;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Contracts;

/// <summary>
/// What a land contract committed to against what the register holds, per supplied parcel and year: tax and sales per
/// mu (the holder's figures for the year over all the land it holds in the zone), investment intensity (the share of the
/// agreed investment reported made by the end of the year), plot ratio (the floor area of its premises over its area;
/// unknown while none is registered), and construction start and completion (the day recorded, or the day its status
/// first said so) against the agreed days; each with its shortfall, and the liquidated damages a contract states for a
/// tax shortfall.
/// </summary>
public static class ContractPerformanceApi
{
    public static void MapContractPerformance(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/contracts/performance", GetContractPerformance).WithName(nameof(GetContractPerformance)).WithTags("Contracts")
            .RequireAuthorization(Permission.ReadEnterprises)
            .WithSummary("Each supplied parcel's contract commitments against the year's actuals, with shortfalls and liquidated damages");

    /// <summary>One commitment against what was delivered; <c>shortfall</c> is how much is missing (0 when met).</summary>
    public sealed record Indicator(string Name, decimal? Committed, decimal? Actual, decimal? Shortfall, bool? Met);

    /// <summary>An agreed day against the day it happened (or today, when it has not).</summary>
    public sealed record Deadline(DateOnly AgreedBy, DateOnly? DoneOn, int DaysLate);

    [Audience(Audience.Confidential)]
    public sealed record Performance(long ParcelId, string ParcelCode, string? ParkCode, string Status, string RecipientName, string RecipientCreditCode,
        double AreaMu, int Year, IReadOnlyList<Indicator> Indicators, Deadline ConstructionStart, Deadline Completion, string? ApprovalRef,
        decimal? TaxDamagesWan, bool Shortfall);

    public sealed record PerformanceReport(string Zone, int Year, int Contracts, int WithShortfall, decimal TaxDamagesWan, IReadOnlyList<Performance> Items);

    sealed record Row(long ParcelId, string ParcelCode, string? ParkCode, string Status, string RecipientName, string RecipientCreditCode, double AreaMu,
        decimal? IntensityCommitted, decimal? TaxCommitted, decimal? SalesCommitted, decimal? PlotRatioCommitted, decimal? DamagesPct, string? ApprovalRef,
        decimal? TaxPerMu, decimal? SalesPerMu, decimal? InvestedShare, decimal? PlotRatio, DateOnly StartBy, DateOnly? StartedOn,
        DateOnly CompletionBy, DateOnly? CompletedOn);

    const string Sql = """
        WITH supplied AS (
            SELECT p.id, p.code, p.park_code, p.status, p.area_m2, p.construction_started_on, s.recipient_name, s.recipient_credit_code,
                   s.investment_intensity_wan_per_mu, s.tax_per_mu_wan, s.sales_per_mu_wan, s.min_plot_ratio, s.tax_shortfall_damages_pct,
                   s.approval_ref, s.construction_start_by, s.completion_by, s.valid_from
            FROM parcel p JOIN parcel_supply s ON s.id = p.supply_id
            WHERE p.zone_code = @zone AND p.retired_at IS NULL),
        holdings AS (
            SELECT recipient_credit_code, sum(area_m2)::numeric * 0.0015 AS mu FROM supplied GROUP BY recipient_credit_code)
        SELECT x.id AS parcel_id, x.code AS parcel_code, x.park_code, x.status, x.recipient_name, x.recipient_credit_code,
               x.area_m2 * 0.0015 AS area_mu,
               x.investment_intensity_wan_per_mu AS intensity_committed, x.tax_per_mu_wan AS tax_committed, x.sales_per_mu_wan AS sales_committed,
               x.min_plot_ratio AS plot_ratio_committed, x.tax_shortfall_damages_pct AS damages_pct, x.approval_ref,
               round(i.tax_wan / nullif(h.mu, 0), 2) AS tax_per_mu, round(i.sales_wan / nullif(h.mu, 0), 2) AS sales_per_mu,
               (SELECT g.invested_share FROM construction_progress g WHERE g.parcel_id = x.id AND g.reported_on <= @yearEnd
                ORDER BY g.reported_on DESC, g.id DESC LIMIT 1) AS invested_share,
               round((SELECT sum(pr.floor_area_m2) FROM premises pr WHERE pr.parcel_id = x.id AND pr.retired_at IS NULL)
                     / x.area_m2::numeric, 2) AS plot_ratio,
               x.construction_start_by AS start_by,
               coalesce(x.construction_started_on,
                        ((SELECT min(hh.valid_from) FROM parcel_history hh
                         WHERE hh.parcel_id = x.id AND 'status' = ANY(hh.changed)
                           AND hh.status IN ('under_construction', 'in_use', 'low_efficiency', 'revitalizing', 'revitalized')) AT TIME ZONE @tz)::date) AS started_on,
               x.completion_by,
               ((SELECT min(hh.valid_from) FROM parcel_history hh
                 WHERE hh.parcel_id = x.id AND 'status' = ANY(hh.changed)
                   AND hh.status IN ('in_use', 'low_efficiency', 'revitalizing', 'revitalized')) AT TIME ZONE @tz)::date AS completed_on
        FROM supplied x
        JOIN holdings h ON h.recipient_credit_code = x.recipient_credit_code
        LEFT JOIN enterprise_indicator i ON i.credit_code = x.recipient_credit_code AND i.year = @year
        ORDER BY x.code
        """;

    public static async Task<Ok<PerformanceReport>> GetContractPerformance(Caller caller, NpgsqlDataSource db,
        [Description("The year whose figures are compared (default last year).")] int? year = null,
        [Description("The zone (optional for a key of one zone).")] string? zone = null,
        [Description("true: only contracts with a shortfall; false: only those without.")] bool? shortfall = null)
    {
        var code = ZoneScope.Of(zone, caller);
        var today = RegisterClock.Today;
        var y = year ?? today.Year - 1;
        if (y is < 2000 or > 2100) throw Problems.Invalid("year", "between 2000 and 2100");
        await using var conn = await db.OpenConnectionAsync();
        await ZoneScope.RequireAsync(conn, code, caller);
        var yearEnd = new DateOnly(y, 12, 31);
        var rows = await conn.QueryAsync<Row>(Sql, new { zone = code, year = y, yearEnd, tz = RegisterClock.TimeZone.Id });
        var items = rows.Select(r => Assess(r, y, today)).Where(p => shortfall is null || p.Shortfall == shortfall).ToList();
        return TypedResults.Ok(new PerformanceReport(code, y, items.Count, items.Count(p => p.Shortfall), items.Sum(p => p.TaxDamagesWan ?? 0), items));
    }

    static Performance Assess(Row r, int year, DateOnly today)
    {
        var intensity = r.IntensityCommitted is { } committed && r.InvestedShare is { } share ? Math.Round(committed * share, 2) : (decimal?)null;
        Indicator[] indicators =
        [
            Compare("investmentIntensityWanPerMu", r.IntensityCommitted, intensity),
            Compare("taxPerMuWan", r.TaxCommitted, r.TaxPerMu),
            Compare("salesPerMuWan", r.SalesCommitted, r.SalesPerMu),
            Compare("plotRatio", r.PlotRatioCommitted, r.PlotRatio),
        ];
        var start = Late(r.StartBy, r.StartedOn, today);
        var completion = Late(r.CompletionBy, r.CompletedOn, today);
        var tax = indicators[1];
        var damages = r.DamagesPct is { } pct && tax.Shortfall is { } missing ? Math.Round(missing * (decimal)r.AreaMu * pct / 100, 2) : (decimal?)null;
        var shortfall = indicators.Any(i => i.Met == false) || start.DaysLate > 0 || completion.DaysLate > 0;
        return new Performance(r.ParcelId, r.ParcelCode, r.ParkCode, r.Status, r.RecipientName, r.RecipientCreditCode, Math.Round(r.AreaMu, 4), year,
            indicators, start, completion, r.ApprovalRef, damages, shortfall);
    }

    static Indicator Compare(string name, decimal? committed, decimal? actual) =>
        committed is null ? new Indicator(name, null, actual, null, null)
        : actual is null ? new Indicator(name, committed, null, null, null)
        : new Indicator(name, committed, actual, Math.Max(0, committed.Value - actual.Value), actual >= committed);

    static Deadline Late(DateOnly agreed, DateOnly? done, DateOnly today) =>
        new(agreed, done, Math.Max(0, (done ?? today).DayNumber - agreed.DayNumber));
}
