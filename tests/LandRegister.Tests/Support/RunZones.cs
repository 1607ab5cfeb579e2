using Dapper;
using Npgsql;

namespace LandRegister.Tests.Support;

/// <summary>
/// Zones whose runs have work to do: enterprises holding supplied parcels in use, with 2022-2024 figures. Written in SQL,
/// for tests whose API runs in processes of their own.
/// </summary>
public static class RunZones
{
    public static readonly string[] Zones = ["KZ", "KY", "KX", "KW"];

    public static async Task ArrangeAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.ExecuteAsync("""
            INSERT INTO zone (code, name, gk_epsg, created_by, updated_by) SELECT z, '集群测试区 ' || z, 4549, 'test', 'test' FROM unnest(@zones) z;
            INSERT INTO enterprise (credit_code, zone_code, name, above_scale, production_started_on, created_by, updated_by)
            SELECT code, zone, 'E' || n, true, '2010-01-01', 'test', 'test'
            FROM (VALUES (1, '91350100M000100Y43', 'KZ'), (2, '91110000600037341L', 'KZ'), (3, '911100001000079554', 'KZ'),
                         (4, '91320000134784613K', 'KY'), (5, '91440300708461136T', 'KX'), (6, '91330000142916567N', 'KW')) AS e (n, code, zone);
            WITH e AS (SELECT credit_code, zone_code, name, row_number() OVER (ORDER BY credit_code) AS n FROM enterprise),
            p AS (
                INSERT INTO parcel (zone_code, code, status, geom, existed_from, created_by, updated_by)
                SELECT zone_code, 'P-' || credit_code, 'in_use', ST_Multi(ST_MakeEnvelope(119.3 + 0.01 * n, 33.8, 119.302 + 0.01 * n, 33.802, 4326)),
                       '2015-01-01', 'test', 'test'
                FROM e RETURNING id, code)
            INSERT INTO parcel_supply (parcel_id, method, dealt_on, recipient_name, recipient_credit_code, price_wan, construction_start_by,
                                       completion_by, valid_from, created_by)
            SELECT p.id, 'transfer', '2015-01-01', e.name, e.credit_code, 100, '2015-06-01', '2017-06-01', '2015-01-01', 'test'
            FROM p JOIN e ON p.code = 'P-' || e.credit_code;
            SELECT set_config('landregister.change', '{"kind": "supply", "validFrom": "2015-01-01T00:00:00+08:00"}', true);
            UPDATE parcel p SET supply_id = s.id FROM parcel_supply s WHERE s.parcel_id = p.id;
            INSERT INTO enterprise_indicator (credit_code, year, tax_wan, sales_wan, energy_tce, updated_by)
            SELECT credit_code, y, 10 + length(credit_code) * y % 7, 100 + y % 13, 50, 'test' FROM enterprise, generate_series(2022, 2024) y;
            """, new { zones = Zones });
    }
}
