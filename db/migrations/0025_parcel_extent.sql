-- The extent of each zone's live parcels, kept beside their count (migration 0017) by the parcel table's own
-- statements, so that the bounds clients ask for (an OGC collection's extent, TileJSON's bounds, a zone's bbox) read a
-- row per zone instead of every parcel. The extent of 1,000,000 parcels took 1.1 s of a full scan with the table in
-- memory and 87 s with it on disk (the request gave up at 30 s), and every instance computed it again each minute.
-- Exact at every commit:
--   * an insert widens its zones' extents by the rows it adds;
--   * an update that redraws, moves to another zone, retires or brings back a parcel widens the extent of the zone it
--     lands in by the rows it wrote, and measures a zone again only when a parcel that left it (or was redrawn) lay on
--     its edge, where the extent may shrink: each side through the spatial index (parcel_zone_extent), as a scan of
--     the zone's parcels took 0.78 s for a zone of a million with the table in memory, and minutes from disk;
--   * status changes, the nightly runs' bulk of writes, neither read nor write the extents.
-- The rows an update touched are named by parcel_before_write in two settings local to the transaction, which the
-- statement's trigger reads and clears: the statement's transition tables alone would need old and new rows joined on
-- every bulk status change to find the few that moved.
ALTER TABLE parcel_count ADD COLUMN extent box2d;

UPDATE parcel_count c SET extent = e.extent
FROM (SELECT zone_code, ST_Extent(geom) AS extent FROM parcel WHERE retired_at IS NULL GROUP BY zone_code) e
WHERE c.zone_code = e.zone_code;

-- The smallest box that holds both (a null box holds nothing).
CREATE FUNCTION box_union(a box2d, b box2d) RETURNS box2d LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
                ELSE ST_MakeBox2D(ST_MakePoint(least(ST_XMin(a), ST_XMin(b)), least(ST_YMin(a), ST_YMin(b))),
                                  ST_MakePoint(greatest(ST_XMax(a), ST_XMax(b)), greatest(ST_YMax(a), ST_YMax(b)))) END
$$;

-- The exact extent of the zone's live parcels, all of which lie in frame (null: none). Each side is found through the
-- spatial index, in a strip along that side of the frame that doubles in width until it meets a parcel of the zone:
-- every parcel whose own side lies in the strip overlaps it, so the first strip that meets one holds the outermost.
-- Each strip is planned for its own bounds (EXECUTE), never on a generic plan.
CREATE FUNCTION parcel_zone_extent(zone text, frame box2d) RETURNS box2d LANGUAGE plpgsql STABLE AS $$
DECLARE
    west  double precision := ST_XMin(frame);
    south double precision := ST_YMin(frame);
    east  double precision := ST_XMax(frame);
    north double precision := ST_YMax(frame);
    side  double precision[] := '{}';
    step  double precision;
    found double precision;
    k     int;
BEGIN
    IF frame IS NULL THEN
        RETURN NULL;
    END IF;
    FOR k IN 1..4 LOOP
        step := greatest(east - west, north - south) / 1024;
        LOOP
            EXECUTE format('SELECT %s FROM parcel WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND zone_code = $5 AND retired_at IS NULL',
                           (ARRAY['min(ST_XMin(geom))', 'min(ST_YMin(geom))', 'max(ST_XMax(geom))', 'max(ST_YMax(geom))'])[k])
                INTO found
                USING CASE k WHEN 3 THEN east - step ELSE west END, CASE k WHEN 4 THEN north - step ELSE south END,
                      CASE k WHEN 1 THEN west + step ELSE east END, CASE k WHEN 2 THEN south + step ELSE north END, zone;
            EXIT WHEN found IS NOT NULL OR step >= (CASE WHEN k IN (1, 3) THEN east - west ELSE north - south END);
            step := step * 2;
        END LOOP;
        IF found IS NULL THEN
            RETURN NULL;
        END IF;
        side := side || found;
    END LOOP;
    RETURN ST_MakeBox2D(ST_MakePoint(side[1], side[2]), ST_MakePoint(side[3], side[4]));
END $$;

-- Adds a zone to the list of zones kept in the transaction's setting, once.
CREATE FUNCTION parcel_extent_note(setting text, zone text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    zones text[] := coalesce(nullif(current_setting(setting, true), '')::text[], '{}');
BEGIN
    IF NOT zone = ANY(zones) THEN
        PERFORM set_config(setting, array_append(zones, zone)::text, true);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION parcel_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    redrawn boolean := TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    IF redrawn THEN
        IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
            RAISE EXCEPTION 'parcel geometry is not a valid polygon: %', ST_IsValidReason(NEW.geom)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_valid', TABLE = 'parcel', COLUMN = 'geom';
        END IF;
        NEW.area_m2 := ST_Area(NEW.geom::geography, true);
        NEW.geom_3857 := ST_Transform(NEW.geom, 3857);
    ELSE
        NEW.geom_3857 := OLD.geom_3857;
    END IF;
    -- Where the zones' extents may change (parcel_count_changed measures them at the statement's end).
    IF TG_OP = 'UPDATE' AND (redrawn OR NEW.zone_code <> OLD.zone_code OR (NEW.retired_at IS NULL) <> (OLD.retired_at IS NULL)) THEN
        IF NEW.retired_at IS NULL THEN
            PERFORM parcel_extent_note('landregister.extent_widened', NEW.zone_code);
        END IF;
        IF OLD.retired_at IS NULL AND EXISTS (
            SELECT 1 FROM parcel_count c
            WHERE c.zone_code = OLD.zone_code
              AND (c.extent IS NULL OR ST_XMin(OLD.geom) <= ST_XMin(c.extent) OR ST_YMin(OLD.geom) <= ST_YMin(c.extent)
                   OR ST_XMax(OLD.geom) >= ST_XMax(c.extent) OR ST_YMax(OLD.geom) >= ST_YMax(c.extent))) THEN
            PERFORM parcel_extent_note('landregister.extent_remeasured', OLD.zone_code);
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION parcel_count_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    widened text[];
    remeasured text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO parcel_count AS c (zone_code, live, extent)
        SELECT zone_code, count(*), ST_Extent(geom) FROM new_rows WHERE retired_at IS NULL GROUP BY zone_code ORDER BY zone_code
        ON CONFLICT (zone_code) DO UPDATE SET live = c.live + excluded.live, extent = box_union(c.extent, excluded.extent);
        RETURN NULL;
    END IF;
    -- A count going down cannot go through INSERT … ON CONFLICT (the row proposed, negative, fails the check first).
    INSERT INTO parcel_count (zone_code, live)
    SELECT DISTINCT zone_code, 0 FROM new_rows WHERE retired_at IS NULL ORDER BY zone_code
    ON CONFLICT (zone_code) DO NOTHING;
    UPDATE parcel_count c SET live = c.live + d.delta
    FROM (SELECT zone_code, sum(delta) AS delta FROM (
              SELECT zone_code, 1 AS delta FROM new_rows WHERE retired_at IS NULL
              UNION ALL
              SELECT zone_code, -1 FROM old_rows WHERE retired_at IS NULL) r
          GROUP BY zone_code HAVING sum(delta) <> 0) d
    WHERE c.zone_code = d.zone_code;

    widened := nullif(current_setting('landregister.extent_widened', true), '')::text[];
    remeasured := coalesce(nullif(current_setting('landregister.extent_remeasured', true), '')::text[], '{}');
    IF widened IS NULL AND cardinality(remeasured) = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('landregister.extent_widened', '', true), set_config('landregister.extent_remeasured', '', true);
    -- A zone measured again lies within its old extent and the rows the statement wrote to it.
    UPDATE parcel_count c SET extent = parcel_zone_extent(c.zone_code, box_union(c.extent,
        (SELECT ST_Extent(n.geom) FROM new_rows n WHERE n.zone_code = c.zone_code AND n.retired_at IS NULL)))
    WHERE c.zone_code = ANY(remeasured);
    UPDATE parcel_count c SET extent = box_union(c.extent, n.extent)
    FROM (SELECT zone_code, ST_Extent(geom) AS extent FROM new_rows
          WHERE retired_at IS NULL AND zone_code = ANY(widened) AND NOT zone_code = ANY(remeasured)
          GROUP BY zone_code) n
    WHERE c.zone_code = n.zone_code;
    RETURN NULL;
END $$;
