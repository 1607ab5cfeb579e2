-- The live parcels of each zone, kept by the parcel table's own statements, so that an unfiltered list's exact count
-- (numberMatched) reads a row per zone instead of every parcel: counting a zone of 1,000,000 parcels took 40 ms of CPU
-- on every page, and 200 readers at once took the whole machine. Only a parcel created, retired (or brought back) or
-- moved to another zone changes a count; status changes, the nightly runs' bulk of writes, never write this table, so
-- they never wait on its rows.
CREATE TABLE parcel_count (
    zone_code text PRIMARY KEY CONSTRAINT parcel_count_zone_fk REFERENCES zone (code),
    live      bigint NOT NULL CONSTRAINT parcel_count_not_negative CHECK (live >= 0)
);

INSERT INTO parcel_count (zone_code, live)
SELECT zone_code, count(*) FROM parcel WHERE retired_at IS NULL GROUP BY zone_code;

CREATE FUNCTION parcel_count_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO parcel_count AS c (zone_code, live)
        SELECT zone_code, count(*) FROM new_rows WHERE retired_at IS NULL GROUP BY zone_code ORDER BY zone_code
        ON CONFLICT (zone_code) DO UPDATE SET live = c.live + excluded.live;
    ELSE
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
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER parcel_count_inserted AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_count_changed();
CREATE TRIGGER parcel_count_updated AFTER UPDATE ON parcel
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_count_changed();
