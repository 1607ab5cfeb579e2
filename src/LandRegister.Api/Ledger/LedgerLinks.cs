namespace LandRegister.Api.Ledger;

/// <summary>Links from ledger items to records kept by later parts of the register.</summary>
static class LedgerLinks
{
    /// <summary>Leases are linked once the register records them; until then a link to one is refused.</summary>
    public static Task CheckLeasesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string zone, long[] leases, FieldErrors errors)
    {
        errors.Add("leaseIds", $"no lease {leases.Min()} in zone {zone}");
        return Task.CompletedTask;
    }
}
