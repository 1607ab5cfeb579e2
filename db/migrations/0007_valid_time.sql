-- Valid time beside record time (bitemporal history). Every version of a parcel says from when it holds in the world
-- (valid_from: the change's effective date, or the moment it was recorded when it gave none) and when the register
-- learnt it (recorded_at), and which attributes it changed. The state of a parcel at a valid time T, as the register
-- knew it at a record time R, takes each attribute from the latest change of that attribute valid at T among those
-- recorded by R: a change recorded late for the past falls into place without rewriting what was recorded after it.

-- When the parcel came into being in the world (its creation's effective date), and who set its current status: a
-- person, or the evaluation or idle-land run (a run only ever undoes a status it set itself).
ALTER TABLE parcel
    ADD COLUMN existed_from timestamptz,
    ADD COLUMN status_source text NOT NULL DEFAULT 'manual'
        CONSTRAINT parcel_status_source CHECK (status_source IN ('manual', 'evaluation', 'idle_land'));
ALTER TABLE parcel_history
    ADD COLUMN valid_from timestamptz,
    ADD COLUMN changed text[],
    ADD COLUMN status_source text;

-- The register's rows so far hold from when they were recorded. Filling the new columns is no change to record.
ALTER TABLE parcel DISABLE TRIGGER USER;
ALTER TABLE parcel_history DISABLE TRIGGER USER;
UPDATE parcel SET existed_from = created_at;
UPDATE parcel_history SET valid_from = recorded_at, status_source = 'manual',
    changed = CASE WHEN version = 1 THEN ARRAY['zone_code', 'code', 'park_code', 'name', 'planned_use', 'actual_use', 'status',
        'geom', 'registered_area_m2', 'supply_id', 'clean_checklist', 'construction_started_on', 'parent_ids', 'retired_at', 'status_source']
        ELSE ARRAY['code', 'park_code', 'name', 'planned_use', 'actual_use', 'status', 'registered_area_m2', 'supply_id',
        'clean_checklist', 'construction_started_on', 'parent_ids', 'retired_at', 'status_source']
        || CASE WHEN geom IS NOT NULL THEN ARRAY['geom'] ELSE ARRAY[]::text[] END END;
ALTER TABLE parcel ENABLE TRIGGER USER;
ALTER TABLE parcel_history ENABLE TRIGGER USER;
ALTER TABLE parcel
    ALTER COLUMN existed_from SET DEFAULT now(),
    ALTER COLUMN existed_from SET NOT NULL;
ALTER TABLE parcel_history
    ALTER COLUMN valid_from SET NOT NULL,
    ALTER COLUMN changed SET NOT NULL,
    ALTER COLUMN status_source SET NOT NULL;
-- As-of reads find a parcel's versions by valid time, and a zone's; whether a zone changed after an instant is one probe.
CREATE INDEX parcel_history_valid ON parcel_history (parcel_id, valid_from);
CREATE INDEX parcel_history_zone_valid ON parcel_history (zone_code, valid_from);

-- A creation is valid from the parcel's existed_from; its row names every attribute.
CREATE OR REPLACE FUNCTION parcel_history_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, valid_from, kind, actor, reason, details, changed, zone_code, code,
        park_code, name, planned_use, actual_use, status, status_source, geom, area_m2, registered_area_m2, supply_id, clean_checklist,
        construction_started_on, parent_ids, created_at, retired_at, created_by)
    SELECT n.id, n.version, n.updated_at, n.existed_from, coalesce(change ->> 'kind', 'created'), n.updated_by, change ->> 'reason', change,
           ARRAY['zone_code', 'code', 'park_code', 'name', 'planned_use', 'actual_use', 'status', 'geom', 'registered_area_m2',
                 'supply_id', 'clean_checklist', 'construction_started_on', 'parent_ids', 'retired_at', 'status_source'],
           n.zone_code, n.code, n.park_code, n.name, n.planned_use, n.actual_use, n.status, n.status_source, n.geom, n.area_m2,
           n.registered_area_m2, n.supply_id, n.clean_checklist, n.construction_started_on, n.parent_ids, n.created_at,
           n.retired_at, n.created_by
    FROM inserted n;
    RETURN NULL;
END $$;

-- An update is valid from the change's "validFrom" (its effective date) or from now. A change recorded for the past
-- may set attributes that a later change has set again: the parcel row keeps the later values, and the change carries
-- its own in "values", which the history records.
CREATE OR REPLACE FUNCTION parcel_history_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
    v jsonb := coalesce(change -> 'values', '{}');
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, valid_from, kind, actor, reason, details, changed, zone_code, code,
        park_code, name, planned_use, actual_use, status, status_source, geom, area_m2, registered_area_m2, supply_id, clean_checklist,
        construction_started_on, parent_ids, created_at, retired_at, created_by)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', change,
            array_remove(ARRAY[
                CASE WHEN NEW.code IS DISTINCT FROM OLD.code OR v ? 'code' THEN 'code' END,
                CASE WHEN NEW.park_code IS DISTINCT FROM OLD.park_code OR v ? 'park_code' THEN 'park_code' END,
                CASE WHEN NEW.name IS DISTINCT FROM OLD.name OR v ? 'name' THEN 'name' END,
                CASE WHEN NEW.planned_use IS DISTINCT FROM OLD.planned_use OR v ? 'planned_use' THEN 'planned_use' END,
                CASE WHEN NEW.actual_use IS DISTINCT FROM OLD.actual_use OR v ? 'actual_use' THEN 'actual_use' END,
                CASE WHEN NEW.status IS DISTINCT FROM OLD.status OR v ? 'status' THEN 'status' END,
                CASE WHEN NEW.status_source IS DISTINCT FROM OLD.status_source OR v ? 'status_source' THEN 'status_source' END,
                CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN 'geom' END,
                CASE WHEN NEW.registered_area_m2 IS DISTINCT FROM OLD.registered_area_m2 OR v ? 'registered_area_m2' THEN 'registered_area_m2' END,
                CASE WHEN NEW.supply_id IS DISTINCT FROM OLD.supply_id OR v ? 'supply_id' THEN 'supply_id' END,
                CASE WHEN NEW.clean_checklist IS DISTINCT FROM OLD.clean_checklist OR v ? 'clean_checklist' THEN 'clean_checklist' END,
                CASE WHEN NEW.construction_started_on IS DISTINCT FROM OLD.construction_started_on OR v ? 'construction_started_on'
                     THEN 'construction_started_on' END,
                CASE WHEN NEW.parent_ids IS DISTINCT FROM OLD.parent_ids OR v ? 'parent_ids' THEN 'parent_ids' END,
                CASE WHEN NEW.retired_at IS DISTINCT FROM OLD.retired_at OR v ? 'retired_at' THEN 'retired_at' END], NULL),
            NEW.zone_code,
            CASE WHEN v ? 'code' THEN v ->> 'code' ELSE NEW.code END,
            CASE WHEN v ? 'park_code' THEN v ->> 'park_code' ELSE NEW.park_code END,
            CASE WHEN v ? 'name' THEN v ->> 'name' ELSE NEW.name END,
            CASE WHEN v ? 'planned_use' THEN v ->> 'planned_use' ELSE NEW.planned_use END,
            CASE WHEN v ? 'actual_use' THEN v ->> 'actual_use' ELSE NEW.actual_use END,
            CASE WHEN v ? 'status' THEN v ->> 'status' ELSE NEW.status END,
            CASE WHEN v ? 'status_source' THEN v ->> 'status_source' ELSE NEW.status_source END,
            CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN NEW.geom END, NEW.area_m2,
            CASE WHEN v ? 'registered_area_m2' THEN (v ->> 'registered_area_m2')::numeric ELSE NEW.registered_area_m2 END,
            CASE WHEN v ? 'supply_id' THEN (v ->> 'supply_id')::bigint ELSE NEW.supply_id END,
            CASE WHEN v ? 'clean_checklist' THEN v -> 'clean_checklist' ELSE NEW.clean_checklist END,
            CASE WHEN v ? 'construction_started_on' THEN (v ->> 'construction_started_on')::date ELSE NEW.construction_started_on END,
            CASE WHEN v ? 'parent_ids' THEN ARRAY(SELECT jsonb_array_elements_text(v -> 'parent_ids')::bigint) ELSE NEW.parent_ids END,
            NEW.created_at,
            CASE WHEN v ? 'retired_at' THEN (v ->> 'retired_at')::timestamptz ELSE NEW.retired_at END,
            NEW.created_by);
    RETURN NULL;
