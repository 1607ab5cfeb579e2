-- The enterprises of the demo zone: every parcel that has been supplied (出让) holds one enterprise, the recipient
-- of its supply record, with its contract commitments and three years (2023-2025) of figures. The holders of
-- low-efficiency land pay 2-6 万元 of tax per mu, the others 12-40, as in the audit's finding that Lianshui had to
-- pick out its low-efficiency enterprises by per-mu tax; idle land and land still being built pays none. The
-- zone's 2025 evaluation scheme is the default one with a per-mu tax threshold of 8 万元, so the evaluation run
-- started after loading (DemoData) classes them and keeps the low-efficiency land as it is. Deterministic: every
-- value follows from the parcel's code.

CREATE TEMP TABLE demo_holder ON COMMIT DROP AS
SELECT p.id AS parcel_id, p.code, p.status, p.park_code, p.area_m2 * 0.0015 AS mu, k,
       '91320826MA' || lpad((1000000 + k * 7919 % 900000)::text, 7, '0') AS first17
FROM (SELECT p.*, row_number() OVER (ORDER BY p.code)::integer AS k
      FROM parcel p
      WHERE p.zone_code = 'LSKFQ' AND p.supply_id IS NULL
        AND p.status IN ('supplied', 'under_construction', 'in_use', 'low_efficiency', 'idle', 'revitalizing', 'revitalized')) p;

-- The check character of GB 32100-2015: weights 3^i mod 31 over the 31-character alphabet.
ALTER TABLE demo_holder ADD COLUMN credit_code text;
UPDATE demo_holder h SET credit_code = h.first17 || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((31 - c.s % 31) % 31 + 1)::integer, 1)
FROM (SELECT h2.parcel_id,
             sum((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(h2.first17, i, 1)) - 1)
                 * (ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])[i]) AS s
      FROM demo_holder h2, generate_series(1, 17) i GROUP BY h2.parcel_id) c
WHERE c.parcel_id = h.parcel_id;

INSERT INTO enterprise (credit_code, zone_code, name, ownership_type, industry_code, main_products, above_scale,
                        production_started_on, created_by, updated_by)
SELECT h.credit_code, 'LSKFQ',
       format('涟水%s%s有限公司', (ARRAY['恒盛', '金源', '华瑞', '苏淮', '鼎新', '宏达', '博远', '中科', '瑞丰', '天润', '汇通', '东方'])[1 + h.k % 12],
              CASE h.park_code WHEN 'LS-FOOD' THEN '食品' WHEN 'LS-NM' THEN '新材料' WHEN 'LS-AIR' THEN '装备制造' ELSE '电子科技' END
              || CASE WHEN h.k > 12 THEN (h.k / 12)::text || '号' ELSE '' END),
       (ARRAY['private', 'private', 'private', 'foreign', 'state', 'joint'])[1 + h.k % 6],
       CASE h.park_code WHEN 'LS-FOOD' THEN 'C14' WHEN 'LS-NM' THEN 'C30' WHEN 'LS-AIR' THEN 'C34' ELSE 'C39' END,
       CASE h.park_code WHEN 'LS-FOOD' THEN ARRAY['调味品', '速冻食品'] WHEN 'LS-NM' THEN ARRAY['玻璃纤维', '复合材料']
                        WHEN 'LS-AIR' THEN ARRAY['通用设备', '光伏组件'] ELSE ARRAY['电子元件', '线路板'] END,
       h.k % 9 <> 0,
       CASE WHEN h.status IN ('supplied', 'under_construction') THEN NULL ELSE DATE '2016-03-01' + (h.k * 53 % 1200) END,
       'demo', 'demo'
FROM demo_holder h;

-- Supply records: transferred (出让) from 2014, with the commitments of the contract. Land still supplied or under
-- construction was dealt in the last 14 months, counted from the day the demo is loaded: the idle-land rule (a year
-- past the agreed start of construction) finds the zone's idle land, not land the demo merely left waiting.
INSERT INTO parcel_supply (parcel_id, method, listed_on, dealt_on, recipient_name, recipient_credit_code, price_wan,
                           construction_start_by, completion_by, investment_intensity_wan_per_mu, tax_per_mu_wan,
                           sales_per_mu_wan, min_plot_ratio, valid_from, created_by)
