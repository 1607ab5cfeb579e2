-- The background jobs move from Quartz to Hangfire, whose tables live in the schema "hangfire" (created by Hangfire at
-- start-up). Quartz's tables go. A run is worked on under a lease: the claim of one execution on one node.
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'qrtz\_%' LOOP
        EXECUTE format('DROP TABLE %I CASCADE', t);
    END LOOP;
END $$;

ALTER TABLE job_run ADD COLUMN lease uuid;
