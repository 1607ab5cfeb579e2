-- The statistics a bulk write brings up to date (0015) are taken inside the write's own transaction, so that they are
-- visible at the moment its rows are (ANALYZE counts the rows its transaction inserted as live), and from a small sample
-- when autovacuum will analyse the table again once the write commits: its rows count towards autovacuum's threshold
-- all the same. ANALYZE reads 300 rows per unit of statistics target; with the default target, 30,000 parcels of about
-- 800 bytes took 0.2-0.5 s of every large import, where the 3,000 rows of target 10 take 20-60 ms and are enough to plan
-- the next statement (a zone's share of the table, the extent of its land). Autovacuum then takes the full sample. When
-- it will not (autovacuum off, or the rows written too few for its threshold), the full sample is taken now.
CREATE OR REPLACE FUNCTION refresh_parcel_statistics(written bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    known real := (SELECT reltuples FROM pg_class WHERE oid = 'public.parcel'::regclass);
    options text[] := (SELECT reloptions FROM pg_class WHERE oid = 'public.parcel'::regclass);
    target text := current_setting('default_statistics_target');
    autovacuum_follows boolean;
BEGIN
    IF written < 1 OR (known >= 0 AND written < 0.1 * known) THEN
        RETURN false;
    END IF;
    SELECT current_setting('autovacuum')::boolean
           AND coalesce((SELECT option_value::boolean FROM pg_options_to_table(options) WHERE option_name = 'autovacuum_enabled'), true)
           AND written > coalesce((SELECT option_value::real FROM pg_options_to_table(options) WHERE option_name = 'autovacuum_analyze_threshold'),
                                  current_setting('autovacuum_analyze_threshold')::real)
                       + coalesce((SELECT option_value::real FROM pg_options_to_table(options) WHERE option_name = 'autovacuum_analyze_scale_factor'),
                                  current_setting('autovacuum_analyze_scale_factor')::real) * (greatest(known, 0) + written)
    INTO autovacuum_follows;
    IF autovacuum_follows THEN
        PERFORM set_config('default_statistics_target', '10', true);
    END IF;
    ANALYZE public.parcel;
    PERFORM set_config('default_statistics_target', target, true);
    RETURN true;
END $$;
