using LandRegister.Api.Jobs;

namespace LandRegister.Api.Leases;

/// <summary>
/// The billing run of a zone for a day (nightly for every zone, or on demand): the rent bills that fell due in the
/// 92 days up to the day (so a night or two missed are caught up; a bill already there is left alone), and the vacancy
/// of the zone's leased premises on the day (a lease starting or ending moves it).
/// </summary>
public sealed class BillingRun : IRun
{
    public static readonly RunKind Billing = new("billing", "/api/leases/billing-runs", today => (null, today));

    public RunKind Kind => Billing;

    public async Task<object> RunAsync(RunWork work, CancellationToken ct)
    {
        var (run, conn, tx, phases) = work;
        var through = run.AsOf ?? throw new InvalidOperationException("a billing run needs the day it bills up to");
        var from = through.AddDays(-92);
        await phases.EnterAsync("generating bills", 0.1);
        var created = await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT generate_rent_bills(@zone, NULL, @from, @through)",
            new { zone = run.ZoneCode, from, through }, tx, commandTimeout: 0, cancellationToken: ct));
        await phases.EnterAsync("refreshing vacancy", 0.8);
        var premises = await conn.QueryAsync<long>(new CommandDefinition(
            "SELECT DISTINCT premises_id FROM lease WHERE zone_code = @zone AND premises_id IS NOT NULL AND status <> 'draft'",
            new { zone = run.ZoneCode }, tx, cancellationToken: ct));
        var ids = premises.ToArray();
        await new RecordedChange("leases", "租约起止").DescribeAsync(conn, tx);
        await conn.ExecuteAsync(new CommandDefinition("SELECT refresh_premises_vacancy(@ids, @through)", new { ids, through }, tx, cancellationToken: ct));
        return new { from, through, billsCreated = created, premisesWithLeases = ids.Length, seconds = phases.Seconds() };
    }
}
