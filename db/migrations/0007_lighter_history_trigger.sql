-- The history trigger on updates, lighter: the change description is read inline, and the details keep
-- the whole description (kind and reason included) instead of building a trimmed copy per row.
CREATE OR REPLACE FUNCTION parcel_history_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := coalesce(nullif(current_setting('landregister.change', true), '')::jsonb, '{}'::jsonb);
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
        created_at, created_by, retired_at, geom)
    VALUES (NEW.id, NEW.version, NEW.updated_at,
            coalesce(change ->> 'kind', CASE WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', change, NEW.zone_code, NEW.code, NEW.park_code,
            NEW.name, NEW.planned_use, NEW.actual_use, NEW.status, NEW.registered_area_m2, NEW.area_m2, NEW.supply_id,
            NEW.clean_checklist, NEW.parent_ids, NEW.created_at, NEW.created_by, NEW.retired_at,
            CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN NEW.geom END);
    RETURN NULL;
END $$;
