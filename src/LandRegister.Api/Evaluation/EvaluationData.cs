using LandRegister.Api.Lifecycle;
using LandRegister.Api.Parcels;
using LandRegister.Api.Spatial;

namespace LandRegister.Api.Evaluation;

/// <summary>What the evaluation reads from the register, and how it becomes units: tenants without land of
/// their own are merged into the holder of the parcel they rent most of.</summary>
static class EvaluationData
{
    internal sealed record EnterpriseFacts(
        string CreditCode, bool AboveScale, bool Utility, DateOnly? ProductionStartedOn, string? Veto,
        decimal? TaxWan, decimal? SalesWan, decimal? RevenueWan, decimal? ValueAddedWan, int? Employees, decimal? EnergyTce, decimal? RndWan,
        decimal? PrevTaxWan, decimal? PrevSalesWan, decimal? PrevRevenueWan, decimal? PrevValueAddedWan, int? PrevEmployees,
        decimal? PrevEnergyTce, decimal? PrevRndWan)
    {
        public Figures ThisYear => new((double?)TaxWan, (double?)SalesWan, (double?)RevenueWan, (double?)ValueAddedWan, Employees, (double?)EnergyTce, (double?)RndWan);
        public Figures LastYear => new((double?)PrevTaxWan, (double?)PrevSalesWan, (double?)PrevRevenueWan, (double?)PrevValueAddedWan,
            PrevEmployees, (double?)PrevEnergyTce, (double?)PrevRndWan);
    }

    /// <param name="AreaM2">The area the per-mu figures divide by: registered or drawn, as <paramref name="Basis"/> says.</param>
    internal sealed record Holding(string CreditCode, long ParcelId, double AreaM2, string? ParkCode, string Status, string Basis);

    internal sealed record Tenancy(string CreditCode, long ParcelId, double Mu, string? ParkCode, string Basis);

    const string Enterprises = """
        SELECT e.credit_code, e.above_scale, e.utility, e.production_started_on, cur.veto,
               cur.tax_wan, cur.sales_wan, cur.revenue_wan, cur.value_added_wan, cur.employees, cur.energy_tce, cur.rnd_wan,
               prev.tax_wan AS prev_tax_wan, prev.sales_wan AS prev_sales_wan, prev.revenue_wan AS prev_revenue_wan,
               prev.value_added_wan AS prev_value_added_wan, prev.employees AS prev_employees, prev.energy_tce AS prev_energy_tce,
               prev.rnd_wan AS prev_rnd_wan
        FROM enterprise e
        LEFT JOIN enterprise_indicator cur ON cur.credit_code = e.credit_code AND cur.year = @year
        LEFT JOIN enterprise_indicator prev ON prev.credit_code = e.credit_code AND prev.year = @year - 1
        WHERE e.zone_code = @zone
        """;

    /// <summary>
    /// The land a parcel measures for per-mu figures: its registered (title) area where the zone says so and it is
    /// known, else its drawn area (<c>zone.per_mu_area_basis</c>), with the basis used.
    /// </summary>
    const string LandArea = """
        CASE WHEN z.per_mu_area_basis = 'registered' AND p.registered_area_m2 IS NOT NULL THEN p.registered_area_m2::double precision
             ELSE p.area_m2 END
        """;

    const string LandBasis = "CASE WHEN z.per_mu_area_basis = 'registered' AND p.registered_area_m2 IS NOT NULL THEN 'registered' ELSE 'drawn' END";

    /// <summary>
    /// The land each enterprise held at the end of the year (valid time): the parcels in a held status whose supply
    /// record then named it. Land taken back, or supplied to another, is not its land.
    /// </summary>
    static string Holdings(bool fromHistory) => $"""
        {(fromHistory ? $"WITH {ParcelSql.AsOf("h.zone_code = @zone", withGeometry: false)}" : "")}
        SELECT s.recipient_credit_code AS credit_code, p.id AS parcel_id, {LandArea} AS area_m2, p.park_code, p.status, {LandBasis} AS basis
        FROM parcel p
        JOIN zone z ON z.code = p.zone_code
        JOIN parcel_supply s ON s.id = p.supply_id
        JOIN enterprise e ON e.credit_code = s.recipient_credit_code AND e.zone_code = @zone
        WHERE p.zone_code = @zone AND p.retired_at IS NULL AND p.supply_id IS NOT NULL AND p.status = ANY(@held)
        """;

    /// <summary>A tenant's land: its share of the parcel, or its floor area's share of the floor rented out on it.</summary>
    static readonly string Tenancies = $"""
        SELECT t.credit_code, t.parcel_id,
               mu({LandArea}) * coalesce(t.share, t.floor_area_m2 / sum(t.floor_area_m2) OVER (PARTITION BY t.parcel_id)) AS mu,
               p.park_code, {LandBasis} AS basis
        FROM enterprise_tenancy t JOIN parcel p ON p.id = t.parcel_id JOIN zone z ON z.code = p.zone_code
        WHERE p.zone_code = @zone AND p.retired_at IS NULL
        """;

    const string PreviousClasses = """
        SELECT r.credit_code, r.class FROM evaluation_current c JOIN evaluation_result r ON r.run_id = c.run_id
        WHERE c.zone_code = @zone AND c.year BETWEEN @year - @back AND @year - 1
        ORDER BY r.credit_code, c.year DESC
        """;

