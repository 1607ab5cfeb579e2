namespace LandRegister.Api.LandUses;

/// <summary>A land-use code of the national classification (用地用海分类).</summary>
public sealed record LandUse(string Code, string? Parent, string NameZh, string NameEn);

/// <summary>A code of an older classification and the national code it maps onto.</summary>
/// <param name="Scheme"><c>gbt21010</c> (GB/T 21010-2017) or <c>gb50137</c> (GB 50137-2011).</param>
public sealed record LegacyLandUse(string Scheme, string Code, string NameZh, string UseCode);

public sealed record LandUseCatalogue(IReadOnlyList<LandUse> Items, IReadOnlyList<LegacyLandUse> Legacy);
