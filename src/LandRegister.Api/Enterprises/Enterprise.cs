using LandRegister.Api.Access;
using Mapster;

namespace LandRegister.Api.Enterprises;

/// <summary>An enterprise of a zone and the land it occupies.</summary>
/// <param name="CreditCode">The unified social credit code (统一社会信用代码).</param>
/// <param name="OwnershipType">state, collective, private, foreign, hong_kong_macao_taiwan, joint or other.</param>
/// <param name="IndustryCode">Its industry (GB/T 4754), e.g. C30.</param>
/// <param name="AboveScale">An above-scale industrial enterprise (规上).</param>
/// <param name="Utility">A utility (water, power, gas…): evaluated but not ranked (class T).</param>
/// <param name="Land">The parcels it holds (as the recipient of their supply records) or rents.</param>
[Audience(Audience.Internal)]
public sealed record Enterprise(
    string CreditCode, string ZoneCode, string Name, string? OwnershipType, string? IndustryCode, string[] MainProducts,
    bool AboveScale, bool Utility, DateOnly? ProductionStartedOn, IReadOnlyList<EnterpriseLand> Land,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy, string UpdatedBy);

/// <summary>A parcel an enterprise occupies.</summary>
/// <param name="Role">holder (the land right, from the supply record) or tenant.</param>
/// <param name="Share">A tenant's share of the parcel's land.</param>
/// <param name="FloorAreaM2">A tenant's floor area.</param>
public sealed record EnterpriseLand(long ParcelId, string ParcelCode, string? ParkCode, string Role, decimal? Share, decimal? FloorAreaM2, double ParcelAreaMu);

/// <summary>A tenancy: the enterprise rents part of a parcel it does not hold.</summary>
public sealed record TenancyInput(long? ParcelId, decimal? Share, decimal? FloorAreaM2);

/// <summary>An enterprise to register.</summary>
public sealed record EnterpriseInput(
    string? CreditCode, string? ZoneCode, string? Name, string? OwnershipType, string? IndustryCode, string[]? MainProducts,
    bool? AboveScale, bool? Utility, DateOnly? ProductionStartedOn, TenancyInput[]? Tenancies)
{
    public static readonly string[] OwnershipTypes = ["state", "collective", "private", "foreign", "hong_kong_macao_taiwan", "joint", "other"];

    public void Validate()
    {
        var errors = new FieldErrors();
        if (CreditCode is null) errors.Add("creditCode", "required");
        else if (Enterprises.CreditCode.Check(CreditCode) is { } reason) errors.Add("creditCode", reason);
        if (string.IsNullOrWhiteSpace(ZoneCode)) errors.Add("zoneCode", "required");
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 200 || !Text.IsPlain(Name)) errors.Add("name", "required: 1-200 characters");
        if (OwnershipType is not null && !OwnershipTypes.Contains(OwnershipType))
            errors.AddUnknown("ownershipType", $"unknown ownership type '{OwnershipType}'", OwnershipTypes);
        if (IndustryCode is not null && !System.Text.RegularExpressions.Regex.IsMatch(IndustryCode, "^[A-T][0-9]{0,4}$"))
            errors.Add("industryCode", "a GB/T 4754 code: a section letter A-T and up to four digits, e.g. C30");
        if (MainProducts?.Any(p => string.IsNullOrWhiteSpace(p) || !Text.IsPlain(p)) == true) errors.Add("mainProducts", "entries must not be empty");
        if (ProductionStartedOn > RegisterClock.Today) errors.Add("productionStartedOn", "must not be in the future");
        for (var i = 0; i < (Tenancies?.Length ?? 0); i++)
        {
            var t = Tenancies![i];
            if (t.ParcelId is null) errors.Add($"tenancies[{i}].parcelId", "required");
            if (t.Share is null && t.FloorAreaM2 is null) errors.Add($"tenancies[{i}]", "give the share of the parcel or the floor area rented");
            if (t.Share is <= 0 or > 1) errors.Add($"tenancies[{i}].share", "a fraction above 0, at most 1");
            if (t.FloorAreaM2 is <= 0) errors.Add($"tenancies[{i}].floorAreaM2", "must be greater than 0");
        }
        if (Tenancies?.GroupBy(t => t.ParcelId).Any(g => g.Count() > 1) == true) errors.Add("tenancies", "a parcel is named twice");
        errors.ThrowIfAny();
    }
}

sealed class EnterpriseRow
{
    public const string Columns = """
        credit_code, zone_code, name, ownership_type, industry_code, main_products, above_scale, utility,
        production_started_on, created_at, updated_at, created_by, updated_by, version
        """;

    public string CreditCode { get; init; } = "";
    public string ZoneCode { get; init; } = "";
    public string Name { get; init; } = "";
    public string? OwnershipType { get; init; }
    public string? IndustryCode { get; init; }
    public string[] MainProducts { get; init; } = [];
    public bool AboveScale { get; init; }
    public bool Utility { get; init; }
    public DateTime? ProductionStartedOn { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public string UpdatedBy { get; init; } = "";
    public long Version { get; init; }

    public Enterprise ToContract(IReadOnlyList<EnterpriseLand> land) => this.Adapt<Enterprise>() with { Land = land };
}

sealed class EnterpriseMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        // The land is read by a query of its own and set after mapping.
        config.NewConfig<EnterpriseRow, Enterprise>().Map(d => d.Land, s => Array.Empty<EnterpriseLand>());
        config.NewConfig<IndicatorRow, YearlyIndicators>();
    }
}
