
namespace LandRegister.Api.LandUses;

/// <summary>
/// The land-use code table, read once from the database (it changes only with a migration), and the
/// rule that turns what a client sends into a national code.
/// </summary>
public sealed class LandUseCodes(NpgsqlDataSource db)
{
    public const string LegacyScheme = "gbt21010";

    readonly SemaphoreSlim gate = new(1, 1);
    LandUseCatalogue? catalogue;
    HashSet<string> primary = [];
    Dictionary<(string, string), string> legacy = [];

    public async Task<LandUseCatalogue> CatalogueAsync()
    {
        if (catalogue is not null) return catalogue;
        await gate.WaitAsync();
        try
        {
            if (catalogue is not null) return catalogue;
            await using var conn = await db.OpenConnectionAsync();
            var items = (await conn.QueryAsync<LandUse>("SELECT code, parent, name_zh, name_en FROM land_use ORDER BY code")).ToList();
            var old = (await conn.QueryAsync<LegacyLandUse>("SELECT scheme, code, name_zh, use_code FROM land_use_legacy ORDER BY scheme, code")).ToList();
            primary = items.Select(i => i.Code).ToHashSet();
            legacy = old.ToDictionary(l => (l.Scheme, l.Code.ToUpperInvariant()), l => l.UseCode);
            return catalogue = new LandUseCatalogue(items, old);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The national code for <paramref name="value"/>: a national code as is; a GB 50137 letter code (M1, W, R2…);
    /// a GB/T 21010 code when <paramref name="scheme"/> is <c>gbt21010</c> (its numbers collide with national
    /// codes, so they are read that way only when asked). Adds a 400 error listing the allowed codes otherwise.
    /// </summary>
    public string? Resolve(string? value, string? scheme, string field, FieldErrors errors)
    {
        if (catalogue is null) throw new InvalidOperationException("Load the land-use codes with CatalogueAsync first.");
        if (value is null) return null;
        var code = value.Trim().ToUpperInvariant();
        string? resolved;
        if (scheme == LegacyScheme) legacy.TryGetValue((LegacyScheme, code), out resolved);
        else if (primary.Contains(code)) resolved = code;
        else legacy.TryGetValue(("gb50137", code), out resolved);
        if (resolved is null)
            errors.AddUnknown(field,
                $"unknown land-use code '{value}': use a national code (GET /api/land-uses), a GB 50137 code such as M1, or a GB/T 21010 code with useScheme=gbt21010",
                primary.Order(StringComparer.Ordinal));
        return resolved;
    }
}
