-- The version of each parcel of a stored reserve block, beside its id: a block whose parcels are all still clean land
-- at these versions, with no changed parcel near it, is kept as it is when the blocks are brought up to date, so a
-- change clusters again only the land it can reach instead of the zone's whole clean land. Blocks stored before this
-- column have no versions: every one of them is clustered again at the next computation, once.
ALTER TABLE reserve_block ADD COLUMN parcel_versions bigint[] NOT NULL DEFAULT '{}';
