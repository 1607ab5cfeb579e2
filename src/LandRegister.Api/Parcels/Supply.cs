using LandRegister.Api.Access;
using LandRegister.Api.Enterprises;
using Mapster;

namespace LandRegister.Api.Parcels;

/// <summary>The indicators written into a land contract (标准地).</summary>
/// <param name="InvestmentIntensityWanPerMu">Fixed-asset investment intensity, 万元/亩.</param>
/// <param name="TaxPerMuWan">Yearly tax per mu, 万元.</param>
/// <param name="SalesPerMuWan">Yearly invoiced sales per mu, 万元.</param>
/// <param name="MinPlotRatio">Minimum plot ratio (容积率).</param>
/// <param name="TaxShortfallDamagesPct">Liquidated damages the contract states for a tax shortfall: this share (percent) of the tax
/// missing against the commitment (per mu × mu) in a year.</param>
[Audience(Audience.Confidential)]
public sealed record ContractCommitments(decimal? InvestmentIntensityWanPerMu, decimal? TaxPerMuWan, decimal? SalesPerMuWan, decimal? MinPlotRatio,
    decimal? TaxShortfallDamagesPct = null);

/// <summary>A supply record to make (with the transition to supplied) or to correct.</summary>
/// <param name="Method">transfer (出让) or allocation (划拨).</param>
/// <param name="ListedOn">When the parcel was listed (挂牌), for transfers.</param>
/// <param name="DealtOn">When the deal was made (摘牌) or the allocation decided.</param>
/// <param name="RecipientCreditCode">The recipient's unified social credit code (统一社会信用代码), check character included.</param>
/// <param name="PriceWan">Price in 万元; required for transfers.</param>
/// <param name="ConstructionStartBy">Construction start agreed in the contract or decision; the idle-land clock runs from it.</param>
/// <param name="CompletionBy">Completion agreed in the contract.</param>
/// <param name="ApprovalRef">The approval that lets the commitments fall under the zone's contract minimums.</param>
public sealed record SupplyInput(
    string? Method, DateOnly? ListedOn, DateOnly? DealtOn, string? RecipientName, string? RecipientCreditCode,
    decimal? PriceWan, DateOnly? ConstructionStartBy, DateOnly? CompletionBy, ContractCommitments? Commitments, string? ApprovalRef = null)
{
    public static readonly string[] Methods = ["transfer", "allocation"];

    public void Validate(string prefix, DateOnly today, FieldErrors errors)
    {
        if (Method is null) errors.Add(prefix + "method", "required: transfer (出让) or allocation (划拨)");
        else if (!Methods.Contains(Method)) errors.AddUnknown(prefix + "method", $"unknown supply method '{Method}'", Methods);
        if (DealtOn is null) errors.Add(prefix + "dealtOn", "required");
        else if (DealtOn > today) errors.Add(prefix + "dealtOn", $"must not be after {today:yyyy-MM-dd} (the effective date, or today)");
        if (ListedOn > DealtOn) errors.Add(prefix + "listedOn", "must not be after dealtOn");
        if (string.IsNullOrWhiteSpace(RecipientName)) errors.Add(prefix + "recipientName", "required");
        else if (!Text.IsPlain(RecipientName) || RecipientName.Length > 200) errors.Add(prefix + "recipientName", "1-200 characters without control characters");
        if (RecipientCreditCode is null) errors.Add(prefix + "recipientCreditCode", "required");
        else if (CreditCode.Check(RecipientCreditCode) is { } reason) errors.Add(prefix + "recipientCreditCode", reason);
        if (Method == "transfer" && PriceWan is null) errors.Add(prefix + "priceWan", "required for a transfer");
        if (PriceWan < 0) errors.Add(prefix + "priceWan", "must not be negative");
        if (ConstructionStartBy is null) errors.Add(prefix + "constructionStartBy", "required: the idle-land rule counts from it");
        if (CompletionBy is null) errors.Add(prefix + "completionBy", "required");
        else if (CompletionBy < ConstructionStartBy) errors.Add(prefix + "completionBy", "must not be before constructionStartBy");
        if (Commitments is { } c2)
            foreach (var (name, value) in new[] { ("investmentIntensityWanPerMu", c2.InvestmentIntensityWanPerMu), ("taxPerMuWan", c2.TaxPerMuWan),
                         ("salesPerMuWan", c2.SalesPerMuWan), ("minPlotRatio", c2.MinPlotRatio) })
                if (value < 0) errors.Add($"{prefix}commitments.{name}", "must not be negative");
        if (Commitments?.TaxShortfallDamagesPct is < 0 or > 100) errors.Add($"{prefix}commitments.taxShortfallDamagesPct", "between 0 and 100 (percent)");
        if (ApprovalRef is { } approval && (approval.Trim().Length is 0 or > 100)) errors.Add(prefix + "approvalRef", "1-100 characters");
    }
}

