-- A run writes 100,000 result rows at once, and checking each one's run_id against job_run took twice as long as
-- writing it. The run is known to exist (the run writes its own results), runs are never deleted, and the
-- pointers that make results current (evaluation_current, idle_current) keep their checks.
ALTER TABLE evaluation_result DROP CONSTRAINT evaluation_result_run_fk;
ALTER TABLE idle_finding DROP CONSTRAINT idle_finding_run_fk;
