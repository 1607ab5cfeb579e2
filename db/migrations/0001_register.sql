-- The register: development zones, their parks, land-use codes, and parcels (宗地) with their supply records.
-- Geometry is stored in WGS84 and areas are computed on the spheroid, so an area in mu is a true ground area whatever
-- CRS the survey came in.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Areas. 1 mu (亩) = 10000/15 m² exactly. Areas are kept in m² as computed; what the register shows is rounded once,
-- here: m² to 2 decimals, mu to 4 (the same rule as Area in the API).
CREATE FUNCTION mu(square_metres double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT square_metres * 0.0015 $$;

CREATE FUNCTION round_mu(square_metres double precision) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT round((square_metres * 0.0015)::numeric, 4) $$;

CREATE FUNCTION round_m2(square_metres double precision) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT round(square_metres::numeric, 2) $$;

-- A client's polygon, in the CRS it was sent in, as the register stores it: 2D, WGS84, MultiPolygon, exterior rings
-- counter-clockwise (RFC 7946).
CREATE FUNCTION register_geometry(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ST_ForcePolygonCCW(ST_Multi(ST_Force2D(ST_Transform(g, 4326))))
$$;

CREATE TABLE zone (
    code       text PRIMARY KEY CONSTRAINT zone_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name       text NOT NULL CONSTRAINT zone_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- EPSG code of the zone's CGCS2000 3-degree Gauss-Krüger projection, used for survey input and distances.
    gk_epsg    integer NOT NULL CONSTRAINT zone_gk_epsg_range CHECK (gk_epsg BETWEEN 4513 AND 4554),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version    bigint NOT NULL DEFAULT 1
);

CREATE TABLE park (
    -- Vector tiles need integer feature ids.
    id                 bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT park_id_unique UNIQUE,
    code               text PRIMARY KEY CONSTRAINT park_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    zone_code          text NOT NULL CONSTRAINT park_zone_fk REFERENCES zone (code),
    name               text NOT NULL CONSTRAINT park_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    boundary           geometry(MultiPolygon, 4326)
                       CONSTRAINT park_boundary_valid CHECK (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary)),
    leading_industries text[] NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL,
    updated_by         text NOT NULL,
    version            bigint NOT NULL DEFAULT 1,
    -- Lets parcels reference (zone, park) so a parcel can never sit in another zone's park.
    CONSTRAINT park_zone_code_unique UNIQUE (zone_code, code)
);
CREATE INDEX park_boundary_gist ON park USING gist (boundary);

-- Land-use codes. Primary codes follow the national classification for territorial spatial survey, planning and use
-- control (国土空间调查、规划、用途管制用地用海分类指南, 2023). Legacy codes of GB/T 21010-2017 (土地利用现状分类) and
-- GB 50137-2011 (城市用地分类) map onto them, so imports in either form land on a primary code. The rows: 0002.
CREATE TABLE land_use (
    code    text PRIMARY KEY CONSTRAINT land_use_code_format CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'),
    parent  text CONSTRAINT land_use_parent_fk REFERENCES land_use (code),
    name_zh text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE land_use_legacy (
    scheme   text NOT NULL CONSTRAINT land_use_legacy_scheme CHECK (scheme IN ('gbt21010', 'gb50137')),
    code     text NOT NULL,
    name_zh  text NOT NULL,
    use_code text NOT NULL CONSTRAINT land_use_legacy_use_fk REFERENCES land_use (code),
    PRIMARY KEY (scheme, code)
);

-- Status changes come in bulk from the evaluation and idle-land runs: room is left on each page (fillfactor) and no
-- index names the status, so such an update can stay on its page without touching an index (a HOT update).
CREATE TABLE parcel (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_code               text NOT NULL CONSTRAINT parcel_zone_fk REFERENCES zone (code),
    code                    text NOT NULL CONSTRAINT parcel_code_format CHECK (code ~ '^\S(.*\S)?$' AND length(code) <= 64),
    park_code               text,
    name                    text CONSTRAINT parcel_name_length CHECK (length(name) <= 200),
    planned_use             text CONSTRAINT parcel_planned_use_fk REFERENCES land_use (code),
    actual_use              text CONSTRAINT parcel_actual_use_fk REFERENCES land_use (code),
    status                  text NOT NULL CONSTRAINT parcel_status_code CHECK (status IN (
                                'raw_land', 'clean_land', 'supplied', 'under_construction', 'in_use',
                                'low_efficiency', 'idle', 'revitalizing', 'revitalized')),
    geom                    geometry(MultiPolygon, 4326) NOT NULL,
    -- On the spheroid, kept by parcel_before_write when the geometry is written.
    area_m2                 double precision NOT NULL,
    registered_area_m2      numeric(14, 2) CONSTRAINT parcel_registered_area_positive CHECK (registered_area_m2 > 0),
    -- The current supply record (出让 / 划拨); supply records are never changed, a correction adds one.
    supply_id               bigint,
    -- The clean-land checklist confirmed when the parcel became clean land.
    clean_checklist         jsonb,
    -- When construction started (开工), from the transition to under_construction or a construction report.
    construction_started_on date,
    -- Lineage: the parcels this one was split or merged from.
    parent_ids              bigint[] NOT NULL DEFAULT '{}',
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    retired_at              timestamptz,
    created_by              text NOT NULL,
    updated_by              text NOT NULL,
    version                 bigint NOT NULL DEFAULT 1,
    CONSTRAINT parcel_park_fk FOREIGN KEY (zone_code, park_code) REFERENCES park (zone_code, code)
) WITH (fillfactor = 85);

-- 宗地编号 is unique within a zone, retired parcels included: codes are never reused.
CREATE UNIQUE INDEX parcel_code_unique ON parcel (zone_code, code);
CREATE INDEX parcel_geom_gist ON parcel USING gist (geom);
CREATE INDEX parcel_planned_use ON parcel (planned_use text_pattern_ops) WHERE retired_at IS NULL;
CREATE INDEX parcel_park ON parcel (park_code) WHERE retired_at IS NULL;
CREATE INDEX parcel_area ON parcel (area_m2) WHERE retired_at IS NULL;
CREATE INDEX parcel_parents ON parcel USING gin (parent_ids) WHERE parent_ids <> '{}';
-- The evaluation and idle-land runs read a zone's supplied parcels; the index names no column a status change touches.
CREATE INDEX parcel_supplied ON parcel (zone_code, supply_id) WHERE supply_id IS NOT NULL AND retired_at IS NULL;
-- Clean land, a few percent of the parcels: found by zone and area, and nearest first.
CREATE INDEX parcel_clean ON parcel (zone_code, area_m2) WHERE status = 'clean_land' AND retired_at IS NULL;
CREATE INDEX parcel_clean_geog ON parcel USING gist ((geom::geography)) WHERE status = 'clean_land' AND retired_at IS NULL;

-- Versions and timestamps are the database's business: every update is a new version. The geometry is checked, and
-- its area computed, only when it is written: a status change pays for neither.
CREATE FUNCTION parcel_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom THEN
        IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
            RAISE EXCEPTION 'parcel geometry is not a valid polygon: %', ST_IsValidReason(NEW.geom)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_valid', TABLE = 'parcel', COLUMN = 'geom';
        END IF;
        NEW.area_m2 := ST_Area(NEW.geom::geography, true);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER parcel_before_write BEFORE INSERT OR UPDATE ON parcel FOR EACH ROW EXECUTE FUNCTION parcel_before_write();

-- Supply records (出让 / 划拨) with the commitments of the contract (标准地).
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
CREATE INDEX parcel_supply_recipient ON parcel_supply (recipient_credit_code);
ALTER TABLE parcel ADD CONSTRAINT parcel_supply_fk FOREIGN KEY (supply_id) REFERENCES parcel_supply (id);
