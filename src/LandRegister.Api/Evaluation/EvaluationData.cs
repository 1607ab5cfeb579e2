using LandRegister.Api.Parcels;

namespace LandRegister.Api.Evaluation;

/// <summary>
/// What the evaluation reads from the register, in one statement that makes the units: each enterprise with its land,
/// its figures and its classes before, and the tenants merged into it — a tenant without land of its own, renting only
/// from holders, is graded with the holder of the parcel it rents most from.
/// </summary>
static class EvaluationData
{
    /// <summary>A unit's (or merged tenant's) land beyond what grading needs: how it was measured, and the parcels it
    /// held at the year's end in use, or marked low-efficiency by an evaluation, which the run may mark or clear.</summary>
    /// <param name="Basis">registered or drawn when all its land was measured one way, mixed otherwise; null without land.</param>
    internal sealed record Land(string? Basis, long[] InUse, long[] LowEfficiency);

    /// <summary>The figures of a year, as columns of <c>enterprise_indicator</c>, in the order of <see cref="Figures"/>.</summary>
    static readonly string[] FigureColumns = ["tax_wan", "sales_wan", "revenue_wan", "value_added_wan", "employees", "energy_tce", "rnd_wan"];

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
    /// The holder of parcel <c>p</c> (<c>s.recipient_credit_code</c>): an enterprise of the zone named by the parcel's
    /// supply record, while the parcel is in a held status. Land taken back, or supplied to another, is not its land.
    /// </summary>
    const string HeldBy = $"({Holders}) ON {Holds}";

    const string Holders = "parcel_supply s JOIN enterprise e ON e.credit_code = s.recipient_credit_code AND e.zone_code = @zone";

    const string Holds = "s.id = p.supply_id AND p.status = ANY(@held)";

    /// <summary>
    /// A unit's figure: its own and its merged tenants' summed, null only when none of them has it; a unit without
    /// tenants (most) has its own figure as it is. Figures stay numeric, read as doubles by Npgsql: PostgreSQL turns a
    /// numeric into a double precision through its text, and these sums and casts took 0.1-0.18 s of a 2 s statement
    /// for a zone of 100,000 units.
    /// </summary>
    static string Summed(string own, string tenants) => string.Join(",\n", FigureColumns.Select(c =>
        $"CASE WHEN {tenants}.holder IS NULL THEN {own}.{c} WHEN {own}.{c} IS NULL AND {tenants}.{own}_{c} IS NULL THEN NULL " +
        $"ELSE coalesce({own}.{c}, 0) + coalesce({tenants}.{own}_{c}, 0) END AS {own}_{c}"));

    static string TenantSums(string figures) => string.Join(", ", FigureColumns.Select(c => $"sum({figures}.{c}) AS {figures}_{c}"));

