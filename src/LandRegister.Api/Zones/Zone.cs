using LandRegister.Api.Access;
using Mapster;

namespace LandRegister.Api.Zones;

/// <summary>A development zone (开发区).</summary>
/// <param name="Code">Short code, unique in the register, e.g. <c>LS</c>.</param>
/// <param name="Name">Full name, e.g. 涟水经济开发区.</param>
/// <param name="GkEpsg">EPSG code of the zone's CGCS2000 3-degree Gauss-Krüger projection (4513-4554).</param>
/// <param name="CreatedBy">Name of the API key that created the zone.</param>
[Audience(Audience.Internal)]
public sealed record Zone(
    [property: Audience(Audience.Public)] string Code,
    [property: Audience(Audience.Public)] string Name,
    [property: Audience(Audience.Public)] int GkEpsg,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string CreatedBy, string UpdatedBy);

/// <summary>A zone to create.</summary>
public sealed record ZoneInput(string? Code, string? Name, int? GkEpsg)
{
    public void Validate()
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(Code)) errors.Add("code", "required");
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name", "required");
        if (GkEpsg is null) errors.Add("gkEpsg", "required");
        else if (GkEpsg is < 4513 or > 4554) errors.Add("gkEpsg", "must be a CGCS2000 3-degree Gauss-Krüger EPSG code, 4513-4554");
        errors.ThrowIfAny();
    }
}

sealed record ZoneRow(string Code, string Name, int GkEpsg, DateTime CreatedAt, DateTime UpdatedAt, string CreatedBy, string UpdatedBy, long Version)
{
    public Zone ToContract() => this.Adapt<Zone>();
}

sealed class ZoneMapping : IRegister
{
    public void Register(TypeAdapterConfig config) => config.NewConfig<ZoneRow, Zone>();
}
