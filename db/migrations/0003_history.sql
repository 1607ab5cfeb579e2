-- History: every version of a parcel, kept by triggers so that no write can forget it, and never changed or deleted.

-- What the change under way is, set by the writer for its transaction (RecordedChange in the API):
-- SELECT set_config('landregister.change', '{"kind": "transition", "reason": "…", …}', true).
-- Every history trigger records it with the versions the change makes.
CREATE FUNCTION recorded_change() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('landregister.change', true), '')::jsonb, '{}'::jsonb)
$$;

-- One row per parcel version: the parcel as it was after the change, and the change (kind, actor, reason, details).
-- The geometry is stored when it changed (and at creation); as-of reads take the latest one up to then.
CREATE TABLE parcel_history (
    parcel_id               bigint NOT NULL,
    version                 bigint NOT NULL,
    recorded_at             timestamptz NOT NULL,
    kind                    text NOT NULL,
    actor                   text NOT NULL,
    reason                  text,
    details                 jsonb NOT NULL DEFAULT '{}',
    zone_code               text NOT NULL,
    code                    text NOT NULL,
    park_code               text,
    name                    text,
    planned_use             text,
    actual_use              text,
    status                  text NOT NULL,
    geom                    geometry(MultiPolygon, 4326),
    area_m2                 double precision NOT NULL,
    registered_area_m2      numeric(14, 2),
    supply_id               bigint,
    clean_checklist         jsonb,
    construction_started_on date,
    parent_ids              bigint[] NOT NULL,
    created_at              timestamptz NOT NULL,
    retired_at              timestamptz,
    created_by              text NOT NULL,
    PRIMARY KEY (parcel_id, version)
);

-- Inserts come in bulk (imports, splits): one statement-level INSERT into the history per statement.
CREATE FUNCTION parcel_history_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, geom, area_m2, registered_area_m2, supply_id, clean_checklist,
        construction_started_on, parent_ids, created_at, retired_at, created_by)
    SELECT n.id, n.version, n.updated_at, coalesce(change ->> 'kind', 'created'), n.updated_by, change ->> 'reason', change,
           n.zone_code, n.code, n.park_code, n.name, n.planned_use, n.actual_use, n.status, n.geom, n.area_m2,
           n.registered_area_m2, n.supply_id, n.clean_checklist, n.construction_started_on, n.parent_ids, n.created_at,
           n.retired_at, n.created_by
    FROM inserted n;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_history_inserted AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION parcel_history_inserted();

-- Updates come one parcel at a time, or as a run's bulk status moves: a row-level trigger is the cheaper way to record them.
CREATE FUNCTION parcel_history_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, geom, area_m2, registered_area_m2, supply_id, clean_checklist,
        construction_started_on, parent_ids, created_at, retired_at, created_by)
    VALUES (NEW.id, NEW.version, NEW.updated_at,
            coalesce(change ->> 'kind', CASE WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', change, NEW.zone_code, NEW.code, NEW.park_code, NEW.name, NEW.planned_use,
            NEW.actual_use, NEW.status, CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN NEW.geom END, NEW.area_m2,
            NEW.registered_area_m2, NEW.supply_id, NEW.clean_checklist, NEW.construction_started_on, NEW.parent_ids,
            NEW.created_at, NEW.retired_at, NEW.created_by);
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_history_updated AFTER UPDATE ON parcel FOR EACH ROW EXECUTE FUNCTION parcel_history_updated();

-- Nothing is ever deleted: parcels are retired; history and supply records only grow.
CREATE FUNCTION register_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never %d: the register keeps every past state', TG_TABLE_NAME, lower(TG_OP)
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER parcel_never_deleted BEFORE DELETE ON parcel FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER parcel_history_append_only BEFORE UPDATE OR DELETE ON parcel_history FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER parcel_supply_append_only BEFORE UPDATE OR DELETE ON parcel_supply FOR EACH ROW EXECUTE FUNCTION register_append_only();