    /// <summary>
    /// The units of a zone's year. Land held is the parcels held at the end of the year (<see cref="HeldBy"/>; valid time:
    /// the parcels changed since are read from their history, <see cref="ParcelSql.ZoneAsOfAsync"/>). A tenant's land is
    /// its share of the parcel, or its floor area's share of the floor rented out on it; it counts for the tenant only on
    /// parcels nobody holds.
    /// </summary>
    static string Units(string? asOf) => $"""
        WITH {(asOf is null ? "" : asOf + ",")}
        rented AS MATERIALIZED (
            SELECT t.credit_code, t.parcel_id, p.park_code, {LandBasis} AS basis,
                   mu({LandArea}) * coalesce(t.share, t.floor_area_m2 / sum(t.floor_area_m2) OVER (PARTITION BY t.parcel_id)) AS mu,
                   s.recipient_credit_code AS holder
            -- Each rented parcel, and its holder, looked up by id (OFFSET 0 keeps a lookup a lookup): tenancies are few beside a
            -- zone's parcels and supplies, and a zone read as of a past date is a union the planner would otherwise build whole
            -- to join.
            FROM enterprise_tenancy t CROSS JOIN LATERAL (SELECT * FROM parcel p WHERE p.id = t.parcel_id OFFSET 0) p
            JOIN zone z ON z.code = p.zone_code
            LEFT JOIN LATERAL (SELECT s.recipient_credit_code FROM {Holders} WHERE {Holds} OFFSET 0) s ON true
            WHERE p.zone_code = @zone AND p.retired_at IS NULL),
        land AS MATERIALIZED (
            -- Grouped in the C collation, as is previous below: credit codes are ASCII, so the groups are the same, compared as
            -- bytes. In a database whose collation is not C (C.UTF-8 here, often en_US.UTF-8), every comparison of the sort
            -- calls strcoll and its keys cannot be abbreviated: the whole statement took 2.57 s against 2.39 s (medians of
            -- five runs in turn, 100,000 units, the same rows).
            SELECT credit_code COLLATE "default" AS credit_code, bool_or(status IS NOT NULL) AS holds, sum(mu) FILTER (WHERE counts) AS mu,
                   (array_agg(park_code ORDER BY mu DESC, parcel_id) FILTER (WHERE counts))[1] AS park_code,
                   CASE WHEN min(basis) = max(basis) THEN min(basis) ELSE 'mixed' END AS basis,
                   array_agg(parcel_id) FILTER (WHERE status = 'in_use') AS in_use,
                   array_agg(parcel_id) FILTER (WHERE status = 'low_efficiency' AND status_source = 'evaluation') AS low_efficiency
            FROM (SELECT s.recipient_credit_code COLLATE "C" AS credit_code, p.id AS parcel_id, mu({LandArea}) AS mu, p.park_code, {LandBasis} AS basis,
                         p.status, p.status_source, true AS counts
                  FROM parcel p JOIN zone z ON z.code = p.zone_code JOIN {HeldBy}
                  WHERE p.zone_code = @zone AND p.retired_at IS NULL AND p.supply_id IS NOT NULL
                  UNION ALL
                  SELECT credit_code, parcel_id, mu, park_code, basis, NULL, NULL, holder IS NULL FROM rented) l
            GROUP BY credit_code),
        merged AS MATERIALIZED (
            -- Ties go to the holder whose credit code sorts first, so a rerun merges the same way.
            SELECT DISTINCT ON (r.credit_code) r.credit_code, r.holder, r.park_code, sum(r.mu) OVER (PARTITION BY r.credit_code) AS mu
            FROM rented r
            WHERE NOT EXISTS (SELECT 1 FROM land l WHERE l.credit_code = r.credit_code AND l.holds)
              AND NOT EXISTS (SELECT 1 FROM rented o WHERE o.credit_code = r.credit_code AND o.holder IS NULL)
            ORDER BY r.credit_code, r.mu DESC, r.holder COLLATE "C"),
        tenants AS (
            SELECT m.holder, array_agg(m.credit_code) AS codes, array_agg(m.mu) AS mu, array_agg(m.park_code) AS parks,
                   array_agg(l.basis) AS bases, {TenantSums("cur")}, {TenantSums("prev")}
            FROM merged m
            JOIN enterprise e ON e.credit_code = m.credit_code AND e.zone_code = @zone
            LEFT JOIN land l ON l.credit_code = m.credit_code
            LEFT JOIN enterprise_indicator cur ON cur.credit_code = m.credit_code AND cur.year = @year
            LEFT JOIN enterprise_indicator prev ON prev.credit_code = m.credit_code AND prev.year = @year - 1
            GROUP BY m.holder),
        previous AS (
            -- Each year's results read by their run (OFFSET 0 keeps a lookup a lookup): the table keeps every run ever made,
            -- re-runs and other zones' included, and the planner would otherwise scan it all, slower with every run.
            SELECT r.credit_code COLLATE "default" AS credit_code, array_agg(r.class ORDER BY c.year DESC) AS classes
            FROM evaluation_current c
            CROSS JOIN LATERAL (SELECT r.credit_code COLLATE "C" AS credit_code, r.class FROM evaluation_result r WHERE r.run_id = c.run_id OFFSET 0) r
            WHERE c.zone_code = @zone AND c.year BETWEEN @year - @back AND @year - 1
            GROUP BY r.credit_code)
        SELECT e.credit_code, e.above_scale, e.utility, e.production_started_on, cur.veto,
               coalesce(l.mu, 0) AS land_mu, l.park_code, l.basis, l.in_use, l.low_efficiency, previous.classes AS previous_classes,
               t.codes AS tenant_codes, t.mu AS tenant_mu, t.parks AS tenant_parks, t.bases AS tenant_bases,
               {Summed("cur", "t")},
               {Summed("prev", "t")}
        FROM enterprise e
        LEFT JOIN enterprise_indicator cur ON cur.credit_code = e.credit_code AND cur.year = @year
        LEFT JOIN enterprise_indicator prev ON prev.credit_code = e.credit_code AND prev.year = @year - 1
        LEFT JOIN land l ON l.credit_code = e.credit_code
        LEFT JOIN tenants t ON t.holder = e.credit_code
        LEFT JOIN previous ON previous.credit_code = e.credit_code
        WHERE e.zone_code = @zone AND NOT EXISTS (SELECT 1 FROM merged m WHERE m.credit_code = e.credit_code)
        """;

