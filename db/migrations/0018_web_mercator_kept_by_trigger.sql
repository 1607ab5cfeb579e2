-- A stored generated column is recomputed on every update of its row: each of the thousands of status changes
-- an evaluation or idle-land run makes paid a transform. The Web Mercator copy is now kept by the parcel's BEFORE
-- trigger, only when the geometry is written.
ALTER TABLE parcel ALTER COLUMN geom_3857 DROP EXPRESSION;

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
    END IF;
    RETURN NEW;
END $$;
