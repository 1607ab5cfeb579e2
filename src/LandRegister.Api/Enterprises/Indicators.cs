using LandRegister.Api.Access;
using Mapster;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LandRegister.Api.Enterprises;

/// <summary>An enterprise's figures for one year; money in 万元.</summary>
/// <param name="TaxWan">Tax paid (入库税收).</param>
/// <param name="SalesWan">Invoiced sales (开票销售).</param>
/// <param name="RevenueWan">Revenue (营业收入).</param>
/// <param name="ValueAddedWan">Value added (工业增加值).</param>
/// <param name="EnergyTce">Energy use in tonnes of coal equivalent (综合能耗).</param>
/// <param name="RndWan">R&amp;D spending (研发经费).</param>
/// <param name="Veto">safety_accident or environmental_accident: a one-vote veto that makes the year's class D.</param>
public sealed record IndicatorInput(
    decimal? TaxWan, decimal? SalesWan, decimal? RevenueWan, decimal? ValueAddedWan, int? Employees, decimal? EnergyTce, decimal? RndWan, string? Veto)
{
    public static readonly string[] Vetoes = ["safety_accident", "environmental_accident"];

    public void Validate(string prefix, FieldErrors errors)
    {
        foreach (var (field, value) in new[] { ("taxWan", TaxWan), ("salesWan", SalesWan), ("revenueWan", RevenueWan), ("energyTce", EnergyTce), ("rndWan", RndWan) })
            if (value is < 0 or >= 1_000_000_000_000m) errors.Add(prefix + field, "must be a number from 0 to 999999999999");
        if (ValueAddedWan is <= -1_000_000_000_000m or >= 1_000_000_000_000m) errors.Add(prefix + "valueAddedWan", "out of range");
        if (Employees is < 0) errors.Add(prefix + "employees", "must not be negative");
        if (Veto is not null && !Vetoes.Contains(Veto)) errors.AddUnknown(prefix + "veto", $"unknown veto '{Veto}'", Vetoes);
    }
}

[Audience(Audience.Confidential)]
public sealed record YearlyIndicators(
    int Year, decimal? TaxWan, decimal? SalesWan, decimal? RevenueWan, decimal? ValueAddedWan, int? Employees,
    decimal? EnergyTce, decimal? RndWan, string? Veto, DateTimeOffset UpdatedAt, string UpdatedBy);

public sealed record IndicatorHistory(string CreditCode, IReadOnlyList<YearlyIndicators> Years);

sealed record IndicatorRow(
    int Year, decimal? TaxWan, decimal? SalesWan, decimal? RevenueWan, decimal? ValueAddedWan, int? Employees,
    decimal? EnergyTce, decimal? RndWan, string? Veto, DateTime UpdatedAt, string UpdatedBy)
{
    public YearlyIndicators ToContract() => this.Adapt<YearlyIndicators>();
}

static class IndicatorsApi
{
    const string Columns = "year, tax_wan, sales_wan, revenue_wan, value_added_wan, employees, energy_tce, rnd_wan, veto, updated_at, updated_by";

    public static RouteGroupBuilder MapIndicators(this RouteGroupBuilder enterprises)
    {
        enterprises.MapPut("/{creditCode}/indicators/{year:int}", PutIndicators).WithName(nameof(PutIndicators))
            .RequireAuthorization(Permission.EditEnterprises)
            .WithSummary("Record an enterprise's figures for a year (If-Match to replace figures already recorded)");
        enterprises.MapGet("/{creditCode}/indicators", GetIndicators).WithName(nameof(GetIndicators))
            .RequireAuthorization(Permission.ReadEnterprises).WithSummary("An enterprise's figures, year by year");
        return enterprises;
    }

    public static async Task<IResult> PutIndicators(string creditCode, int year, IndicatorInput input, Caller caller, NpgsqlDataSource db, HttpContext http)
    {
        var errors = new FieldErrors();
        if (year is < 2000 or > 2100) errors.Add("year", "between 2000 and 2100");
        input.Validate("", errors);
        errors.ThrowIfAny();
        await using var conn = await db.OpenConnectionAsync();
        if (!await conn.ExecuteScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM enterprise WHERE credit_code = @creditCode AND {Caller.InScope()})",
                new { creditCode, scope = caller.Scope }))
            throw Problems.NotFound($"No enterprise has the credit code '{creditCode}'.");
        var current = await conn.QuerySingleOrDefaultAsync<long?>(
            "SELECT version FROM enterprise_indicator WHERE credit_code = @creditCode AND year = @year", new { creditCode, year });
        var args = new DynamicParameters(input);
        args.AddDynamicParams(new { creditCode, year, by = caller.Name });
        long? version;
        if (current is null)
            version = await conn.QuerySingleOrDefaultAsync<long?>("""
                INSERT INTO enterprise_indicator (credit_code, year, tax_wan, sales_wan, revenue_wan, value_added_wan, employees, energy_tce, rnd_wan, veto, updated_by)
                VALUES (@creditCode, @year, @TaxWan, @SalesWan, @RevenueWan, @ValueAddedWan, @Employees, @EnergyTce, @RndWan, @Veto, @by)
                ON CONFLICT DO NOTHING
                RETURNING version
                """, args);
        else
        {
            var expected = ETags.RequiredVersion(http.Request);
            args.Add("expected", expected);
            version = await conn.QuerySingleOrDefaultAsync<long?>("""
                UPDATE enterprise_indicator
                SET tax_wan = @TaxWan, sales_wan = @SalesWan, revenue_wan = @RevenueWan, value_added_wan = @ValueAddedWan,
                    employees = @Employees, energy_tce = @EnergyTce, rnd_wan = @RndWan, veto = @Veto,
                    updated_at = now(), updated_by = @by, version = version + 1
                WHERE credit_code = @creditCode AND year = @year AND (@expected::bigint IS NULL OR version = @expected)
                RETURNING version
                """, args);
        }
        if (version is null)
            throw Problems.PreconditionFailed(ETags.For(await conn.ExecuteScalarAsync<long>(
                "SELECT version FROM enterprise_indicator WHERE credit_code = @creditCode AND year = @year", new { creditCode, year })));
        var saved = (await conn.QuerySingleAsync<IndicatorRow>(
            $"SELECT {Columns} FROM enterprise_indicator WHERE credit_code = @creditCode AND year = @year", new { creditCode, year })).ToContract();
        ETags.Set(http.Response, version.Value);
        return current is null
            ? TypedResults.Created($"/api/enterprises/{creditCode}/indicators", saved)
            : TypedResults.Ok(saved);
    }

    public static async Task<Ok<IndicatorHistory>> GetIndicators(string creditCode, Caller caller, NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        if (!await conn.ExecuteScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM enterprise WHERE credit_code = @creditCode AND {Caller.InScope()})",
                new { creditCode, scope = caller.Scope }))
            throw Problems.NotFound($"No enterprise has the credit code '{creditCode}'.");
        var years = await conn.QueryAsync<IndicatorRow>(
            $"SELECT {Columns} FROM enterprise_indicator WHERE credit_code = @creditCode ORDER BY year", new { creditCode });
        return TypedResults.Ok(new IndicatorHistory(creditCode, years.Select(y => y.ToContract()).ToList()));
    }
}
