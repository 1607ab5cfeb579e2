-- Statistics brought up to date by a bulk write itself. Right after a large import the planner still saw the zone as
-- empty and put the reserve blocks' outline aggregate inside a nested loop: every block's outline drawn once per block
-- (47 s instead of 1 s on a commune of 4,200 touching parcels). Autovacuum analyses the table only a minute later; the
-- application role may not ANALYZE a table it does not own. This function, run as the owner, does it when the rows
-- written are a tenth of what the statistics know of the table or more (or the table was never analysed), and says
-- whether it did.
CREATE FUNCTION refresh_parcel_statistics(written bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    known real := (SELECT reltuples FROM pg_class WHERE oid = 'public.parcel'::regclass);
BEGIN
    IF written < 1 OR (known >= 0 AND written < 0.1 * known) THEN
        RETURN false;
    END IF;
    ANALYZE public.parcel;
    RETURN true;
END $$;

REVOKE ALL ON FUNCTION refresh_parcel_statistics(bigint) FROM PUBLIC;
