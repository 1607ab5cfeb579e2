-- The evaluation and idle-land runs read a zone's supplied parcels; without an index they read every parcel.
-- The index names no column a status change touches, so status changes can still stay on their page.
CREATE INDEX parcel_supplied ON parcel (zone_code, supply_id) WHERE supply_id IS NOT NULL AND retired_at IS NULL;
