-- The parcel register (宗地). Geometry is stored in WGS84 and areas are computed on the spheroid,
-- so an area in mu is a true ground area whatever CRS the survey came in.

-- A client's polygon, in the CRS it was sent in, as the register stores it: 2D, WGS84,
-- MultiPolygon, exterior rings counter-clockwise (RFC 7946).
CREATE FUNCTION register_geometry(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ST_ForcePolygonCCW(ST_Multi(ST_Force2D(ST_Transform(g, 4326))))
$$;

CREATE TABLE parcel (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_code          text NOT NULL CONSTRAINT parcel_zone_fk REFERENCES zone (code),
    code               text NOT NULL CONSTRAINT parcel_code_format CHECK (code ~ '^\S(.*\S)?$' AND length(code) <= 64),
    park_code          text,
    name               text CONSTRAINT parcel_name_length CHECK (length(name) <= 200),
    planned_use        text CONSTRAINT parcel_planned_use_fk REFERENCES land_use (code),
    actual_use         text CONSTRAINT parcel_actual_use_fk REFERENCES land_use (code),
    status             text NOT NULL CONSTRAINT parcel_status_code CHECK (status IN (
                           'raw_land', 'clean_land', 'supplied', 'under_construction', 'in_use',
                           'low_efficiency', 'idle', 'revitalizing', 'revitalized')),
    geom               geometry(MultiPolygon, 4326) NOT NULL
                       CONSTRAINT parcel_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    area_m2            double precision NOT NULL GENERATED ALWAYS AS (ST_Area(geom::geography, true)) STORED,
    registered_area_m2 numeric(14, 2) CONSTRAINT parcel_registered_area_positive CHECK (registered_area_m2 > 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    retired_at         timestamptz,
    version            bigint NOT NULL DEFAULT 1,
    CONSTRAINT parcel_park_fk FOREIGN KEY (zone_code, park_code) REFERENCES park (zone_code, code)
);

-- 宗地编号 is unique within a zone, retired parcels included: codes are never reused.
CREATE UNIQUE INDEX parcel_code_unique ON parcel (zone_code, code);
CREATE INDEX parcel_geom_gist ON parcel USING gist (geom);
CREATE INDEX parcel_status ON parcel (status) WHERE retired_at IS NULL;
CREATE INDEX parcel_planned_use ON parcel (planned_use text_pattern_ops) WHERE retired_at IS NULL;
CREATE INDEX parcel_park ON parcel (park_code) WHERE retired_at IS NULL;
CREATE INDEX parcel_area ON parcel (area_m2) WHERE retired_at IS NULL;
