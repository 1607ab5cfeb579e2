-- Reserve blocks are recomputed in well under the time copying every clean parcel took: the search reads
-- single clean parcels from the parcel table (through partial indexes on clean land), and reserve_block
-- keeps the blocks alone. A block's merged outline is kept with the content it was drawn from (its
-- parcels and their versions) and reused while that content is unchanged, so a change redraws only the
-- blocks it touches.
DROP TABLE reserve_item;
DELETE FROM reserve_set;

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
    -- Only for blocks of more than one parcel, which the search reaches through this index.
    geog           geography,
    -- Checked at the end of the statement that replaces a zone's blocks (deleting and inserting the same ids).
    PRIMARY KEY (zone_code, land_uses, gap_m, block_id) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX reserve_block_geog ON reserve_block USING gist (geog) WHERE geog IS NOT NULL;

-- Clean land, a few percent of the parcels: found by zone and area, and nearest first.
CREATE INDEX parcel_clean ON parcel (zone_code, area_m2) WHERE status = 'clean_land' AND retired_at IS NULL;
CREATE INDEX parcel_clean_geog ON parcel USING gist ((geom::geography)) WHERE status = 'clean_land' AND retired_at IS NULL;
