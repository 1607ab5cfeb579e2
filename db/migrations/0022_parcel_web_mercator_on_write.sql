-- The Web Mercator geometry of migration 0021 is kept by parcel_before_write, like the area: computed only when the
-- geometry is written. As a generated column PostgreSQL recomputed it on every update, so the runs' bulk status
-- changes (30,000 parcels in an idle-land run) reprojected every parcel they touched, and the first reprojection in a
-- database session sets PROJ up (a tenth of a second or more). An update cannot set it apart from its geometry.
ALTER TABLE parcel ALTER COLUMN geom_3857 DROP EXPRESSION;
ALTER TABLE parcel ALTER COLUMN geom_3857 SET NOT NULL;

CREATE OR REPLACE FUNCTION parcel_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
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
        NEW.geom_3857 := ST_Transform(NEW.geom, 3857);
    ELSE
        NEW.geom_3857 := OLD.geom_3857;
    END IF;
    RETURN NEW;
END $$;