SELECT h.parcel_id, 'transfer', d.dealt - 45, d.dealt, e.name, h.credit_code, round((h.mu * (18 + h.k % 7))::numeric, 2),
       d.dealt + 180, d.dealt + 900, 300 + h.k % 4 * 50, 15 + h.k % 4 * 5, 300 + h.k % 5 * 50, 1.0 + h.k % 3 * 0.1, d.dealt, 'demo'
FROM demo_holder h
JOIN enterprise e ON e.credit_code = h.credit_code
CROSS JOIN LATERAL (SELECT CASE WHEN h.status IN ('supplied', 'under_construction') THEN current_date - 420 + (h.k * 37 % 360)
                                ELSE DATE '2014-02-01' + (h.k * 71 % 2400) END AS dealt) d;

SELECT set_config('landregister.change', '{"kind": "supply", "reason": "演示数据：供地记录", "validFrom": "2018-01-01T00:00:00+08:00"}', true);
UPDATE parcel p SET supply_id = s.id, updated_by = 'demo'
FROM parcel_supply s JOIN demo_holder h ON h.parcel_id = s.parcel_id
WHERE p.id = s.parcel_id;
SELECT set_config('landregister.change', '', true);

-- Yearly figures. Per-mu tax by the land's status, varied by enterprise and year; sales 15-25 times the tax;
-- energy 0.04-0.08 tce per 万元 of sales.
INSERT INTO enterprise_indicator (credit_code, year, tax_wan, sales_wan, revenue_wan, employees, energy_tce, rnd_wan, updated_by)
SELECT h.credit_code, y, round((h.mu * t.per_mu)::numeric, 2), round((h.mu * t.per_mu * (15 + h.k % 11))::numeric, 2),
       round((h.mu * t.per_mu * (16 + h.k % 11))::numeric, 2), (h.mu * (1.5 + h.k % 5))::integer,
       round((h.mu * t.per_mu * (15 + h.k % 11) * (0.04 + h.k % 5 * 0.01))::numeric, 2),
       round((h.mu * t.per_mu * 0.8)::numeric, 2), 'demo'
FROM demo_holder h
CROSS JOIN generate_series(2023, 2025) y
CROSS JOIN LATERAL (SELECT CASE
    WHEN h.status = 'low_efficiency' THEN 2 + (h.k + y) % 5
    WHEN h.status IN ('supplied', 'under_construction', 'idle') THEN 0
    WHEN h.status = 'revitalizing' THEN 9 + (h.k + y) % 4
    ELSE 12 + (h.k * 7 + y * 3) % 29 END::double precision AS per_mu) t
WHERE h.status NOT IN ('supplied', 'under_construction');

INSERT INTO evaluation_scheme (zone_code, year, version, scheme, created_by)
SELECT 'LSKFQ', 2025, 1, '{
  "scope": {"aboveScale": true, "minAreaMu": 3},
  "indicators": [
    {"key": "tax_per_mu", "weight": 45, "benchmark": {"rule": "zone_average_last_year", "factor": 2, "value": null}},
    {"key": "sales_per_mu", "weight": 35, "benchmark": {"rule": "zone_average_last_year", "factor": 2, "value": null}},
    {"key": "tax_per_energy", "weight": 20, "benchmark": {"rule": "zone_average_last_year", "factor": 2, "value": null}}],
  "bands": {"a": 0.2, "b": 0.6, "c": 0.95},
  "notRanked": {"utilities": true, "minYearsProducing": 2},
  "veto": true,
  "lowEfficiency": {"consecutiveD": 2, "taxPerMuBelowWan": 8}}'::jsonb, 'demo'
WHERE NOT EXISTS (SELECT 1 FROM evaluation_scheme WHERE zone_code = 'LSKFQ' AND year = 2025);
