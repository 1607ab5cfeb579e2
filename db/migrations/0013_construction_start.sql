-- When construction started (开工) is a fact of the parcel, recorded by the transition to under_construction or
-- by a construction report, and read by the idle-land rule (which no longer infers it from the history).
ALTER TABLE parcel ADD COLUMN construction_started_on date;
ALTER TABLE parcel_history ADD COLUMN construction_started_on date;

-- A backfill of a fact already in the history: no new versions, no history entries.
ALTER TABLE parcel DISABLE TRIGGER USER;
UPDATE parcel p SET construction_started_on = started.on_date
FROM (SELECT h.parcel_id, min(h.recorded_at)::date AS on_date FROM parcel_history h
      WHERE h.status = 'under_construction' GROUP BY h.parcel_id) started
WHERE p.id = started.parcel_id AND p.construction_started_on IS NULL;
UPDATE parcel p SET construction_started_on = c.started_on
FROM (SELECT parcel_id, min(started_on) AS started_on FROM construction_progress WHERE started_on IS NOT NULL GROUP BY parcel_id) c
WHERE p.id = c.parcel_id AND (p.construction_started_on IS NULL OR p.construction_started_on > c.started_on);
ALTER TABLE parcel ENABLE TRIGGER USER;

CREATE OR REPLACE FUNCTION parcel_history_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := parcel_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
        created_at, created_by, retired_at, construction_started_on, geom)
    SELECT n.id, n.version, n.updated_at, coalesce(change ->> 'kind', 'created'), n.updated_by, change ->> 'reason',
           change - 'kind' - 'reason', n.zone_code, n.code, n.park_code, n.name, n.planned_use, n.actual_use, n.status,
           n.registered_area_m2, n.area_m2, n.supply_id, n.clean_checklist, n.parent_ids, n.created_at, n.created_by,
           n.retired_at, n.construction_started_on, n.geom
    FROM inserted n;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION parcel_history_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := coalesce(nullif(current_setting('landregister.change', true), '')::jsonb, '{}'::jsonb);
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
        created_at, created_by, retired_at, construction_started_on, geom)
    VALUES (NEW.id, NEW.version, NEW.updated_at,
            coalesce(change ->> 'kind', CASE WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', change, NEW.zone_code, NEW.code, NEW.park_code,
            NEW.name, NEW.planned_use, NEW.actual_use, NEW.status, NEW.registered_area_m2, NEW.area_m2, NEW.supply_id,
            NEW.clean_checklist, NEW.parent_ids, NEW.created_at, NEW.created_by, NEW.retired_at, NEW.construction_started_on,
            CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN NEW.geom END);
    RETURN NULL;
END $$;
