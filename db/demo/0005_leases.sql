-- The platform company's leases in the demo zone (Lianshui §13-14): every building it has leased, wholly or in part,
-- has its leases (tenants are the zone's enterprises), their rent billed since they began and paid, except for four
-- lessees in arrears with the collection history of the report: one paid the 300,000 yuan it owed after a visit (and
-- has fallen behind again since), two were sent demand letters (催收函), one was sued after a lawyer's letter. One of
-- the empty buildings was leased (1,600 m²) in July 2024 after its roof was repaired, and an industrial building is
-- leased to a training school (use 0804 on industrial land: a use mismatch). Deterministic, but the bills run to the
-- day the demo is loaded.

CREATE TEMP TABLE demo_tenant ON COMMIT DROP AS
SELECT credit_code, name, row_number() OVER (ORDER BY credit_code) AS k FROM enterprise WHERE zone_code = 'LSKFQ';

CREATE TEMP TABLE demo_leased ON COMMIT DROP AS
SELECT pr.id AS premises_id, pr.parcel_id, pr.code, pr.owner_name, pr.floor_area_m2 - pr.vacant_floor_area_m2 AS leased_m2,
       row_number() OVER (ORDER BY pr.code) AS k
FROM premises pr
WHERE pr.zone_code = 'LSKFQ' AND pr.owner_kind = 'platform_company' AND pr.vacancy IN ('leased', 'partly_leased');

SELECT set_config('landregister.change', '{"kind": "created", "reason": "演示数据：平台公司租约"}', true);

INSERT INTO lease (zone_code, premises_id, parcel_id, area_m2, lessor_name, lessor_kind, lessee_kind, lessee_name, lessee_credit_code, use_code,
                   starts_on, ends_on, rent_basis, rent, schedule, payment_timing, deposit_yuan, rent_free_months, escalation_pct, contract_ref,
                   status, created_by, updated_by)
SELECT 'LSKFQ', d.premises_id, d.parcel_id, d.leased_m2, d.owner_name, 'platform_company', 'enterprise', t.name, t.credit_code,
       p.planned_use,
       DATE '2021-01-01' + (d.k * 97 % 1200)::integer, DATE '2021-01-01' + (d.k * 97 % 1200)::integer + interval '6 years' - interval '1 day',
       -- The four in arrears (k = 1..4) pay by the year in 万元; the others by the m² and month.
       CASE WHEN d.k <= 4 THEN 'per_year' ELSE 'per_m2_month' END,
       CASE d.k WHEN 1 THEN 30 WHEN 2 THEN 18 WHEN 3 THEN 12 WHEN 4 THEN 24 ELSE 8 + d.k % 6 END,
       CASE WHEN d.k % 3 = 0 THEN 'quarterly' ELSE 'monthly' END, 'advance', 0, CASE WHEN d.k % 4 = 0 THEN 3 ELSE 0 END, 0,
       format('XG-ZL-%s-%s', 2021 + d.k % 4, lpad(d.k::text, 3, '0')), 'active', 'demo', 'demo'
FROM demo_leased d
JOIN parcel p ON p.id = d.parcel_id
JOIN demo_tenant t ON t.k = 1 + (d.k * 7) % (SELECT count(*) FROM demo_tenant);

-- The roof repaired, an empty building of the e-commerce park leased in July 2024 (§14-(2)); and the training school.
INSERT INTO lease (zone_code, premises_id, parcel_id, area_m2, lessor_name, lessor_kind, lessee_kind, lessee_name, lessee_credit_code,
                   lessee_identifier, use_code, starts_on, ends_on, rent_basis, rent, schedule, payment_timing, contract_ref, status,
                   created_by, updated_by)
SELECT 'LSKFQ', pr.id, pr.parcel_id, 1600, pr.owner_name, 'platform_company', x.kind, x.name, x.credit, x.identifier, coalesce(x.use, pr.parcel_use),
       x.starts, x.starts + interval '5 years' - interval '1 day', 'per_m2_month', x.rent, 'quarterly', 'advance', x.ref, 'active', 'demo', 'demo'
FROM (SELECT pr.*, p.planned_use AS parcel_use, row_number() OVER (ORDER BY pr.code) AS k FROM premises pr
      JOIN parcel p ON p.id = pr.parcel_id
      WHERE pr.zone_code = 'LSKFQ' AND pr.owner_kind = 'platform_company' AND pr.vacancy = 'vacant' AND pr.floor_area_m2 >= 1600
        AND p.planned_use LIKE '1001%') pr
JOIN (VALUES (1, 'enterprise', (SELECT name FROM demo_tenant WHERE k = 5), (SELECT credit_code FROM demo_tenant WHERE k = 5), NULL,
              NULL, DATE '2024-07-01', 9, 'XG-ZL-2024-016'),
             (2, 'organisation', '涟水县某职业技能培训学校', NULL, '52320826MJ0000001X', '0804', DATE '2023-09-01', 10, 'XG-ZL-2023-021'))
     AS x (k, kind, name, credit, identifier, use, starts, rent, ref) ON x.k = pr.k;

SELECT generate_rent_bills('LSKFQ', NULL, DATE '2021-01-01', current_date);

-- Payments: everyone pays each bill on its due day, except the four in arrears, who stopped paying at a day of their own.
CREATE TEMP TABLE demo_stop ON COMMIT DROP AS
SELECT l.id AS lease_id, d.k,
       CASE d.k WHEN 1 THEN DATE '2023-06-01' WHEN 2 THEN DATE '2023-10-01' WHEN 3 THEN DATE '2024-01-01' WHEN 4 THEN DATE '2022-12-01' END AS stopped
FROM lease l JOIN demo_leased d ON d.premises_id = l.premises_id WHERE d.k <= 4;

INSERT INTO rent_payment (zone_code, lease_id, paid_on, payer, amount_yuan, reference, source, actor)
SELECT b.zone_code, b.lease_id, b.due_on, l.lessee_name, b.amount_yuan, format('DEMO-%s-%s', b.lease_id, b.id), 'import', 'demo'
FROM rent_bill b JOIN lease l ON l.id = b.lease_id LEFT JOIN demo_stop s ON s.lease_id = b.lease_id
WHERE b.due_on < coalesce(s.stopped, 'infinity');

-- The lessee who stopped in June 2023 paid the 300,000 yuan of its twelve months in June 2024 (§13-(2)).
INSERT INTO rent_payment (zone_code, lease_id, paid_on, payer, amount_yuan, reference, source, actor)
SELECT 'LSKFQ', s.lease_id, DATE '2024-06-20', l.lessee_name, 300000, 'DEMO-RECOVERED-300000', 'manual', 'demo'
FROM demo_stop s JOIN lease l ON l.id = s.lease_id WHERE s.k = 1;

SELECT allocate_rent_payment(id, NULL) FROM rent_payment WHERE zone_code = 'LSKFQ' ORDER BY paid_on, id;

INSERT INTO lease_collection (lease_id, kind, taken_on, outcome, actor)
SELECT s.lease_id, a.kind, a.taken_on, a.outcome, 'demo'
FROM demo_stop s
JOIN (VALUES (1, 'visit', DATE '2024-03-12', '上门走访，企业承诺6月底前结清'),
             (2, 'call', DATE '2024-03-15', '电话催缴'), (2, 'letter', DATE '2024-07-15', '发送催收函'),
             (3, 'call', DATE '2024-03-15', '电话催缴'), (3, 'letter', DATE '2024-07-15', '发送催收函'),
             (4, 'letter', DATE '2024-03-20', '书面告知'), (4, 'lawyers_letter', DATE '2024-05-10', '发律师函'),
             (4, 'lawsuit', DATE '2024-08-05', '向法院起诉，追缴欠租')) AS a (k, kind, taken_on, outcome) ON a.k = s.k;

SELECT refresh_premises_vacancy(array_agg(DISTINCT premises_id), current_date) FROM lease WHERE zone_code = 'LSKFQ';

-- The ledger's rent items (db/demo/0004) now link the leases they are about, and measure the arrears.
UPDATE ledger_item i
SET lease_ids = (SELECT array_agg(lease_id ORDER BY k) FROM demo_stop),
    targets = '[{"kind": "arrears_cleared"}]', updated_by = 'demo'
WHERE i.zone_code = 'LSKFQ' AND i.number IN ('13-(1)', '13-(2)');
UPDATE ledger_item i
SET lease_ids = (SELECT array_agg(id) FROM lease WHERE contract_ref = 'XG-ZL-2024-016'), updated_by = 'demo'
WHERE i.zone_code = 'LSKFQ' AND i.number = '14-(2)';

-- §12: a contract accepted at 1.0 万元/亩 of tax against the template's 25 (with the approval that allowed it), and the
-- 斯韦意 contract re-signed on the new template, with its damages clause: both supply corrections of the holder's land.
CREATE TEMP TABLE demo_resigned ON COMMIT DROP AS
SELECT s.*, x.tax, x.approval, x.damages
FROM (SELECT p.supply_id, row_number() OVER (ORDER BY p.code) AS k FROM parcel p
      WHERE p.zone_code = 'LSKFQ' AND p.status = 'under_construction' AND p.supply_id IS NOT NULL) c
JOIN parcel_supply s ON s.id = c.supply_id
JOIN (VALUES (1, 1.0, '涟开委〔2024〕12号', NULL), (2, 25.0, NULL, 10.0)) AS x (k, tax, approval, damages) ON x.k = c.k;

SELECT set_config('landregister.change', '{"kind": "supply", "reason": "演示数据：按招商引资新合同模板重新签订"}', true);
WITH made AS (
    INSERT INTO parcel_supply (parcel_id, method, listed_on, dealt_on, recipient_name, recipient_credit_code, price_wan, construction_start_by,
                               completion_by, investment_intensity_wan_per_mu, tax_per_mu_wan, sales_per_mu_wan, min_plot_ratio,
                               tax_shortfall_damages_pct, approval_ref, valid_from, created_by)
    SELECT parcel_id, method, listed_on, dealt_on, recipient_name, recipient_credit_code, price_wan, construction_start_by, completion_by,
           300, tax, 400, 1.2, damages, approval, valid_from, 'demo'
    FROM demo_resigned
    RETURNING id, parcel_id)
UPDATE parcel p SET supply_id = m.id, updated_by = 'demo' FROM made m WHERE p.id = m.parcel_id;
