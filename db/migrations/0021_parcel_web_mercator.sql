-- Each parcel's geometry in Web Mercator, kept by PostgreSQL beside the WGS84 one, for the vector tiles of the present:
-- a tile of 8,000 parcels spent a fifth of its statement reprojecting them (108 against 86 ms in pgbench, z12). A
-- generated column cannot fall out of step with `geom`; the tiles of the past, read from the history, still
-- reproject theirs.
ALTER TABLE parcel ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
