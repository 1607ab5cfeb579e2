-- The parcel lifecycle: supply records, the clean-land checklist, lineage, and a complete, append-only
-- history of every parcel version, kept by triggers so that no write can forget it.

-- Supply records (出让 / 划拨) are never changed: a correction adds a record and the parcel points at it.
CREATE TABLE parcel_supply (
    id                              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id                       bigint NOT NULL CONSTRAINT parcel_supply_parcel_fk REFERENCES parcel (id),
    method                          text NOT NULL CONSTRAINT parcel_supply_method CHECK (method IN ('transfer', 'allocation')),
    listed_on                       date,
    dealt_on                        date NOT NULL,
    recipient_name                  text NOT NULL CONSTRAINT parcel_supply_recipient CHECK (length(btrim(recipient_name)) BETWEEN 1 AND 200),
    recipient_credit_code           text NOT NULL CONSTRAINT parcel_supply_credit_code CHECK (recipient_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    price_wan                       numeric(14, 2) CONSTRAINT parcel_supply_price CHECK (price_wan >= 0),
    construction_start_by           date NOT NULL,
    completion_by                   date NOT NULL CONSTRAINT parcel_supply_dates CHECK (completion_by >= construction_start_by),
    investment_intensity_wan_per_mu numeric(12, 2) CONSTRAINT parcel_supply_intensity CHECK (investment_intensity_wan_per_mu >= 0),
    tax_per_mu_wan                  numeric(12, 2) CONSTRAINT parcel_supply_tax CHECK (tax_per_mu_wan >= 0),
    sales_per_mu_wan                numeric(12, 2) CONSTRAINT parcel_supply_sales CHECK (sales_per_mu_wan >= 0),
    min_plot_ratio                  numeric(6, 2) CONSTRAINT parcel_supply_plot_ratio CHECK (min_plot_ratio >= 0),
    created_at                      timestamptz NOT NULL DEFAULT now(),
    created_by                      text NOT NULL
);
CREATE INDEX parcel_supply_parcel ON parcel_supply (parcel_id);

ALTER TABLE parcel
    ADD COLUMN supply_id bigint CONSTRAINT parcel_supply_fk REFERENCES parcel_supply (id),
    ADD COLUMN clean_checklist jsonb,
    -- Lineage: the parcels this one was split or merged from.
    ADD COLUMN parent_ids bigint[] NOT NULL DEFAULT '{}';
CREATE INDEX parcel_parents ON parcel USING gin (parent_ids) WHERE parent_ids <> '{}';

-- One row per parcel version: the parcel as it was after the change, and what the change was.
-- The geometry is stored when it changed (and at creation); asOf reads take the latest one up to then.
CREATE TABLE parcel_history (
    parcel_id          bigint NOT NULL,
    version            bigint NOT NULL,
    recorded_at        timestamptz NOT NULL,
    kind               text NOT NULL,
    actor              text NOT NULL,
    reason             text,
    details            jsonb NOT NULL DEFAULT '{}',
    zone_code          text NOT NULL,
    code               text NOT NULL,
    park_code          text,
    name               text,
    planned_use        text,
    actual_use         text,
    status             text NOT NULL,
    registered_area_m2 numeric(14, 2),
    area_m2            double precision NOT NULL,
    supply_id          bigint,
    clean_checklist    jsonb,
    parent_ids         bigint[] NOT NULL,
    created_at         timestamptz NOT NULL,
    created_by         text NOT NULL,
    retired_at         timestamptz,
    geom               geometry(MultiPolygon, 4326),
    PRIMARY KEY (parcel_id, version)
);

-- The description of the change under way, set by the writer for its transaction:
-- SELECT set_config('landregister.change', '{"kind": "transition", "reason": "…", …}', true).
CREATE FUNCTION parcel_change() RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('landregister.change', true), '')::jsonb, '{}'::jsonb)
$$;

-- Versions and timestamps are the database's business: every update is a new version.
CREATE FUNCTION parcel_next_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER parcel_next_version BEFORE UPDATE ON parcel FOR EACH ROW EXECUTE FUNCTION parcel_next_version();

-- Inserts come in bulk (imports): one statement-level INSERT into the history per statement.
CREATE FUNCTION parcel_history_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := parcel_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
        created_at, created_by, retired_at, geom)
    SELECT n.id, n.version, n.updated_at, coalesce(change ->> 'kind', 'created'), n.updated_by, change ->> 'reason',
           change - 'kind' - 'reason', n.zone_code, n.code, n.park_code, n.name, n.planned_use, n.actual_use, n.status,
           n.registered_area_m2, n.area_m2, n.supply_id, n.clean_checklist, n.parent_ids, n.created_at, n.created_by,
           n.retired_at, n.geom
    FROM inserted n;
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_history_inserted AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION parcel_history_inserted();

-- Updates come one parcel at a time: a row-level trigger is the cheaper way to record them.
CREATE FUNCTION parcel_history_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := parcel_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
        name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
        created_at, created_by, retired_at, geom)
    VALUES (NEW.id, NEW.version, NEW.updated_at,
            coalesce(change ->> 'kind', CASE WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', change - 'kind' - 'reason', NEW.zone_code, NEW.code, NEW.park_code,
            NEW.name, NEW.planned_use, NEW.actual_use, NEW.status, NEW.registered_area_m2, NEW.area_m2, NEW.supply_id,
            NEW.clean_checklist, NEW.parent_ids, NEW.created_at, NEW.created_by, NEW.retired_at,
            CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN NEW.geom END);
    RETURN NULL;
END $$;
CREATE TRIGGER parcel_history_updated AFTER UPDATE ON parcel FOR EACH ROW EXECUTE FUNCTION parcel_history_updated();

-- Nothing is ever deleted: parcels are retired, history and supply records only grow.
CREATE FUNCTION register_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never %d: the register keeps every past state', TG_TABLE_NAME, lower(TG_OP)
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER parcel_never_deleted BEFORE DELETE ON parcel FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER parcel_history_append_only BEFORE UPDATE OR DELETE ON parcel_history FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER parcel_supply_append_only BEFORE UPDATE OR DELETE ON parcel_supply FOR EACH ROW EXECUTE FUNCTION register_append_only();

-- The parcels registered before history was kept start it here.
INSERT INTO parcel_history (parcel_id, version, recorded_at, kind, actor, reason, details, zone_code, code, park_code,
    name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist, parent_ids,
    created_at, created_by, retired_at, geom)
SELECT id, version, updated_at, 'created', updated_by, 'registered before history was kept', '{}', zone_code, code,
       park_code, name, planned_use, actual_use, status, registered_area_m2, area_m2, supply_id, clean_checklist,
       parent_ids, created_at, created_by, retired_at, geom
FROM parcel;
