-- Which of a holder's low-efficiency parcels an evaluation marked (status_source), also read from the supplied-land
-- index: a run clears only land an evaluation marked, and now asks for those parcels alone instead of sending back
-- every low-efficiency parcel of every graded holder to be checked by the update.
DROP INDEX parcel_supplied;
CREATE INDEX parcel_supplied ON parcel (zone_code, supply_id)
    INCLUDE (id, status, status_source, area_m2, registered_area_m2, park_code)
    WHERE supply_id IS NOT NULL AND retired_at IS NULL;
