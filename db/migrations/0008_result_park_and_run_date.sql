-- A result belongs to one park: that of the largest parcel of the enterprise (for per-park summaries).
ALTER TABLE evaluation_result DROP COLUMN parks, ADD COLUMN park_code text;
CREATE INDEX evaluation_result_run_park ON evaluation_result (run_id, park_code, class);

-- The day an idle-land run assesses (today for the nightly run; an earlier day on request).
ALTER TABLE job_run ADD COLUMN as_of date;
