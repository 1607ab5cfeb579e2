-- Premises in the demo zone: standard factory buildings (标准厂房) of the zone's platform company, built for
-- lease and standing partly or wholly empty, as the audit reports found, and a few buildings of the
-- enterprises on their own land. Each footprint is a square of 50-80 m around a point inside its parcel,
-- cut to the parcel, laid out in the zone's Gauss-Krüger projection (EPSG:4549). Deterministic: every
-- value follows from the parcel's number.

INSERT INTO premises (zone_code, code, parcel_id, name, owner_name, owner_kind, floor_area_m2, floors, built_year, condition,
                      vacancy, vacant_floor_area_m2, vacant_since, footprint, created_by, updated_by)
SELECT p.zone_code, p.code || '-F1', p.id,
       CASE WHEN s.platform THEN format('%s标准厂房%s号楼', park.name, s.k) ELSE format('%s厂房', p.name) END,
       CASE WHEN s.platform THEN '涟水开发区建设投资有限公司' END,
       CASE WHEN s.platform THEN 'platform_company' ELSE 'enterprise' END,
       round((ST_Area(f.gk) * s.floors)::numeric, -1), s.floors, 2012 + s.k % 9,
       (ARRAY['good', 'fair', 'fair', 'poor', 'dilapidated'])[1 + s.k % 5],
       s.vacancy,
       CASE s.vacancy WHEN 'vacant' THEN round((ST_Area(f.gk) * s.floors)::numeric, -1)
                      WHEN 'partly_leased' THEN round((ST_Area(f.gk) * s.floors * 0.4)::numeric, -1) ELSE 0 END,
       CASE WHEN s.vacancy IN ('vacant', 'partly_leased') THEN DATE '2021-03-01' + ((s.k * 97) % 1200)::integer END,
       ST_Multi(ST_Transform(f.gk, 4326)), 'demo', 'demo'
FROM (SELECT p.*, row_number() OVER (ORDER BY p.code) AS k
      FROM parcel p
      WHERE p.zone_code = 'LSKFQ' AND p.status IN ('idle', 'in_use', 'low_efficiency', 'revitalizing')) p
JOIN park ON park.code = p.park_code
CROSS JOIN LATERAL (
    SELECT p.k % 3 <> 0 AS platform, 1 + p.k % 4 AS floors,
           (ARRAY['vacant', 'partly_leased', 'vacant', 'leased', 'partly_leased', 'leased'])[1 + p.k % 6] AS vacancy) s0
CROSS JOIN LATERAL (
    SELECT s0.platform, s0.floors, p.k,
           CASE WHEN s0.platform THEN s0.vacancy WHEN p.status = 'idle' THEN 'vacant' ELSE 'self_used' END AS vacancy) s
CROSS JOIN LATERAL (
    SELECT ST_CollectionExtract(ST_Intersection(g.geom,
               ST_Expand(ST_PointOnSurface(g.geom), 25 + (p.k % 4) * 5)), 3) AS gk
    FROM (SELECT ST_Transform(p.geom, 4549) AS geom) g) f
WHERE p.k % 4 <> 1
ORDER BY p.code;
