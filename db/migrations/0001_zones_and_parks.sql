-- Development zones and the parks (园区) inside them.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE zone (
    code       text PRIMARY KEY CONSTRAINT zone_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name       text NOT NULL CONSTRAINT zone_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    -- EPSG code of the zone's CGCS2000 3-degree Gauss-Krüger projection, used for survey input and true areas.
    gk_epsg    integer NOT NULL CONSTRAINT zone_gk_epsg_range CHECK (gk_epsg BETWEEN 4513 AND 4554),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    bigint NOT NULL DEFAULT 1
);

CREATE TABLE park (
    code               text PRIMARY KEY CONSTRAINT park_code_format CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    zone_code          text NOT NULL CONSTRAINT park_zone_fk REFERENCES zone (code),
    name               text NOT NULL CONSTRAINT park_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    boundary           geometry(MultiPolygon, 4326)
                       CONSTRAINT park_boundary_valid CHECK (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary)),
    leading_industries text[] NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            bigint NOT NULL DEFAULT 1,
    -- Lets parcels reference (zone, park) so a parcel can never sit in another zone's park.
    CONSTRAINT park_zone_code_unique UNIQUE (zone_code, code)
);

CREATE INDEX park_boundary_gist ON park USING gist (boundary);