/// <summary>A parcel's supply record: how, when and to whom it was supplied, and what the contract commits to.</summary>
[Audience(Audience.Confidential)]
public sealed record SupplyRecord(
    [property: Audience(Audience.Internal)] long Id,
    [property: Audience(Audience.Internal)] long ParcelId,
    [property: Audience(Audience.Internal)] string Method,
    [property: Audience(Audience.Internal)] DateOnly? ListedOn,
    [property: Audience(Audience.Internal)] DateOnly DealtOn,
    string RecipientName, string RecipientCreditCode, decimal? PriceWan,
    [property: Audience(Audience.Internal)] DateOnly ConstructionStartBy,
    [property: Audience(Audience.Internal)] DateOnly CompletionBy,
    ContractCommitments Commitments,
    string? ApprovalRef,
    [property: Audience(Audience.Internal)] DateTimeOffset CreatedAt,
    [property: Audience(Audience.Internal)] string CreatedBy);

sealed class SupplyRow
{
    public const string Columns = """
        id, parcel_id, method, listed_on, dealt_on, recipient_name, recipient_credit_code, price_wan, construction_start_by,
        completion_by, investment_intensity_wan_per_mu, tax_per_mu_wan, sales_per_mu_wan, min_plot_ratio, tax_shortfall_damages_pct, approval_ref,
        created_at, created_by
        """;

    public const string Insert = $"""
        INSERT INTO parcel_supply (id, parcel_id, method, listed_on, dealt_on, recipient_name, recipient_credit_code, price_wan,
            construction_start_by, completion_by, investment_intensity_wan_per_mu, tax_per_mu_wan, sales_per_mu_wan, min_plot_ratio,
            tax_shortfall_damages_pct, approval_ref, valid_from, created_by)
        OVERRIDING SYSTEM VALUE
        VALUES (coalesce(@supplyId, nextval(pg_get_serial_sequence('parcel_supply', 'id'))), @parcelId, @Method, @ListedOn, @DealtOn, btrim(@RecipientName), @RecipientCreditCode, @PriceWan,
            @ConstructionStartBy, @CompletionBy, @Intensity, @Tax, @Sales, @PlotRatio, @Damages, @ApprovalRef, @validFrom, @by)
        RETURNING id
        """;

    /// <summary>The parameters of <see cref="Insert"/>: a record of <paramref name="parcelId"/> holding from <paramref name="validFrom"/>.</summary>
    public static object Args(long parcelId, SupplyInput s, DateOnly validFrom, string by, long? supplyId = null) => new
    {
        supplyId, parcelId, validFrom, s.Method, s.ListedOn, s.DealtOn, s.RecipientName, s.RecipientCreditCode, s.PriceWan, s.ConstructionStartBy,
        s.CompletionBy, Intensity = s.Commitments?.InvestmentIntensityWanPerMu, Tax = s.Commitments?.TaxPerMuWan,
        Sales = s.Commitments?.SalesPerMuWan, PlotRatio = s.Commitments?.MinPlotRatio, Damages = s.Commitments?.TaxShortfallDamagesPct,
        ApprovalRef = s.ApprovalRef?.Trim(), by,
    };

    public long Id { get; init; }
    public long ParcelId { get; init; }
    public string Method { get; init; } = "";
    public DateTime? ListedOn { get; init; }
    public DateTime DealtOn { get; init; }
    public string RecipientName { get; init; } = "";
    public string RecipientCreditCode { get; init; } = "";
    public decimal? PriceWan { get; init; }
    public DateTime ConstructionStartBy { get; init; }
    public DateTime CompletionBy { get; init; }
    public decimal? InvestmentIntensityWanPerMu { get; init; }
    public decimal? TaxPerMuWan { get; init; }
    public decimal? SalesPerMuWan { get; init; }
    public decimal? MinPlotRatio { get; init; }
    public decimal? TaxShortfallDamagesPct { get; init; }
    public string? ApprovalRef { get; init; }
    public DateTime CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";

    public SupplyRecord ToContract() => this.Adapt<SupplyRecord>();
}

sealed class SupplyMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<SupplyRow, ContractCommitments>();
        config.NewConfig<SupplyRow, SupplyRecord>().Map(d => d.Commitments, s => s.Adapt<ContractCommitments>());
    }
}
