-- Contract commitments against what was delivered (Lianshui §12, the 标准地 practice): the liquidated damages a contract
-- states for a tax shortfall, the approval that let a contract fall under the zone's minimums, and those minimums.

ALTER TABLE parcel_supply
    ADD COLUMN tax_shortfall_damages_pct numeric(6,3) CONSTRAINT parcel_supply_damages CHECK (tax_shortfall_damages_pct BETWEEN 0 AND 100),
    ADD COLUMN approval_ref text CONSTRAINT parcel_supply_approval CHECK (length(approval_ref) BETWEEN 1 AND 100);

-- The least a new land contract of the zone may commit to; a supply under them needs an approval.
CREATE TABLE contract_minimums (
    zone_code                      text PRIMARY KEY CONSTRAINT contract_minimums_zone_fk REFERENCES zone (code),
    investment_intensity_wan_per_mu numeric(12,2) CONSTRAINT contract_minimums_intensity CHECK (investment_intensity_wan_per_mu >= 0),
    tax_per_mu_wan                 numeric(12,2) CONSTRAINT contract_minimums_tax CHECK (tax_per_mu_wan >= 0),
    sales_per_mu_wan               numeric(12,2) CONSTRAINT contract_minimums_sales CHECK (sales_per_mu_wan >= 0),
    min_plot_ratio                 numeric(6,2) CONSTRAINT contract_minimums_plot_ratio CHECK (min_plot_ratio >= 0),
    updated_at                     timestamptz NOT NULL DEFAULT now(),
    updated_by                     text NOT NULL
);

-- Rent bills: the same bills as 0009 made, reading only the periods of each lease that may fall due in the window
-- instead of every period of its term (a month of 100,000 six-year leases read 7.2 million periods before).
-- The rent bills of the active (or since stopped) leases of a zone (or of the leases named) whose due day falls in
-- [from, through]: one per period of the lease's schedule, counted in whole months from its start, the rent-free
-- months left out and each lease year's escalation applied; due at the period's start (in advance) or its end (in
-- arrears). A bill already there is left alone, so generating twice creates nothing new. Returns how many were made.
CREATE OR REPLACE FUNCTION generate_rent_bills(zone text, lease_ids bigint[], from_day date, through_day date) RETURNS bigint
LANGUAGE sql AS $$
    WITH leases AS (
        SELECT l.id, l.zone_code, l.starts_on, lease_last_day(l) AS last_day, l.payment_timing, l.rent_free_months, l.escalation_pct,
               CASE l.schedule WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 WHEN 'half_yearly' THEN 6 ELSE 12 END AS step,
               CASE l.rent_basis WHEN 'per_year' THEN l.rent * 10000 / 12 ELSE l.rent * l.area_m2 END AS monthly
        FROM lease l
        WHERE l.status IN ('active', 'ended', 'terminated') AND (zone IS NULL OR l.zone_code = zone)
          AND (lease_ids IS NULL OR l.id = ANY(lease_ids))
          AND l.starts_on <= through_day AND lease_last_day(l) >= from_day - interval '1 year'),
    -- Only the periods that may fall due in [from, through]: from a period before the one the first day falls in to
    -- the one after the last day's, and none past the lease's end.
    spans AS (
        SELECT l.*,
               ((extract(year FROM age(l.last_day + 1, l.starts_on)) * 12 + extract(month FROM age(l.last_day + 1, l.starts_on)))::integer
                + CASE WHEN extract(day FROM age(l.last_day + 1, l.starts_on)) > 0 THEN 1 ELSE 0 END) AS months,
               (extract(year FROM from_day) * 12 + extract(month FROM from_day) - extract(year FROM l.starts_on) * 12 - extract(month FROM l.starts_on))::integer AS m_from,
               (extract(year FROM through_day) * 12 + extract(month FROM through_day) - extract(year FROM l.starts_on) * 12 - extract(month FROM l.starts_on))::integer AS m_through
        FROM leases l),
    periods AS (
        SELECT l.*, k, (l.starts_on + make_interval(months => k))::date AS period_start,
               least((l.starts_on + make_interval(months => k + l.step))::date - 1, l.last_day) AS period_end
        FROM spans l
        CROSS JOIN LATERAL generate_series(greatest(0, (l.m_from - 1 - l.step) / l.step * l.step), least(l.months - 1, l.m_through + 1), l.step) AS k),
    due AS (
        SELECT p.*, CASE WHEN p.payment_timing = 'advance' THEN p.period_start ELSE p.period_end END AS due_on
        FROM periods p),
    billed AS (
        SELECT d.id, d.zone_code, d.period_start, d.period_end, d.due_on,
               round(sum(CASE WHEN m < d.rent_free_months THEN 0
                              ELSE d.monthly * power(1 + d.escalation_pct / 100, m / 12)
                                   -- A last month cut short by the lease's end is billed for its days.
                                   * least(1, ((d.last_day - (d.starts_on + make_interval(months => m))::date + 1)::numeric
                                               / ((d.starts_on + make_interval(months => m + 1))::date - (d.starts_on + make_interval(months => m))::date))) END), 2) AS amount
        FROM due d
        CROSS JOIN LATERAL generate_series(d.k, d.k + d.step - 1) AS m
        WHERE d.due_on BETWEEN from_day AND through_day AND (d.starts_on + make_interval(months => m))::date <= d.last_day
        GROUP BY d.id, d.zone_code, d.period_start, d.period_end, d.due_on),
    made AS (
        INSERT INTO rent_bill (lease_id, zone_code, kind, period_start, period_end, due_on, amount_yuan)
        SELECT id, zone_code, 'rent', period_start, period_end, due_on, amount FROM billed WHERE amount > 0
        ON CONFLICT (lease_id, period_start) WHERE kind = 'rent' DO NOTHING
        RETURNING 1)
    SELECT count(*) FROM made
$$;

