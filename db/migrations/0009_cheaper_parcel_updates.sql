-- Status changes come in bulk from the evaluation and idle-land runs. PostgreSQL recomputes a stored generated
-- column and re-checks every CHECK constraint on every update, so each status change paid for a geodesic area
-- and a validity test of the unchanged geometry. Both now run only when the geometry changes; and with the
-- status index gone (a status alone selects too much to use it) and room left on each page, such an update can
-- stay on its page without touching any index (a HOT update).
ALTER TABLE parcel ALTER COLUMN area_m2 DROP EXPRESSION;
ALTER TABLE parcel DROP CONSTRAINT parcel_geom_valid;
DROP INDEX parcel_status;
ALTER TABLE parcel SET (fillfactor = 85);

CREATE FUNCTION parcel_geometry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom THEN
        IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
            RAISE EXCEPTION 'parcel geometry is not a valid polygon: %', ST_IsValidReason(NEW.geom)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_valid', TABLE = 'parcel', COLUMN = 'geom';
        END IF;
        NEW.area_m2 := ST_Area(NEW.geom::geography, true);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER parcel_geometry BEFORE INSERT OR UPDATE ON parcel FOR EACH ROW EXECUTE FUNCTION parcel_geometry();