    /// <summary>The units to grade, and by credit code (units' and merged tenants') their land.</summary>
    public static async Task<(List<EvaluationUnit> Units, Dictionary<string, Land> Land)> LoadAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string zone, int year, int back, Jobs.PhaseTimer phases)
    {
        var endOfYear = RegisterClock.EndOfYear(year).ToUniversalTime();
        await phases.EnterAsync("reading enterprises, their land and figures", 0.1);
        var asOf = await ParcelSql.ZoneAsOfAsync(conn, tx, zone, endOfYear);
        // One statement that sorts and groups a zone's land: the memory to do it without spilling to disk, and no JIT
        // compilation (0.1 s of a 2 s statement, for expressions it runs a few hundred thousand times), for this run only.
        await conn.ExecuteAsync("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", transaction: tx);
        var units = new List<EvaluationUnit>();
        var land = new Dictionary<string, Land>();
        await using var command = new NpgsqlCommand(Units(asOf), conn, tx) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("zone", zone);
        command.Parameters.AddWithValue("year", year);
        command.Parameters.AddWithValue("back", back);
        command.Parameters.AddWithValue("held", Lifecycle.StatusMachine.Held.ToArray());
        await using var row = await command.ExecuteReaderAsync();
        // Columns by name, looked up once: the loop runs for every enterprise of the zone.
        var at = Enumerable.Range(0, row.FieldCount).ToDictionary(row.GetName);
        T? Get<T>(int i) => row.IsDBNull(i) ? default : row.GetFieldValue<T>(i);
        int[] FiguresAt(string year) => FigureColumns.Select(c => at[$"{year}_{c}"]).ToArray();
        Figures FiguresOf(int[] i) => new(Get<double?>(i[0]), Get<double?>(i[1]), Get<double?>(i[2]), Get<double?>(i[3]), Get<double?>(i[4]),
            Get<double?>(i[5]), Get<double?>(i[6]));
        var (thisYear, lastYear) = (FiguresAt("cur"), FiguresAt("prev"));
        var (landMu, aboveScale, utility, started, veto, park, previous) = (at["land_mu"], at["above_scale"], at["utility"],
            at["production_started_on"], at["veto"], at["park_code"], at["previous_classes"]);
        var (basis, inUse, lowEfficiency) = (at["basis"], at["in_use"], at["low_efficiency"]);
        var (tenantCodes, tenantMu, tenantParks, tenantBases) = (at["tenant_codes"], at["tenant_mu"], at["tenant_parks"], at["tenant_bases"]);
        while (await row.ReadAsync())
        {
            var code = row.GetString(0);
            var tenants = new List<MergedTenant>();
            if (Get<string[]>(tenantCodes) is { } codes)
            {
                var (mu, parks, bases) = (Get<double[]>(tenantMu)!, Get<string?[]>(tenantParks)!, Get<string?[]>(tenantBases)!);
                for (var i = 0; i < codes.Length; i++)
                {
                    tenants.Add(new MergedTenant(codes[i], mu[i], parks[i]));
                    land[codes[i]] = new Land(bases[i], [], []);
                }
            }
            units.Add(new EvaluationUnit(
                code, Get<double>(landMu), FiguresOf(thisYear), FiguresOf(lastYear), Get<bool>(aboveScale), Get<bool>(utility),
                Get<DateOnly?>(started) is { } on ? year - on.Year : null, Get<string>(veto), Get<string>(park), Get<string[]>(previous) ?? [], tenants));
            land[code] = new Land(Get<string>(basis), Get<long[]>(inUse) ?? [], Get<long[]>(lowEfficiency) ?? []);
        }
        return (units, land);
    }
}
