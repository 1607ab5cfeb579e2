-- A park's code is unique within its zone, not across the register: zones name their parks independently (一区, 二区),
-- and a key limited to one zone must be able to register its park without learning that another zone used the code.
ALTER TABLE park DROP CONSTRAINT park_pkey;
ALTER TABLE park ADD CONSTRAINT park_pkey PRIMARY KEY (zone_code, code);
ALTER TABLE park DROP CONSTRAINT park_zone_code_unique CASCADE;
ALTER TABLE parcel ADD CONSTRAINT parcel_park_fk FOREIGN KEY (zone_code, park_code) REFERENCES park (zone_code, code);
