-- Contiguous clean-land reserves (集中连片净地), the yearly reserve target, and premises (buildings and factory floors).

-- A zone's clean-land generation: bumped by every change that touches clean land, so the blocks computed from it are
-- known to be current exactly while the generation they were computed at still holds.
CREATE TABLE land_generation (
    zone_code  text PRIMARY KEY CONSTRAINT land_generation_zone_fk REFERENCES zone (code),
    generation bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION land_generation_bump(zone text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO land_generation (zone_code, generation) VALUES (zone, 1)
    ON CONFLICT (zone_code) DO UPDATE SET generation = land_generation.generation + 1
$$;

CREATE FUNCTION clean_land_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM land_generation_bump(NEW.zone_code);
    RETURN NULL;
END $$;
-- The WHEN clause keeps every other update (the evaluation and idle-land runs) free of the call.
CREATE TRIGGER clean_land_updated AFTER UPDATE ON parcel FOR EACH ROW
    WHEN (OLD.status = 'clean_land' OR NEW.status = 'clean_land') EXECUTE FUNCTION clean_land_updated();

CREATE FUNCTION clean_land_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM land_generation_bump(z.zone_code) FROM (SELECT DISTINCT zone_code FROM inserted WHERE status = 'clean_land') z;
    RETURN NULL;
END $$;
CREATE TRIGGER clean_land_inserted AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION clean_land_inserted();

-- The rules (zone, land uses, gap) whose blocks are computed, and the generation they were computed at.
CREATE TABLE reserve_set (
    zone_code   text NOT NULL,
    land_uses   text NOT NULL,
    gap_m       numeric(8, 2) NOT NULL,
    generation  bigint NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    seconds     double precision NOT NULL,
    PRIMARY KEY (zone_code, land_uses, gap_m)
);

-- The blocks of a rule. A block's merged outline is kept with the content it was drawn from (its parcels and their
-- versions) and reused while that content is unchanged, so a change redraws only the blocks it touches. Single clean
-- parcels are found in the parcel table itself, through its partial indexes on clean land.
CREATE TABLE reserve_block (
    zone_code      text NOT NULL,
    land_uses      text NOT NULL,
    gap_m          numeric(8, 2) NOT NULL,
    block_id       text NOT NULL,
    content        text NOT NULL,
    parcel_count   integer NOT NULL,
    area_m2        double precision NOT NULL,
    parcel_ids     bigint[] NOT NULL,
    parcel_codes   text[] NOT NULL,
    park_codes     text[] NOT NULL,
    land_use_codes text[] NOT NULL,
    geom           geometry(MultiPolygon, 4326) NOT NULL,
    -- Only for blocks of more than one parcel, which the available-land search reaches through this index.
    geog           geography,
    -- Checked at the end of the statement that replaces a rule's blocks (deleting and inserting the same ids).
    PRIMARY KEY (zone_code, land_uses, gap_m, block_id) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX reserve_block_geog ON reserve_block USING gist (geog) WHERE geog IS NOT NULL;
CREATE INDEX reserve_block_geom ON reserve_block USING gist (geom);

-- The yearly target per zone: at least min_blocks blocks of at least min_area_mu each.
CREATE TABLE reserve_target (
    zone_code   text NOT NULL CONSTRAINT reserve_target_zone_fk REFERENCES zone (code),
    year        integer NOT NULL CONSTRAINT reserve_target_year CHECK (year BETWEEN 2000 AND 2100),
    min_blocks  integer NOT NULL CONSTRAINT reserve_target_blocks CHECK (min_blocks BETWEEN 0 AND 1000),
    min_area_mu numeric(10, 2) NOT NULL CONSTRAINT reserve_target_area CHECK (min_area_mu > 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (zone_code, year)
);

-- Buildings and factory floors, often owned by a platform company (平台公司) and leased out.
CREATE TABLE premises (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_code            text NOT NULL CONSTRAINT premises_zone_fk REFERENCES zone (code),
    code                 text NOT NULL CONSTRAINT premises_code_format CHECK (code ~ '^\S(.*\S)?$' AND length(code) <= 64),
    parcel_id            bigint NOT NULL CONSTRAINT premises_parcel_fk REFERENCES parcel (id),
    name                 text CONSTRAINT premises_name_length CHECK (length(name) <= 200),
    owner_name           text CONSTRAINT premises_owner_length CHECK (length(owner_name) <= 200),
    owner_kind           text CONSTRAINT premises_owner_kind CHECK (owner_kind IN ('platform_company', 'enterprise', 'government', 'other')),
    owner_credit_code    text CONSTRAINT premises_owner_code CHECK (owner_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    floor_area_m2        numeric(12, 2) NOT NULL CONSTRAINT premises_floor_area CHECK (floor_area_m2 > 0),
    floors               integer CONSTRAINT premises_floors CHECK (floors BETWEEN 1 AND 200),
    built_year           integer CONSTRAINT premises_built_year CHECK (built_year BETWEEN 1900 AND 2100),
    condition            text CONSTRAINT premises_condition CHECK (condition IN ('good', 'fair', 'poor', 'dilapidated')),
    vacancy              text NOT NULL CONSTRAINT premises_vacancy CHECK (vacancy IN ('vacant', 'partly_leased', 'leased', 'self_used')),
    vacant_floor_area_m2 numeric(12, 2) NOT NULL DEFAULT 0
                         CONSTRAINT premises_vacant_area CHECK (vacant_floor_area_m2 >= 0 AND vacant_floor_area_m2 <= floor_area_m2),
    vacant_since         date,
    footprint            geometry(MultiPolygon, 4326) NOT NULL
                         CONSTRAINT premises_footprint_valid CHECK (ST_IsValid(footprint) AND NOT ST_IsEmpty(footprint)),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    retired_at           timestamptz,
    created_by           text NOT NULL,
    updated_by           text NOT NULL,
    version              bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX premises_code_unique ON premises (zone_code, code);
CREATE INDEX premises_parcel ON premises (parcel_id);
CREATE INDEX premises_footprint ON premises USING gist (footprint);
CREATE INDEX premises_vacant ON premises (zone_code, vacant_floor_area_m2) WHERE retired_at IS NULL AND vacant_floor_area_m2 > 0;

-- Every version of every premises, as for parcels: the row as it became, and the footprint when it changed.
CREATE TABLE premises_history (
    premises_id bigint NOT NULL,
    version     bigint NOT NULL,
    recorded_at timestamptz NOT NULL,
    kind        text NOT NULL,
    actor       text NOT NULL,
    reason      text,
    zone_code   text NOT NULL,
    state       jsonb NOT NULL,
    footprint   geometry(MultiPolygon, 4326),
    PRIMARY KEY (premises_id, version)
);

CREATE FUNCTION premises_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER premises_before_write BEFORE INSERT OR UPDATE ON premises FOR EACH ROW EXECUTE FUNCTION premises_before_write();

CREATE FUNCTION premises_history_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO premises_history (premises_id, version, recorded_at, kind, actor, reason, zone_code, state, footprint)
    VALUES (NEW.id, NEW.version, NEW.updated_at,
            coalesce(change ->> 'kind', CASE WHEN TG_OP = 'INSERT' THEN 'created'
                                            WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', NEW.zone_code, to_jsonb(NEW) - 'footprint',
            CASE WHEN TG_OP = 'INSERT' OR NEW.footprint IS DISTINCT FROM OLD.footprint THEN NEW.footprint END);
    RETURN NULL;
END $$;
CREATE TRIGGER premises_history_written AFTER INSERT OR UPDATE ON premises FOR EACH ROW EXECUTE FUNCTION premises_history_written();
CREATE TRIGGER premises_never_deleted BEFORE DELETE ON premises FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER premises_history_append_only BEFORE UPDATE OR DELETE ON premises_history FOR EACH ROW EXECUTE FUNCTION register_append_only();
