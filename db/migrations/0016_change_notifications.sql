-- Change notifications: every instance of the API LISTENs on register_change and drops what it keeps in memory of the
-- changed rows (the tiles that show them, the keys it has verified), so a cached answer needs no database round trip to
-- know it is still current. One notification per statement, not per row: a bulk write of 100,000 parcels sends one,
-- with the extent of every row it wrote (old and new geometries alike). The payload is the table's name, then either
-- the extent "west south east north" (degrees), or "*" for "anything may have changed" (TRUNCATE). NOTIFY is delivered
-- at commit, in commit order, and never for a transaction rolled back.

CREATE FUNCTION notify_extent_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    column_name text := TG_ARGV[0];
    extent box2d;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('register_change', TG_TABLE_NAME || ' *');
        RETURN NULL;
    END IF;
    EXECUTE format(CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT ST_Extent(%1$I) FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT ST_Extent(%1$I) FROM old_rows'
        ELSE 'SELECT ST_Extent(g) FROM (SELECT %1$I AS g FROM old_rows UNION ALL SELECT %1$I FROM new_rows) r' END, column_name)
        INTO extent;
    IF extent IS NOT NULL THEN
        PERFORM pg_notify('register_change', format('%s %s %s %s %s', TG_TABLE_NAME,
            ST_XMin(extent), ST_YMin(extent), ST_XMax(extent), ST_YMax(extent)));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER parcel_changed_inserted AFTER INSERT ON parcel
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('geom');
CREATE TRIGGER parcel_changed_updated AFTER UPDATE ON parcel
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('geom');
CREATE TRIGGER parcel_changed_deleted AFTER DELETE ON parcel
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('geom');
CREATE TRIGGER parcel_changed_truncated AFTER TRUNCATE ON parcel FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('geom');

CREATE TRIGGER park_changed_inserted AFTER INSERT ON park
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('boundary');
CREATE TRIGGER park_changed_updated AFTER UPDATE ON park
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('boundary');
CREATE TRIGGER park_changed_deleted AFTER DELETE ON park
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('boundary');
CREATE TRIGGER park_changed_truncated AFTER TRUNCATE ON park FOR EACH STATEMENT EXECUTE FUNCTION notify_extent_changed('boundary');

-- Keys: any change at all (made, revoked, expiry moved, rotated) drops every instance's verified keys.
CREATE FUNCTION notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('register_change', TG_TABLE_NAME || ' *');
    RETURN NULL;
END $$;

CREATE TRIGGER api_key_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_key
    FOR EACH STATEMENT EXECUTE FUNCTION notify_changed();
