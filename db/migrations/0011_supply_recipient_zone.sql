-- A supply's recipient, when it is a registered enterprise, is an enterprise of the parcel's zone: land of one zone
-- supplied to an enterprise of another would show in that zone's enterprise records and escape both zones' evaluation.
-- Checked at commit, when the parcel and its supply record both exist (an import writes the supply first).
CREATE FUNCTION parcel_supply_recipient_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM parcel p JOIN enterprise e ON e.credit_code = NEW.recipient_credit_code
               WHERE p.id = NEW.parcel_id AND e.zone_code <> p.zone_code) THEN
        RAISE EXCEPTION 'the recipient % is not an enterprise of the zone of parcel %', NEW.recipient_credit_code, NEW.parcel_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_supply_recipient_zone', TABLE = 'parcel_supply';
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER parcel_supply_recipient_zone AFTER INSERT ON parcel_supply
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION parcel_supply_recipient_zone();
