-- One BEFORE trigger per parcel write instead of two: runs change tens of thousands of statuses at once, and each
-- trigger call costs. Results are read by run, so the other indexes of evaluation_result only slowed its writes.
DROP TRIGGER parcel_next_version ON parcel;
DROP TRIGGER parcel_geometry ON parcel;
DROP FUNCTION parcel_next_version();
DROP FUNCTION parcel_geometry();

CREATE FUNCTION parcel_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
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
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER parcel_before_write BEFORE INSERT OR UPDATE ON parcel FOR EACH ROW EXECUTE FUNCTION parcel_before_write();

DROP INDEX evaluation_result_lookup;
DROP INDEX evaluation_result_run_park;
