using LandRegister.Api.Access;
using Mapster;

namespace LandRegister.Api.Zones;

/// <summary>A development zone (开发区).</summary>
/// <param name="Code">Short code, unique in the register, e.g. <c>LS</c>.</param>
/// <param name="Name">Full name, e.g. 涟水经济开发区.</param>
/// <param name="GkEpsg">EPSG code of the zone's CGCS2000 3-degree Gauss-Krüger projection (4513-4554).</param>
/// <param name="PerMuAreaBasis">
/// The area per-mu figures divide by: <c>registered</c> (the title area where known, else the drawn one; the default) or
/// <c>drawn</c> (always the area of the drawn geometry).
/// </param>
/// <param name="CreatedBy">Name of the API key that created the zone.</param>
[Audience(Audience.Internal)]
public sealed record Zone(
    [property: Audience(Audience.Public)] string Code,
    [property: Audience(Audience.Public)] string Name,
    [property: Audience(Audience.Public)] int GkEpsg,
    string PerMuAreaBasis,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy, string UpdatedBy)
{
    /// <summary>The extent of the zone's live parcels, [west, south, east, north] in WGS84; null when it has none. In lists and reads.</summary>
    [Audience(Audience.Public)]
    public double[]? Bbox { get; init; }
}

/// <summary>A zone to create.</summary>
public sealed record ZoneInput(string? Code, string? Name, int? GkEpsg, string? PerMuAreaBasis = null)
{
    public static readonly string[] AreaBases = ["registered", "drawn"];

    public void Validate()
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Code)) errors.Add("code", "required");
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name", "required");
        if (GkEpsg is null) errors.Add("gkEpsg", "required");
        else if (GkEpsg is < 4513 or > 4554) errors.Add("gkEpsg", "must be a CGCS2000 3-degree Gauss-Krüger EPSG code, 4513-4554");
        CheckBasis(PerMuAreaBasis, errors);
        errors.ThrowIfAny();
    }

    public static void CheckBasis(string? basis, FieldErrors errors)
    {
        if (basis is not null && !AreaBases.Contains(basis)) errors.AddUnknown("perMuAreaBasis", $"unknown area basis '{basis}'", AreaBases);
    }
}

/// <summary>A change of a zone's settings (If-Match required): its name, and the area its per-mu figures divide by.</summary>
public sealed record ZoneChange(string? Name, string? PerMuAreaBasis)
{
    public void Validate()
    {
        var errors = new FieldErrors();
        if (Name is not null && (string.IsNullOrWhiteSpace(Name) || !Text.IsPlain(Name) || Name.Length > 200)) errors.Add("name", "1-200 characters");
        ZoneInput.CheckBasis(PerMuAreaBasis, errors);
        errors.ThrowIfAny();
    }
}

sealed record ZoneRow(string Code, string Name, int GkEpsg, string PerMuAreaBasis, DateTime CreatedAt, DateTime UpdatedAt, string CreatedBy,
    string UpdatedBy, long Version)
{
    public Zone ToContract() => this.Adapt<Zone>();
}

sealed class ZoneMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<ZoneRow, Zone>().Ignore(d => d.Bbox!);
}
