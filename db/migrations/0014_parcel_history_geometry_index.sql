-- Tiles of a past date: the parcels whose geometry, in any version, touches the tile, found by an index on the
-- versions that changed the geometry (the others hold none).
CREATE INDEX parcel_history_geom ON parcel_history USING gist (geom) WHERE geom IS NOT NULL;
