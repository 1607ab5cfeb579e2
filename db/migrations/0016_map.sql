-- The map: vector tiles need integer feature ids and an index for each layer's geometry.
ALTER TABLE park ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE park ADD CONSTRAINT park_id_unique UNIQUE (id);
CREATE INDEX reserve_block_geom ON reserve_block USING gist (geom);