END $$;

-- A supply record holds from its effective date (the transition's) until the land is taken back or supplied again.
ALTER TABLE parcel_supply ADD COLUMN valid_from date;
ALTER TABLE parcel_supply DISABLE TRIGGER USER;
UPDATE parcel_supply SET valid_from = dealt_on;
ALTER TABLE parcel_supply ENABLE TRIGGER USER;
ALTER TABLE parcel_supply ALTER COLUMN valid_from SET NOT NULL;

-- Premises versions carry valid time too.
ALTER TABLE premises_history ADD COLUMN valid_from timestamptz;
ALTER TABLE premises_history DISABLE TRIGGER USER;
UPDATE premises_history SET valid_from = recorded_at;
ALTER TABLE premises_history ENABLE TRIGGER USER;
ALTER TABLE premises_history ALTER COLUMN valid_from SET NOT NULL;

CREATE OR REPLACE FUNCTION premises_history_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO premises_history (premises_id, version, recorded_at, valid_from, kind, actor, reason, zone_code, state, footprint)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN TG_OP = 'INSERT' THEN 'created'
                                            WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', NEW.zone_code, to_jsonb(NEW) - 'footprint',
            CASE WHEN TG_OP = 'INSERT' OR NEW.footprint IS DISTINCT FROM OLD.footprint THEN NEW.footprint END);
    RETURN NULL;
END $$;

-- Per-mu figures divide by the registered (title) area where it is known, or by the drawn one: a zone's choice.
ALTER TABLE zone ADD COLUMN per_mu_area_basis text NOT NULL DEFAULT 'registered'
    CONSTRAINT zone_per_mu_area_basis CHECK (per_mu_area_basis IN ('registered', 'drawn'));
ALTER TABLE evaluation_result ADD COLUMN land_basis text;

-- A parcel registered already supplied arrives with its supply record: the two rows point at each other, so the
-- references are checked at commit in that transaction (SET CONSTRAINTS … DEFERRED), at once everywhere else.
ALTER TABLE parcel ALTER CONSTRAINT parcel_supply_fk DEFERRABLE INITIALLY IMMEDIATE;
ALTER TABLE parcel_supply ALTER CONSTRAINT parcel_supply_parcel_fk DEFERRABLE INITIALLY IMMEDIATE;
