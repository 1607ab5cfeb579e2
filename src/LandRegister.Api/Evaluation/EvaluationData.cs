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

    /// <summary>A unit's figure: its own and its merged tenants' summed, null only when none of them has it.</summary>
    static string Summed(string own, string tenants) => string.Join(",\n", FigureColumns.Select(c =>
        $"CASE WHEN {own}.{c} IS NULL AND {tenants}.{own}_{c} IS NULL THEN NULL ELSE coalesce({own}.{c}, 0) + coalesce({tenants}.{own}_{c}, 0) END::double precision AS {own}_{c}"));

    static string TenantSums(string figures) => string.Join(", ", FigureColumns.Select(c => $"sum({figures}.{c}) AS {figures}_{c}"));

    /// <summary>
    /// The units of a zone's year. Land held is the parcels in a held status at the end of the year (valid time: from
    /// the history when the zone changed since) whose supply record then named the enterprise; land taken back, or
    /// supplied to another, is not its land. A tenant's land is its share of the parcel, or its floor area's share of
    /// the floor rented out on it; it counts for the tenant only on parcels nobody holds.
    /// </summary>
    static string Units(bool fromHistory) => $"""
        WITH {(fromHistory ? ParcelSql.AsOf("h.zone_code = @zone", withGeometry: false) + "," : "")}
        held AS MATERIALIZED (
            SELECT s.recipient_credit_code AS credit_code, p.id AS parcel_id, mu({LandArea}) AS mu, p.park_code, p.status, p.status_source,
                   {LandBasis} AS basis
            FROM parcel p
            JOIN zone z ON z.code = p.zone_code
            JOIN parcel_supply s ON s.id = p.supply_id
            JOIN enterprise e ON e.credit_code = s.recipient_credit_code AND e.zone_code = @zone
            WHERE p.zone_code = @zone AND p.retired_at IS NULL AND p.supply_id IS NOT NULL AND p.status = ANY(@held)),
        rented AS MATERIALIZED (
            SELECT t.*, h.credit_code AS holder
            FROM (SELECT t.credit_code, t.parcel_id, p.park_code, {LandBasis} AS basis,
                         mu({LandArea}) * coalesce(t.share, t.floor_area_m2 / sum(t.floor_area_m2) OVER (PARTITION BY t.parcel_id)) AS mu
                  FROM enterprise_tenancy t JOIN parcel p ON p.id = t.parcel_id JOIN zone z ON z.code = p.zone_code
                  WHERE p.zone_code = @zone AND p.retired_at IS NULL) t
            LEFT JOIN held h ON h.parcel_id = t.parcel_id),
        land AS MATERIALIZED (
            SELECT credit_code, sum(mu) FILTER (WHERE counts) AS mu,
                   (array_agg(park_code ORDER BY mu DESC, parcel_id) FILTER (WHERE counts))[1] AS park_code,
                   CASE WHEN min(basis) = max(basis) THEN min(basis) ELSE 'mixed' END AS basis,
                   array_agg(parcel_id) FILTER (WHERE status = 'in_use') AS in_use,
                   array_agg(parcel_id) FILTER (WHERE status = 'low_efficiency' AND status_source = 'evaluation') AS low_efficiency
            FROM (SELECT credit_code, parcel_id, mu, park_code, basis, status, status_source, true AS counts FROM held
                  UNION ALL
                  SELECT credit_code, parcel_id, mu, park_code, basis, NULL, NULL, holder IS NULL FROM rented) l
            GROUP BY credit_code),
        merged AS MATERIALIZED (
            -- Ties go to the holder whose credit code sorts first, so a rerun merges the same way.
            SELECT DISTINCT ON (r.credit_code) r.credit_code, r.holder, r.park_code, sum(r.mu) OVER (PARTITION BY r.credit_code) AS mu
            FROM rented r
            WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.credit_code = r.credit_code)
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
            SELECT r.credit_code, array_agg(r.class ORDER BY c.year DESC) AS classes
            FROM evaluation_current c JOIN evaluation_result r ON r.run_id = c.run_id
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
        var fromHistory = await ParcelSql.ChangedSinceAsync(conn, tx, zone, endOfYear);
        // One statement that sorts and groups a zone's land: the memory to do it without spilling to disk, and no JIT
        // compilation (0.1 s of a 2 s statement, for expressions it runs a few hundred thousand times), for this run only.
        await conn.ExecuteAsync("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off", transaction: tx);
        var units = new List<EvaluationUnit>();
        var land = new Dictionary<string, Land>();
        await using var command = new NpgsqlCommand(Units(fromHistory), conn, tx) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("zone", zone);
        command.Parameters.AddWithValue("year", year);
        command.Parameters.AddWithValue("back", back);
        command.Parameters.AddWithValue("held", Lifecycle.StatusMachine.Held.ToArray());
        command.Parameters.AddWithValue("asOf", endOfYear);
        command.Parameters.AddWithValue("recordedAsOf", NpgsqlTypes.NpgsqlDbType.TimestampTz, DBNull.Value);
        await using var row = await command.ExecuteReaderAsync();
        var ordinals = Enumerable.Range(0, row.FieldCount).ToDictionary(row.GetName);
        T? Get<T>(string column) => ordinals[column] is var i && row.IsDBNull(i) ? default : row.GetFieldValue<T>(i);
        Figures FiguresOf(string year) => new(
            Get<double?>($"{year}_tax_wan"), Get<double?>($"{year}_sales_wan"), Get<double?>($"{year}_revenue_wan"), Get<double?>($"{year}_value_added_wan"),
            Get<double?>($"{year}_employees"), Get<double?>($"{year}_energy_tce"), Get<double?>($"{year}_rnd_wan"));
        while (await row.ReadAsync())
        {
            var code = row.GetString(0);
            var tenantCodes = Get<string[]>("tenant_codes") ?? [];
            var (tenantMu, tenantParks, tenantBases) = (Get<double[]>("tenant_mu"), Get<string?[]>("tenant_parks"), Get<string?[]>("tenant_bases"));
            var tenants = new List<MergedTenant>(tenantCodes.Length);
            for (var i = 0; i < tenantCodes.Length; i++)
            {
                tenants.Add(new MergedTenant(tenantCodes[i], tenantMu![i], tenantParks![i]));
                land[tenantCodes[i]] = new Land(tenantBases![i], [], []);
            }
            units.Add(new EvaluationUnit(
                code, Get<double>("land_mu"), FiguresOf("cur"), FiguresOf("prev"), Get<bool>("above_scale"), Get<bool>("utility"),
                Get<DateOnly?>("production_started_on") is { } started ? year - started.Year : null, Get<string>("veto"), Get<string>("park_code"),
                Get<string[]>("previous_classes") ?? [], tenants));
            land[code] = new Land(Get<string>("basis"), Get<long[]>("in_use") ?? [], Get<long[]>("low_efficiency") ?? []);
        }
        return (units, land);
    }
}
