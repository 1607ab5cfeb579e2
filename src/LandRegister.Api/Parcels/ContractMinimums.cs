using LandRegister.Api.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Parcels;

/// <summary>
/// The least a zone's new land contracts may commit to (标准地 indicators: investment intensity, tax and sales per mu,
/// plot ratio). A supply whose commitments fall under them, or leave one out, is refused unless it carries the
/// approval that allowed it (<c>approvalRef</c>): the contract accepted at 1.0 万元/亩 of tax against a promised 25 is
/// then visible, with who approved it.
/// </summary>
public static class ContractMinimums
{
    /// <summary>The zone's minimums; a null field sets none.</summary>
    [Audience(Audience.Confidential)]
    public sealed record Minimums(decimal? InvestmentIntensityWanPerMu, decimal? TaxPerMuWan, decimal? SalesPerMuWan, decimal? MinPlotRatio);

    public static void MapContractMinimums(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/zones/{code}/contract-minimums", GetContractMinimums).WithName(nameof(GetContractMinimums)).WithTags("Zones")
            .RequireAuthorization(Permission.ReadEnterprises).WithSummary("The least a zone's new land contracts may commit to");
        app.MapPut("/api/zones/{code}/contract-minimums", PutContractMinimums).WithName(nameof(PutContractMinimums)).WithTags("Zones")
            .RequireAuthorization(Permission.EditRegister)
            .WithSummary("Set the least a zone's new land contracts may commit to; a supply under them needs an approvalRef");
    }

    const string Select = """
        SELECT investment_intensity_wan_per_mu, tax_per_mu_wan, sales_per_mu_wan, min_plot_ratio FROM contract_minimums WHERE zone_code = @code
        """;

    public static async Task<Ok<Minimums>> GetContractMinimums(string code, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        await Zones.ZoneScope.RequireAsync(conn, code, caller);
        return TypedResults.Ok(await conn.QuerySingleOrDefaultAsync<Minimums>(Select, new { code }) ?? new Minimums(null, null, null, null));
    }

    public static async Task<Ok<Minimums>> PutContractMinimums(string code, Minimums minimums, Caller caller, NpgsqlDataSource db)
    {
        var errors = new FieldErrors();
        foreach (var (name, value) in Named(minimums))
            if (value is < 0 or > 100_000) errors.Add(name, "between 0 and 100,000");
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        await Zones.ZoneScope.RequireAsync(conn, code, caller);
        await conn.ExecuteAsync("""
            INSERT INTO contract_minimums (zone_code, investment_intensity_wan_per_mu, tax_per_mu_wan, sales_per_mu_wan, min_plot_ratio, updated_by)
            VALUES (@code, @InvestmentIntensityWanPerMu, @TaxPerMuWan, @SalesPerMuWan, @MinPlotRatio, @by)
            ON CONFLICT (zone_code) DO UPDATE SET investment_intensity_wan_per_mu = excluded.investment_intensity_wan_per_mu,
                tax_per_mu_wan = excluded.tax_per_mu_wan, sales_per_mu_wan = excluded.sales_per_mu_wan, min_plot_ratio = excluded.min_plot_ratio,
                updated_at = now(), updated_by = excluded.updated_by
            """, new { code, minimums.InvestmentIntensityWanPerMu, minimums.TaxPerMuWan, minimums.SalesPerMuWan, minimums.MinPlotRatio, by = caller.Name });
        return TypedResults.Ok((await conn.QuerySingleOrDefaultAsync<Minimums>(Select, new { code }))!);
    }

    static (string Name, decimal? Value)[] Named(Minimums m) =>
        [("investmentIntensityWanPerMu", m.InvestmentIntensityWanPerMu), ("taxPerMuWan", m.TaxPerMuWan), ("salesPerMuWan", m.SalesPerMuWan), ("minPlotRatio", m.MinPlotRatio)];

    /// <summary>422 when <paramref name="supply"/>, for a parcel of <paramref name="zone"/>, commits to less than the zone's minimums without an approval.</summary>
    public static async Task CheckAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string zone, SupplyInput supply, string prefix)
    {
        if (supply.ApprovalRef is not null) return;
        var minimums = await conn.QuerySingleOrDefaultAsync<Minimums>(Select, new { code = zone }, tx);
        if (minimums is null) return;
        var c = supply.Commitments ?? new ContractCommitments(null, null, null, null);
        var committed = Named(new Minimums(c.InvestmentIntensityWanPerMu, c.TaxPerMuWan, c.SalesPerMuWan, c.MinPlotRatio));
        var errors = new FieldErrors();
        foreach (var ((name, least), (_, value)) in Named(minimums).Zip(committed))
            if (least is not null && (value is null || value < least))
                errors.Add($"{prefix}commitments.{name}",
                    $"{(value is null ? "missing" : $"{value} is under")} the zone's minimum of {least}: commit to at least that, or give the approvalRef that allowed less");
        errors.ThrowIfAny();
    }
}