    /// <summary>The units to grade, the land held at the end of the year, and by credit code the area basis of its land.</summary>
    public static async Task<(List<EvaluationUnit> Units, List<Holding> Holdings, Dictionary<string, string> LandBasis)> LoadAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string zone, int year, int back, Jobs.PhaseTimer phases)
    {
        var endOfYear = RegisterClock.EndOfYear(year).ToUniversalTime();
        var args = new { zone, year, back, held = StatusMachine.Held.ToArray(), asOf = endOfYear, recordedAsOf = (DateTimeOffset?)null };
        await phases.EnterAsync("reading enterprises and figures", 0.1);
        var facts = (await conn.QueryAsync<EnterpriseFacts>(new CommandDefinition(Enterprises, args, tx, 0))).ToList();
        await phases.EnterAsync("reading land held and rented", 0.2);
        var fromHistory = await ParcelSql.ChangedSinceAsync(conn, tx, zone, endOfYear);
        var holdings = (await conn.QueryAsync<Holding>(new CommandDefinition(Holdings(fromHistory), args, tx, 0))).ToList();
        var tenancies = (await conn.QueryAsync<Tenancy>(new CommandDefinition(Tenancies, args, tx, 0))).ToList();
        var previous = (await conn.QueryAsync<(string CreditCode, string Class)>(new CommandDefinition(PreviousClasses, args, tx, 0)))
            .GroupBy(p => p.CreditCode).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.Class).ToList());
        await phases.EnterAsync("merging tenants into holders", 0.3);
        var units = Build(year, facts, holdings, tenancies, previous);
        return (units, holdings, BasisOf(units, holdings, tenancies));
    }

    /// <summary>registered or drawn when all of a unit's land was measured one way, mixed otherwise; none without land.</summary>
    static Dictionary<string, string> BasisOf(List<EvaluationUnit> units, List<Holding> holdings, List<Tenancy> tenancies)
    {
        var bases = holdings.Select(h => (h.CreditCode, h.Basis)).Concat(tenancies.Select(t => (t.CreditCode, t.Basis)))
            .GroupBy(b => b.CreditCode).ToDictionary(g => g.Key, g => g.Select(b => b.Basis).Distinct().ToList());
        var result = new Dictionary<string, string>();
        foreach (var code in units.SelectMany(u => u.Tenants.Select(t => t.CreditCode).Prepend(u.CreditCode)))
            if (bases.TryGetValue(code, out var b)) result[code] = b.Count == 1 ? b[0] : "mixed";
        return result;
    }

    internal static List<EvaluationUnit> Build(int year, List<EnterpriseFacts> facts, List<Holding> holdings, List<Tenancy> tenancies,
        Dictionary<string, IReadOnlyList<string>> previous)
    {
        var holderOf = holdings.ToDictionary(h => h.ParcelId, h => h.CreditCode);
        var held = holdings.GroupBy(h => h.CreditCode).ToDictionary(g => g.Key, g => g.ToList());
        var rented = tenancies.GroupBy(t => t.CreditCode).ToDictionary(g => g.Key, g => g.ToList());
        var factsByCode = facts.ToDictionary(f => f.CreditCode);

        // A tenant with no land of its own, renting only from holders, is graded with the holder it rents most from.
        var mergedInto = new Dictionary<string, string>();
        foreach (var (code, rents) in rented)
        {
            if (held.ContainsKey(code) || rents.Any(t => !holderOf.ContainsKey(t.ParcelId) || holderOf[t.ParcelId] == code)) continue;
            mergedInto[code] = rents.OrderByDescending(t => t.Mu).ThenBy(t => holderOf[t.ParcelId], StringComparer.Ordinal).Select(t => holderOf[t.ParcelId]).First();
        }

        var tenantsOf = mergedInto.Where(m => factsByCode.ContainsKey(m.Key))
            .GroupBy(m => m.Value).ToDictionary(g => g.Key, g => g.Select(m => factsByCode[m.Key]).ToList());
        var units = new List<EvaluationUnit>(facts.Count);
        foreach (var f in facts)
        {
            if (mergedInto.ContainsKey(f.CreditCode)) continue;
            // Land: what it holds, and its share of parcels without a holder it rents.
            var (mu, park, largest) = (0d, (string?)null, -1d);
            foreach (var h in held.GetValueOrDefault(f.CreditCode) ?? [])
            {
                var m = h.AreaM2 * Area.MuPerSquareMetre;
                mu += m;
                if (m > largest) (largest, park) = (m, h.ParkCode);
            }
            foreach (var t in rented.GetValueOrDefault(f.CreditCode) ?? [])
            {
                if (holderOf.ContainsKey(t.ParcelId)) continue;
                mu += t.Mu;
                if (t.Mu > largest) (largest, park) = (t.Mu, t.ParkCode);
            }
            var (thisYear, lastYear) = (f.ThisYear, f.LastYear);
            var merged = new List<MergedTenant>();
            foreach (var t in tenantsOf.GetValueOrDefault(f.CreditCode) ?? [])
            {
                (thisYear, lastYear) = (thisYear + t.ThisYear, lastYear + t.LastYear);
                var rents = rented[t.CreditCode];
                merged.Add(new MergedTenant(t.CreditCode, rents.Sum(r => r.Mu), rents.MaxBy(r => r.Mu)!.ParkCode));
            }
            units.Add(new EvaluationUnit(
                f.CreditCode, mu, thisYear, lastYear, f.AboveScale, f.Utility,
                f.ProductionStartedOn is { } started ? year - started.Year : null, f.Veto, park,
                previous.GetValueOrDefault(f.CreditCode) ?? [], merged));
        }
        return units;
    }
}
