-- Tiles find their parcels through the WGS84 index (as fast: the cost of a tile is in its rows, not in finding
-- them) and draw them from the stored Web Mercator copy. A second spatial index only made every write dearer:
-- the status changes of evaluation and idle-land runs each paid an insert into it.
DROP INDEX parcel_geom_3857;
