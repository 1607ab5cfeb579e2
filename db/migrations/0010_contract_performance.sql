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
