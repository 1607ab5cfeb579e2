CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public;

COMMENT ON EXTENSION postgis IS 'PostGIS geometry and geography spatial types and functions';

CREATE FUNCTION public.allocate_rent_payment(payment bigint, bill_ids bigint[]) RETURNS numeric
    LANGUAGE plpgsql
    AS $$
DECLARE
    p rent_payment;
    b record;
    left_over numeric;
    part numeric;
BEGIN
    SELECT * INTO p FROM rent_payment WHERE id = payment FOR UPDATE;
    left_over := p.amount_yuan - p.allocated_yuan;
    FOR b IN
        SELECT r.id, r.amount_yuan - r.paid_yuan AS open
        FROM rent_bill r
        WHERE r.settled_on IS NULL AND r.closed_by IS NULL AND r.zone_code = p.zone_code
          AND (CASE WHEN bill_ids IS NOT NULL THEN r.id = ANY(bill_ids) ELSE r.lease_id = p.lease_id END)
        ORDER BY CASE WHEN bill_ids IS NOT NULL THEN array_position(bill_ids, r.id) END, r.due_on, r.id
        FOR UPDATE OF r
    LOOP
        EXIT WHEN left_over <= 0;
        part := least(left_over, b.open);
        INSERT INTO rent_allocation (payment_id, bill_id, amount_yuan, paid_on) VALUES (p.id, b.id, part, p.paid_on);
        UPDATE rent_bill SET paid_yuan = paid_yuan + part,
                             settled_on = CASE WHEN paid_yuan + part = amount_yuan THEN p.paid_on END
        WHERE id = b.id;
        left_over := left_over - part;
    END LOOP;
    UPDATE rent_payment SET allocated_yuan = amount_yuan - left_over WHERE id = p.id;
    RETURN p.amount_yuan - p.allocated_yuan - left_over;
END $$;

CREATE FUNCTION public.box_union(a public.box2d, b public.box2d) RETURNS public.box2d
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a
                ELSE ST_MakeBox2D(ST_MakePoint(least(ST_XMin(a), ST_XMin(b)), least(ST_YMin(a), ST_YMin(b))),
                                  ST_MakePoint(greatest(ST_XMax(a), ST_XMax(b)), greatest(ST_YMax(a), ST_YMax(b)))) END
$$;

CREATE FUNCTION public.clean_land_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM land_generation_bump(z.zone_code) FROM (SELECT DISTINCT zone_code FROM inserted WHERE status = 'clean_land') z;
    RETURN NULL;
END $$;

CREATE FUNCTION public.clean_land_updated() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM land_generation_bump(NEW.zone_code);
    RETURN NULL;
END $$;

CREATE FUNCTION public.generate_rent_bills(zone text, lease_ids bigint[], from_day date, through_day date) RETURNS bigint
    LANGUAGE sql
    AS $$
    WITH leases AS (
        SELECT l.id, l.zone_code, l.starts_on, lease_last_day(l) AS last_day, l.payment_timing, l.rent_free_months, l.escalation_pct,
               CASE l.schedule WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 WHEN 'half_yearly' THEN 6 ELSE 12 END AS step,
               CASE l.rent_basis WHEN 'per_year' THEN l.rent * 10000 / 12 ELSE l.rent * l.area_m2 END AS monthly
        FROM lease l
        WHERE l.status IN ('active', 'ended', 'terminated') AND (zone IS NULL OR l.zone_code = zone)
          AND (lease_ids IS NULL OR l.id = ANY(lease_ids))
          AND l.starts_on <= through_day AND lease_last_day(l) >= from_day - interval '1 year'),
    -- Only the periods that may fall due in [from, through]: from a period before the one the first day falls in to
    -- the one after the last day's, and none past the lease's end.
    spans AS (
        SELECT l.*,
               ((extract(year FROM age(l.last_day + 1, l.starts_on)) * 12 + extract(month FROM age(l.last_day + 1, l.starts_on)))::integer
                + CASE WHEN extract(day FROM age(l.last_day + 1, l.starts_on)) > 0 THEN 1 ELSE 0 END) AS months,
               (extract(year FROM from_day) * 12 + extract(month FROM from_day) - extract(year FROM l.starts_on) * 12 - extract(month FROM l.starts_on))::integer AS m_from,
               (extract(year FROM through_day) * 12 + extract(month FROM through_day) - extract(year FROM l.starts_on) * 12 - extract(month FROM l.starts_on))::integer AS m_through
        FROM leases l),
    periods AS (
        SELECT l.*, k, (l.starts_on + make_interval(months => k))::date AS period_start,
               least((l.starts_on + make_interval(months => k + l.step))::date - 1, l.last_day) AS period_end
        FROM spans l
        CROSS JOIN LATERAL generate_series(greatest(0, (l.m_from - 1 - l.step) / l.step * l.step), least(l.months - 1, l.m_through + 1), l.step) AS k),
    due AS (
        SELECT p.*, CASE WHEN p.payment_timing = 'advance' THEN p.period_start ELSE p.period_end END AS due_on
        FROM periods p),
    billed AS (
        SELECT d.id, d.zone_code, d.period_start, d.period_end, d.due_on,
               round(sum(CASE WHEN m < d.rent_free_months THEN 0
                              ELSE d.monthly * power(1 + d.escalation_pct / 100, m / 12)
                                   -- A last month cut short by the lease's end is billed for its days.
                                   * least(1, ((d.last_day - (d.starts_on + make_interval(months => m))::date + 1)::numeric
                                               / ((d.starts_on + make_interval(months => m + 1))::date - (d.starts_on + make_interval(months => m))::date))) END), 2) AS amount
        FROM due d
        CROSS JOIN LATERAL generate_series(d.k, d.k + d.step - 1) AS m
        WHERE d.due_on BETWEEN from_day AND through_day AND (d.starts_on + make_interval(months => m))::date <= d.last_day
        GROUP BY d.id, d.zone_code, d.period_start, d.period_end, d.due_on),
    made AS (
        INSERT INTO rent_bill (lease_id, zone_code, kind, period_start, period_end, due_on, amount_yuan)
        SELECT id, zone_code, 'rent', period_start, period_end, due_on, amount FROM billed WHERE amount > 0
        ON CONFLICT (lease_id, period_start) WHERE kind = 'rent' DO NOTHING
        RETURNING 1)
    SELECT count(*) FROM made
$$;

CREATE FUNCTION public.land_generation_bump(zone text) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO land_generation (zone_code, generation) VALUES (zone, 1)
    ON CONFLICT (zone_code) DO UPDATE SET generation = land_generation.generation + 1
$$;

CREATE FUNCTION public.lease_before_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE public.lease (
    id bigint NOT NULL,
    zone_code text NOT NULL,
    premises_id bigint,
    parcel_id bigint NOT NULL,
    area_m2 numeric(12,2) NOT NULL,
    lessor_name text NOT NULL,
    lessor_kind text NOT NULL,
    lessee_kind text NOT NULL,
    lessee_name text NOT NULL,
    lessee_credit_code text,
    lessee_identifier text,
    use_code text NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    rent_basis text NOT NULL,
    rent numeric(14,4) NOT NULL,
    schedule text NOT NULL,
    payment_timing text NOT NULL,
    deposit_yuan numeric(14,2) DEFAULT 0 NOT NULL,
    rent_free_months integer DEFAULT 0 NOT NULL,
    escalation_pct numeric(6,3) DEFAULT 0 NOT NULL,
    contract_ref text,
    status text DEFAULT 'draft'::text NOT NULL,
    stopped_on date,
    stop_reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT lease_area CHECK ((area_m2 > (0)::numeric)),
    CONSTRAINT lease_contract_ref CHECK ((length(contract_ref) <= 100)),
    CONSTRAINT lease_deposit CHECK ((deposit_yuan >= (0)::numeric)),
    CONSTRAINT lease_escalation CHECK (((escalation_pct >= (0)::numeric) AND (escalation_pct <= (100)::numeric))),
    CONSTRAINT lease_lessee CHECK (((length(btrim(lessee_name)) >= 1) AND (length(btrim(lessee_name)) <= 200))),
    CONSTRAINT lease_lessee_code CHECK ((lessee_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'::text)),
    CONSTRAINT lease_lessee_id CHECK (((lessee_kind <> 'enterprise'::text) OR (lessee_credit_code IS NOT NULL))),
    CONSTRAINT lease_lessee_identifier CHECK ((length(lessee_identifier) <= 64)),
    CONSTRAINT lease_lessee_kind CHECK ((lessee_kind = ANY (ARRAY['enterprise'::text, 'organisation'::text, 'person'::text]))),
    CONSTRAINT lease_lessor CHECK (((length(btrim(lessor_name)) >= 1) AND (length(btrim(lessor_name)) <= 200))),
    CONSTRAINT lease_lessor_kind CHECK ((lessor_kind = ANY (ARRAY['platform_company'::text, 'zone'::text, 'enterprise'::text, 'other'::text]))),
    CONSTRAINT lease_rent CHECK ((rent >= (0)::numeric)),
    CONSTRAINT lease_rent_basis CHECK ((rent_basis = ANY (ARRAY['per_year'::text, 'per_m2_month'::text]))),
    CONSTRAINT lease_rent_free CHECK (((rent_free_months >= 0) AND (rent_free_months <= 120))),
    CONSTRAINT lease_schedule CHECK ((schedule = ANY (ARRAY['monthly'::text, 'quarterly'::text, 'half_yearly'::text, 'yearly'::text]))),
    CONSTRAINT lease_status CHECK ((status = ANY (ARRAY['draft'::text, 'active'::text, 'ended'::text, 'terminated'::text]))),
    CONSTRAINT lease_stop_reason CHECK (((status <> 'terminated'::text) OR (stop_reason IS NOT NULL))),
    CONSTRAINT lease_stopped CHECK (((status = ANY (ARRAY['ended'::text, 'terminated'::text])) = (stopped_on IS NOT NULL))),
    CONSTRAINT lease_term CHECK ((ends_on >= starts_on)),
    CONSTRAINT lease_timing CHECK ((payment_timing = ANY (ARRAY['advance'::text, 'arrears'::text])))
);

CREATE FUNCTION public.lease_last_day(l public.lease) RETURNS date
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN l.status IN ('ended', 'terminated') THEN least(l.stopped_on, l.ends_on) ELSE l.ends_on END
$$;

CREATE FUNCTION public.lease_written() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO lease_history (lease_id, version, recorded_at, valid_from, kind, actor, reason, zone_code, state)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', NEW.zone_code, to_jsonb(NEW));
    RETURN NULL;
END $$;

CREATE FUNCTION public.ledger_item_before_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE FUNCTION public.ledger_item_written() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO ledger_item_history (item_id, version, recorded_at, valid_from, kind, actor, reason, zone_code, state)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', NEW.zone_code, to_jsonb(NEW));
    RETURN NULL;
END $$;

CREATE FUNCTION public.mu(square_metres double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT square_metres * 0.0015 $$;

CREATE FUNCTION public.notify_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('register_change', TG_TABLE_NAME || ' *');
    RETURN NULL;
END $$;

CREATE FUNCTION public.notify_extent_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
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
END $_$;

CREATE FUNCTION public.parcel_before_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    redrawn boolean := TG_OP = 'INSERT' OR NEW.geom IS DISTINCT FROM OLD.geom;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    IF redrawn THEN
        IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
            RAISE EXCEPTION 'parcel geometry is not a valid polygon: %', ST_IsValidReason(NEW.geom)
                USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_geom_valid', TABLE = 'parcel', COLUMN = 'geom';
        END IF;
        NEW.area_m2 := ST_Area(NEW.geom::geography, true);
        NEW.geom_3857 := ST_Transform(NEW.geom, 3857);
    ELSE
        NEW.geom_3857 := OLD.geom_3857;
    END IF;
    -- Where the zones' extents may change (parcel_count_changed measures them at the statement's end).
    IF TG_OP = 'UPDATE' AND (redrawn OR NEW.zone_code <> OLD.zone_code OR (NEW.retired_at IS NULL) <> (OLD.retired_at IS NULL)) THEN
        IF NEW.retired_at IS NULL THEN
            PERFORM parcel_extent_note('landregister.extent_widened', NEW.zone_code);
        END IF;
        IF OLD.retired_at IS NULL AND EXISTS (
            SELECT 1 FROM parcel_count c
            WHERE c.zone_code = OLD.zone_code
              AND (c.extent IS NULL OR ST_XMin(OLD.geom) <= ST_XMin(c.extent) OR ST_YMin(OLD.geom) <= ST_YMin(c.extent)
                   OR ST_XMax(OLD.geom) >= ST_XMax(c.extent) OR ST_YMax(OLD.geom) >= ST_YMax(c.extent))) THEN
            PERFORM parcel_extent_note('landregister.extent_remeasured', OLD.zone_code);
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION public.parcel_count_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    widened text[];
    remeasured text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO parcel_count AS c (zone_code, live, extent)
        SELECT zone_code, count(*), ST_Extent(geom) FROM new_rows WHERE retired_at IS NULL GROUP BY zone_code ORDER BY zone_code
        ON CONFLICT (zone_code) DO UPDATE SET live = c.live + excluded.live, extent = box_union(c.extent, excluded.extent);
        RETURN NULL;
    END IF;
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

    widened := nullif(current_setting('landregister.extent_widened', true), '')::text[];
    remeasured := coalesce(nullif(current_setting('landregister.extent_remeasured', true), '')::text[], '{}');
    IF widened IS NULL AND cardinality(remeasured) = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('landregister.extent_widened', '', true), set_config('landregister.extent_remeasured', '', true);
    -- A zone measured again lies within its old extent and the rows the statement wrote to it.
    UPDATE parcel_count c SET extent = parcel_zone_extent(c.zone_code, box_union(c.extent,
        (SELECT ST_Extent(n.geom) FROM new_rows n WHERE n.zone_code = c.zone_code AND n.retired_at IS NULL)))
    WHERE c.zone_code = ANY(remeasured);
    UPDATE parcel_count c SET extent = box_union(c.extent, n.extent)
    FROM (SELECT zone_code, ST_Extent(geom) AS extent FROM new_rows
          WHERE retired_at IS NULL AND zone_code = ANY(widened) AND NOT zone_code = ANY(remeasured)
          GROUP BY zone_code) n
    WHERE c.zone_code = n.zone_code;
    RETURN NULL;
END $$;

CREATE FUNCTION public.parcel_extent_note(setting text, zone text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    zones text[] := coalesce(nullif(current_setting(setting, true), '')::text[], '{}');
BEGIN
    IF NOT zone = ANY(zones) THEN
        PERFORM set_config(setting, array_append(zones, zone)::text, true);
    END IF;
END $$;

CREATE FUNCTION public.parcel_history_inserted() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, valid_from, kind, actor, reason, details, changed, zone_code, code,
        park_code, name, planned_use, actual_use, status, status_source, geom, area_m2, registered_area_m2, supply_id, clean_checklist,
        construction_started_on, parent_ids, created_at, retired_at, created_by)
    SELECT n.id, n.version, n.updated_at, n.existed_from, coalesce(change ->> 'kind', 'created'), n.updated_by, change ->> 'reason', change,
           ARRAY['zone_code', 'code', 'park_code', 'name', 'planned_use', 'actual_use', 'status', 'geom', 'registered_area_m2',
                 'supply_id', 'clean_checklist', 'construction_started_on', 'parent_ids', 'retired_at', 'status_source'],
           n.zone_code, n.code, n.park_code, n.name, n.planned_use, n.actual_use, n.status, n.status_source, n.geom, n.area_m2,
           n.registered_area_m2, n.supply_id, n.clean_checklist, n.construction_started_on, n.parent_ids, n.created_at,
           n.retired_at, n.created_by
    FROM inserted n;
    RETURN NULL;
END $$;

CREATE FUNCTION public.parcel_history_updated() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    change jsonb := recorded_change();
    v jsonb := coalesce(change -> 'values', '{}');
BEGIN
    INSERT INTO parcel_history (parcel_id, version, recorded_at, valid_from, kind, actor, reason, details, changed, zone_code, code,
        park_code, name, planned_use, actual_use, status, status_source, geom, area_m2, registered_area_m2, supply_id, clean_checklist,
        construction_started_on, parent_ids, created_at, retired_at, created_by)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', change,
            array_remove(ARRAY[
                CASE WHEN NEW.code IS DISTINCT FROM OLD.code OR v ? 'code' THEN 'code' END,
                CASE WHEN NEW.park_code IS DISTINCT FROM OLD.park_code OR v ? 'park_code' THEN 'park_code' END,
                CASE WHEN NEW.name IS DISTINCT FROM OLD.name OR v ? 'name' THEN 'name' END,
                CASE WHEN NEW.planned_use IS DISTINCT FROM OLD.planned_use OR v ? 'planned_use' THEN 'planned_use' END,
                CASE WHEN NEW.actual_use IS DISTINCT FROM OLD.actual_use OR v ? 'actual_use' THEN 'actual_use' END,
                CASE WHEN NEW.status IS DISTINCT FROM OLD.status OR v ? 'status' THEN 'status' END,
                CASE WHEN NEW.status_source IS DISTINCT FROM OLD.status_source OR v ? 'status_source' THEN 'status_source' END,
                CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN 'geom' END,
                CASE WHEN NEW.registered_area_m2 IS DISTINCT FROM OLD.registered_area_m2 OR v ? 'registered_area_m2' THEN 'registered_area_m2' END,
                CASE WHEN NEW.supply_id IS DISTINCT FROM OLD.supply_id OR v ? 'supply_id' THEN 'supply_id' END,
                CASE WHEN NEW.clean_checklist IS DISTINCT FROM OLD.clean_checklist OR v ? 'clean_checklist' THEN 'clean_checklist' END,
                CASE WHEN NEW.construction_started_on IS DISTINCT FROM OLD.construction_started_on OR v ? 'construction_started_on'
                     THEN 'construction_started_on' END,
                CASE WHEN NEW.parent_ids IS DISTINCT FROM OLD.parent_ids OR v ? 'parent_ids' THEN 'parent_ids' END,
                CASE WHEN NEW.retired_at IS DISTINCT FROM OLD.retired_at OR v ? 'retired_at' THEN 'retired_at' END], NULL),
            NEW.zone_code,
            CASE WHEN v ? 'code' THEN v ->> 'code' ELSE NEW.code END,
            CASE WHEN v ? 'park_code' THEN v ->> 'park_code' ELSE NEW.park_code END,
            CASE WHEN v ? 'name' THEN v ->> 'name' ELSE NEW.name END,
            CASE WHEN v ? 'planned_use' THEN v ->> 'planned_use' ELSE NEW.planned_use END,
            CASE WHEN v ? 'actual_use' THEN v ->> 'actual_use' ELSE NEW.actual_use END,
            CASE WHEN v ? 'status' THEN v ->> 'status' ELSE NEW.status END,
            CASE WHEN v ? 'status_source' THEN v ->> 'status_source' ELSE NEW.status_source END,
            CASE WHEN NEW.geom IS DISTINCT FROM OLD.geom THEN NEW.geom END, NEW.area_m2,
            CASE WHEN v ? 'registered_area_m2' THEN (v ->> 'registered_area_m2')::numeric ELSE NEW.registered_area_m2 END,
            CASE WHEN v ? 'supply_id' THEN (v ->> 'supply_id')::bigint ELSE NEW.supply_id END,
            CASE WHEN v ? 'clean_checklist' THEN v -> 'clean_checklist' ELSE NEW.clean_checklist END,
            CASE WHEN v ? 'construction_started_on' THEN (v ->> 'construction_started_on')::date ELSE NEW.construction_started_on END,
            CASE WHEN v ? 'parent_ids' THEN ARRAY(SELECT jsonb_array_elements_text(v -> 'parent_ids')::bigint) ELSE NEW.parent_ids END,
            NEW.created_at,
            CASE WHEN v ? 'retired_at' THEN (v ->> 'retired_at')::timestamptz ELSE NEW.retired_at END,
            NEW.created_by);
    RETURN NULL;
END $$;

CREATE FUNCTION public.parcel_supply_recipient_zone() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM parcel p JOIN enterprise e ON e.credit_code = NEW.recipient_credit_code
               WHERE p.id = NEW.parcel_id AND e.zone_code <> p.zone_code) THEN
        RAISE EXCEPTION 'the recipient % is not an enterprise of the zone of parcel %', NEW.recipient_credit_code, NEW.parcel_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'parcel_supply_recipient_zone', TABLE = 'parcel_supply';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION public.parcel_zone_extent(zone text, frame public.box2d) RETURNS public.box2d
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    west  double precision := ST_XMin(frame);
    south double precision := ST_YMin(frame);
    east  double precision := ST_XMax(frame);
    north double precision := ST_YMax(frame);
    side  double precision[] := '{}';
    step  double precision;
    found double precision;
    k     int;
BEGIN
    IF frame IS NULL THEN
        RETURN NULL;
    END IF;
    FOR k IN 1..4 LOOP
        step := greatest(east - west, north - south) / 1024;
        LOOP
            EXECUTE format('SELECT %s FROM parcel WHERE geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) AND zone_code = $5 AND retired_at IS NULL',
                           (ARRAY['min(ST_XMin(geom))', 'min(ST_YMin(geom))', 'max(ST_XMax(geom))', 'max(ST_YMax(geom))'])[k])
                INTO found
                USING CASE k WHEN 3 THEN east - step ELSE west END, CASE k WHEN 4 THEN north - step ELSE south END,
                      CASE k WHEN 1 THEN west + step ELSE east END, CASE k WHEN 2 THEN south + step ELSE north END, zone;
            EXIT WHEN found IS NOT NULL OR step >= (CASE WHEN k IN (1, 3) THEN east - west ELSE north - south END);
            step := step * 2;
        END LOOP;
        IF found IS NULL THEN
            RETURN NULL;
        END IF;
        side := side || found;
    END LOOP;
    RETURN ST_MakeBox2D(ST_MakePoint(side[1], side[2]), ST_MakePoint(side[3], side[4]));
END $_$;

CREATE FUNCTION public.premises_before_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION public.premises_history_written() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO premises_history (premises_id, version, recorded_at, valid_from, kind, actor, reason, zone_code, state, footprint)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN TG_OP = 'INSERT' THEN 'created'
                                            WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retired' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', NEW.zone_code, to_jsonb(NEW) - 'footprint',
            CASE WHEN TG_OP = 'INSERT' OR NEW.footprint IS DISTINCT FROM OLD.footprint THEN NEW.footprint END);
    RETURN NULL;
END $$;

CREATE FUNCTION public.recorded_change() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(nullif(current_setting('landregister.change', true), '')::jsonb, '{}'::jsonb)
$$;

CREATE FUNCTION public.refresh_parcel_statistics(written bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
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

CREATE FUNCTION public.refresh_premises_vacancy(ids bigint[], day date) RETURNS void
    LANGUAGE sql
    AS $$
    WITH leased AS (
        SELECT pr.id, pr.floor_area_m2,
               coalesce(sum(l.area_m2) FILTER (WHERE l.status IN ('active', 'ended', 'terminated') AND l.starts_on <= day
                                               AND lease_last_day(l) >= day), 0) AS leased_m2
        FROM premises pr JOIN lease l ON l.premises_id = pr.id
        WHERE pr.id = ANY(ids) AND pr.retired_at IS NULL
        GROUP BY pr.id, pr.floor_area_m2),
    state AS (
        SELECT id, least(leased_m2, floor_area_m2) AS leased_m2,
               CASE WHEN leased_m2 >= floor_area_m2 THEN 'leased' WHEN leased_m2 > 0 THEN 'partly_leased' ELSE 'vacant' END AS vacancy
        FROM leased)
    UPDATE premises pr
    SET vacancy = CASE WHEN s.vacancy = 'vacant' AND pr.vacancy = 'self_used' THEN 'self_used' ELSE s.vacancy END,
        vacant_floor_area_m2 = CASE WHEN s.vacancy = 'vacant' AND pr.vacancy = 'self_used' THEN 0 ELSE pr.floor_area_m2 - s.leased_m2 END,
        vacant_since = CASE WHEN s.vacancy = 'leased' OR (s.vacancy = 'vacant' AND pr.vacancy = 'self_used') THEN NULL
                            WHEN pr.vacant_floor_area_m2 < pr.floor_area_m2 - s.leased_m2 OR pr.vacant_since IS NULL THEN day
                            ELSE pr.vacant_since END,
        updated_by = 'leases'
    FROM state s
    WHERE pr.id = s.id
      AND (pr.vacancy IS DISTINCT FROM CASE WHEN s.vacancy = 'vacant' AND pr.vacancy = 'self_used' THEN 'self_used' ELSE s.vacancy END
           OR pr.vacant_floor_area_m2 IS DISTINCT FROM CASE WHEN s.vacancy = 'vacant' AND pr.vacancy = 'self_used' THEN 0 ELSE pr.floor_area_m2 - s.leased_m2 END)
$$;

CREATE FUNCTION public.register_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% rows are never %d: the register keeps every past state', TG_TABLE_NAME, lower(TG_OP)
        USING ERRCODE = 'restrict_violation';
END $$;

CREATE FUNCTION public.register_geometry(g public.geometry) RETURNS public.geometry
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
    SELECT ST_ForcePolygonCCW(ST_Multi(ST_Force2D(ST_Transform(g, 4326))))
$$;

CREATE FUNCTION public.round_m2(square_metres double precision) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT round(square_metres::numeric, 2) $$;

CREATE FUNCTION public.round_mu(square_metres double precision) RETURNS numeric
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT round((square_metres * 0.0015)::numeric, 4) $$;

CREATE TABLE public.api_key (
    id bigint NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    zones text[],
    public_id text,
    secret_hash bytea NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    revoked_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT api_key_hash_length CHECK ((length(secret_hash) = 32)),
    CONSTRAINT api_key_name_format CHECK ((name ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$'::text)),
    CONSTRAINT api_key_role CHECK ((role = ANY (ARRAY['admin'::text, 'planner'::text, 'promoter'::text, 'analyst'::text, 'viewer'::text, 'reviewer'::text])))
);

ALTER TABLE public.api_key ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.api_key_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.construction_progress (
    id bigint NOT NULL,
    parcel_id bigint NOT NULL,
    reported_on date NOT NULL,
    started_on date,
    developed_share numeric(5,4),
    invested_share numeric(5,4),
    stopped_since date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    CONSTRAINT construction_progress_developed CHECK (((developed_share >= (0)::numeric) AND (developed_share <= (1)::numeric))),
    CONSTRAINT construction_progress_invested CHECK (((invested_share >= (0)::numeric) AND (invested_share <= (1)::numeric)))
);

ALTER TABLE public.construction_progress ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.construction_progress_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.contract_minimums (
    zone_code text NOT NULL,
    investment_intensity_wan_per_mu numeric(12,2),
    tax_per_mu_wan numeric(12,2),
    sales_per_mu_wan numeric(12,2),
    min_plot_ratio numeric(6,2),
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by text NOT NULL,
    CONSTRAINT contract_minimums_intensity CHECK ((investment_intensity_wan_per_mu >= (0)::numeric)),
    CONSTRAINT contract_minimums_plot_ratio CHECK ((min_plot_ratio >= (0)::numeric)),
    CONSTRAINT contract_minimums_sales CHECK ((sales_per_mu_wan >= (0)::numeric)),
    CONSTRAINT contract_minimums_tax CHECK ((tax_per_mu_wan >= (0)::numeric))
);

CREATE TABLE public.enterprise (
    credit_code text NOT NULL,
    zone_code text NOT NULL,
    name text NOT NULL,
    ownership_type text,
    industry_code text,
    main_products text[] DEFAULT '{}'::text[] NOT NULL,
    above_scale boolean DEFAULT false NOT NULL,
    utility boolean DEFAULT false NOT NULL,
    production_started_on date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT enterprise_credit_code_format CHECK ((credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'::text)),
    CONSTRAINT enterprise_industry_code CHECK ((industry_code ~ '^[A-T][0-9]{0,4}$'::text)),
    CONSTRAINT enterprise_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT enterprise_ownership CHECK ((ownership_type = ANY (ARRAY['state'::text, 'collective'::text, 'private'::text, 'foreign'::text, 'hong_kong_macao_taiwan'::text, 'joint'::text, 'other'::text])))
);

CREATE TABLE public.enterprise_indicator (
    credit_code text NOT NULL,
    year integer NOT NULL,
    tax_wan numeric(14,2),
    sales_wan numeric(14,2),
    revenue_wan numeric(14,2),
    value_added_wan numeric(14,2),
    employees integer,
    energy_tce numeric(14,2),
    rnd_wan numeric(14,2),
    veto text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT enterprise_indicator_employees CHECK ((employees >= 0)),
    CONSTRAINT enterprise_indicator_energy CHECK ((energy_tce >= (0)::numeric)),
    CONSTRAINT enterprise_indicator_revenue CHECK ((revenue_wan >= (0)::numeric)),
    CONSTRAINT enterprise_indicator_rnd CHECK ((rnd_wan >= (0)::numeric)),
    CONSTRAINT enterprise_indicator_sales CHECK ((sales_wan >= (0)::numeric)),
    CONSTRAINT enterprise_indicator_tax CHECK ((tax_wan >= (0)::numeric)),
    CONSTRAINT enterprise_indicator_veto CHECK ((veto = ANY (ARRAY['safety_accident'::text, 'environmental_accident'::text]))),
    CONSTRAINT enterprise_indicator_year CHECK (((year >= 2000) AND (year <= 2100)))
);

CREATE TABLE public.enterprise_tenancy (
    credit_code text NOT NULL,
    parcel_id bigint NOT NULL,
    share numeric(6,5),
    floor_area_m2 numeric(12,2),
    CONSTRAINT enterprise_tenancy_floor_area CHECK ((floor_area_m2 > (0)::numeric)),
    CONSTRAINT enterprise_tenancy_measure CHECK (((share IS NOT NULL) OR (floor_area_m2 IS NOT NULL))),
    CONSTRAINT enterprise_tenancy_share CHECK (((share > (0)::numeric) AND (share <= (1)::numeric)))
);

CREATE TABLE public.evaluation_benchmark (
    run_id bigint NOT NULL,
    ordinal integer NOT NULL,
    indicator text NOT NULL,
    benchmark double precision NOT NULL,
    CONSTRAINT evaluation_benchmark_ordinal CHECK ((ordinal >= 1))
);

CREATE TABLE public.evaluation_current (
    zone_code text NOT NULL,
    year integer NOT NULL,
    run_id bigint NOT NULL
);

CREATE TABLE public.evaluation_result (
    run_id bigint NOT NULL,
    zone_code text NOT NULL,
    year integer NOT NULL,
    credit_code text NOT NULL,
    holder_code text,
    land_mu numeric(14,4) NOT NULL,
    tax_wan numeric(14,2),
    sales_wan numeric(14,2),
    energy_tce numeric(14,2),
    tax_per_mu numeric(14,4),
    sales_per_mu numeric(14,4),
    score numeric(10,4),
    rank integer,
    ranked integer,
    class text NOT NULL,
    low_efficiency boolean DEFAULT false NOT NULL,
    note text,
    park_code text,
    land_basis text,
    indicator_values double precision[],
    indicator_points double precision[],
    CONSTRAINT evaluation_result_class CHECK ((class = ANY (ARRAY['A'::text, 'B'::text, 'C'::text, 'D'::text, 'T'::text])))
);

CREATE TABLE public.evaluation_scheme (
    zone_code text NOT NULL,
    year integer NOT NULL,
    version bigint NOT NULL,
    scheme jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL
);

CREATE TABLE public.idle_current (
    zone_code text NOT NULL,
    run_id bigint NOT NULL
);

CREATE TABLE public.idle_exemption (
    id bigint NOT NULL,
    parcel_id bigint NOT NULL,
    reason text NOT NULL,
    from_date date NOT NULL,
    to_date date,
    reference text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    CONSTRAINT idle_exemption_dates CHECK ((to_date >= from_date)),
    CONSTRAINT idle_exemption_reason CHECK ((reason = ANY (ARRAY['land_not_delivered'::text, 'plan_revised'::text, 'state_policy'::text, 'petitions'::text, 'military_or_heritage_control'::text, 'other_government_act'::text])))
);

ALTER TABLE public.idle_exemption ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.idle_exemption_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.idle_finding (
    run_id bigint NOT NULL,
    zone_code text NOT NULL,
    parcel_id bigint NOT NULL,
    rule text NOT NULL,
    clock_from date NOT NULL,
    idle_days integer NOT NULL,
    exempt_days integer NOT NULL,
    fee_wan numeric(14,2),
    reclaimable boolean NOT NULL,
    missing text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT idle_finding_rule CHECK ((rule = ANY (ARRAY['not_started'::text, 'stalled'::text, 'stalled_not_determinable'::text])))
);

CREATE TABLE public.job_run (
    id bigint NOT NULL,
    kind text NOT NULL,
    zone_code text NOT NULL,
    year integer,
    as_of date,
    status text DEFAULT 'queued'::text NOT NULL,
    phase text,
    progress numeric(4,3) DEFAULT 0 NOT NULL,
    counts jsonb DEFAULT '{}'::jsonb NOT NULL,
    error text,
    requested_by text NOT NULL,
    node text,
    attempts integer DEFAULT 0 NOT NULL,
    lease uuid,
    queued_at timestamp with time zone DEFAULT now() NOT NULL,
    started_at timestamp with time zone,
    heartbeat_at timestamp with time zone,
    finished_at timestamp with time zone,
    CONSTRAINT job_run_kind CHECK ((kind = ANY (ARRAY['evaluation'::text, 'idle_land'::text, 'billing'::text]))),
    CONSTRAINT job_run_status CHECK ((status = ANY (ARRAY['queued'::text, 'running'::text, 'succeeded'::text, 'failed'::text])))
);

ALTER TABLE public.job_run ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.job_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.land_generation (
    zone_code text NOT NULL,
    generation bigint DEFAULT 0 NOT NULL
);

CREATE TABLE public.land_use (
    code text NOT NULL,
    parent text,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    CONSTRAINT land_use_code_format CHECK ((code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$'::text))
);

CREATE TABLE public.land_use_legacy (
    scheme text NOT NULL,
    code text NOT NULL,
    name_zh text NOT NULL,
    use_code text NOT NULL,
    CONSTRAINT land_use_legacy_scheme CHECK ((scheme = ANY (ARRAY['gbt21010'::text, 'gb50137'::text])))
);

CREATE TABLE public.lease_collection (
    id bigint NOT NULL,
    lease_id bigint NOT NULL,
    kind text NOT NULL,
    taken_on date NOT NULL,
    outcome text,
    approval_ref text,
    amount_yuan numeric(14,2),
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    actor text NOT NULL,
    CONSTRAINT lease_collection_approval CHECK (((kind <> 'write_off'::text) OR (length(btrim(approval_ref)) > 0))),
    CONSTRAINT lease_collection_kind CHECK ((kind = ANY (ARRAY['call'::text, 'visit'::text, 'letter'::text, 'lawyers_letter'::text, 'lawsuit'::text, 'judgment'::text, 'instalment_plan'::text, 'write_off'::text]))),
    CONSTRAINT lease_collection_outcome CHECK ((length(outcome) <= 2000))
);

ALTER TABLE public.lease_collection ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.lease_collection_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.lease_history (
    lease_id bigint NOT NULL,
    version bigint NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    kind text NOT NULL,
    actor text NOT NULL,
    reason text,
    zone_code text NOT NULL,
    state jsonb NOT NULL
);

ALTER TABLE public.lease ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.lease_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.parcel (
    id bigint NOT NULL,
    zone_code text NOT NULL,
    code text NOT NULL,
    park_code text,
    name text,
    planned_use text,
    actual_use text,
    status text NOT NULL,
    geom public.geometry(MultiPolygon,4326) NOT NULL,
    area_m2 double precision NOT NULL,
    registered_area_m2 numeric(14,2),
    supply_id bigint,
    clean_checklist jsonb,
    construction_started_on date,
    parent_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    retired_at timestamp with time zone,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    existed_from timestamp with time zone DEFAULT now() NOT NULL,
    status_source text DEFAULT 'manual'::text NOT NULL,
    geom_3857 public.geometry(MultiPolygon,3857) NOT NULL,
    CONSTRAINT parcel_code_format CHECK (((code ~ '^\S(.*\S)?$'::text) AND (length(code) <= 64))),
    CONSTRAINT parcel_name_length CHECK ((length(name) <= 200)),
    CONSTRAINT parcel_registered_area_positive CHECK ((registered_area_m2 > (0)::numeric)),
    CONSTRAINT parcel_status_code CHECK ((status = ANY (ARRAY['raw_land'::text, 'clean_land'::text, 'supplied'::text, 'under_construction'::text, 'in_use'::text, 'low_efficiency'::text, 'idle'::text, 'revitalizing'::text, 'revitalized'::text]))),
    CONSTRAINT parcel_status_source CHECK ((status_source = ANY (ARRAY['manual'::text, 'evaluation'::text, 'idle_land'::text])))
)
WITH (fillfactor='85');

CREATE VIEW public.lease_use_mismatch AS
 SELECT l.parcel_id,
    l.id AS lease_id,
    l.use_code,
    p.planned_use
   FROM (public.lease l
     JOIN public.parcel p ON ((p.id = l.parcel_id)))
  WHERE ((l.status = 'active'::text) AND (l.starts_on <= CURRENT_DATE) AND (l.ends_on >= CURRENT_DATE) AND (p.planned_use IS NOT NULL) AND (l.use_code !~~ (p.planned_use || '%'::text)) AND (p.planned_use !~~ (l.use_code || '%'::text)));

CREATE TABLE public.ledger_evidence (
    id bigint NOT NULL,
    item_id bigint NOT NULL,
    file_name text NOT NULL,
    media_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    content bytea NOT NULL,
    description text,
    uploaded_at timestamp with time zone DEFAULT now() NOT NULL,
    uploaded_by text NOT NULL,
    CONSTRAINT ledger_evidence_name CHECK (((length(file_name) >= 1) AND (length(file_name) <= 255))),
    CONSTRAINT ledger_evidence_sha256 CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT ledger_evidence_size CHECK ((size_bytes > 0))
);

ALTER TABLE public.ledger_evidence ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_evidence_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.ledger_item (
    id bigint NOT NULL,
    source_id bigint NOT NULL,
    zone_code text NOT NULL,
    number text NOT NULL,
    problem text NOT NULL,
    measures text[] NOT NULL,
    lead_unit text NOT NULL,
    cooperating_units text[] DEFAULT '{}'::text[] NOT NULL,
    responsible_person text,
    deadline date,
    long_term boolean DEFAULT false NOT NULL,
    category text NOT NULL,
    status text DEFAULT 'not_started'::text NOT NULL,
    completed_by text,
    parcel_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    enterprise_codes text[] DEFAULT '{}'::text[] NOT NULL,
    premises_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    supply_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    lease_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    targets jsonb DEFAULT '[]'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT ledger_item_category CHECK ((category = ANY (ARRAY['reserves'::text, 'idle_land'::text, 'low_efficiency'::text, 'contracts'::text, 'rent'::text, 'use_change'::text, 'premises'::text, 'institutions'::text, 'other'::text]))),
    CONSTRAINT ledger_item_deadline CHECK (((deadline IS NOT NULL) OR long_term)),
    CONSTRAINT ledger_item_lead_unit CHECK (((length(btrim(lead_unit)) >= 1) AND (length(btrim(lead_unit)) <= 200))),
    CONSTRAINT ledger_item_measures CHECK (((cardinality(measures) >= 1) AND (cardinality(measures) <= 50))),
    CONSTRAINT ledger_item_number CHECK (((length(btrim(number)) >= 1) AND (length(btrim(number)) <= 32))),
    CONSTRAINT ledger_item_problem CHECK (((length(btrim(problem)) >= 1) AND (length(btrim(problem)) <= 4000))),
    CONSTRAINT ledger_item_status CHECK ((status = ANY (ARRAY['not_started'::text, 'in_progress'::text, 'phase_completed'::text, 'completed'::text, 'closed'::text]))),
    CONSTRAINT ledger_item_targets CHECK ((jsonb_typeof(targets) = 'array'::text))
);

CREATE TABLE public.ledger_item_history (
    item_id bigint NOT NULL,
    version bigint NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    kind text NOT NULL,
    actor text NOT NULL,
    reason text,
    zone_code text NOT NULL,
    state jsonb NOT NULL
);

ALTER TABLE public.ledger_item ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_item_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.ledger_progress (
    id bigint NOT NULL,
    item_id bigint NOT NULL,
    entry_date date NOT NULL,
    text text NOT NULL,
    status_from text NOT NULL,
    status_to text NOT NULL,
    evidence_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    actor text NOT NULL,
    CONSTRAINT ledger_progress_text CHECK (((length(btrim(text)) >= 1) AND (length(btrim(text)) <= 4000)))
);

ALTER TABLE public.ledger_progress ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_progress_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.ledger_source (
    id bigint NOT NULL,
    zone_code text NOT NULL,
    title text NOT NULL,
    issued_by text NOT NULL,
    issued_on date NOT NULL,
    kind text NOT NULL,
    document_ref text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    CONSTRAINT ledger_source_issued_by CHECK (((length(btrim(issued_by)) >= 1) AND (length(btrim(issued_by)) <= 200))),
    CONSTRAINT ledger_source_kind CHECK ((kind = ANY (ARRAY['audit'::text, 'inspection'::text, 'supervision'::text, 'self_review'::text, 'other'::text]))),
    CONSTRAINT ledger_source_title CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 300)))
);

ALTER TABLE public.ledger_source ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_source_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.parcel_count (
    zone_code text NOT NULL,
    live bigint NOT NULL,
    extent public.box2d,
    CONSTRAINT parcel_count_not_negative CHECK ((live >= 0))
);

CREATE TABLE public.parcel_history (
    parcel_id bigint NOT NULL,
    version bigint NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    kind text NOT NULL,
    actor text NOT NULL,
    reason text,
    details jsonb DEFAULT '{}'::jsonb NOT NULL,
    zone_code text NOT NULL,
    code text NOT NULL,
    park_code text,
    name text,
    planned_use text,
    actual_use text,
    status text NOT NULL,
    geom public.geometry(MultiPolygon,4326),
    area_m2 double precision NOT NULL,
    registered_area_m2 numeric(14,2),
    supply_id bigint,
    clean_checklist jsonb,
    construction_started_on date,
    parent_ids bigint[] NOT NULL,
    created_at timestamp with time zone NOT NULL,
    retired_at timestamp with time zone,
    created_by text NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    changed text[] NOT NULL,
    status_source text NOT NULL
);

ALTER TABLE public.parcel ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.parcel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.parcel_supply (
    id bigint NOT NULL,
    parcel_id bigint NOT NULL,
    method text NOT NULL,
    listed_on date,
    dealt_on date NOT NULL,
    recipient_name text NOT NULL,
    recipient_credit_code text NOT NULL,
    price_wan numeric(14,2),
    construction_start_by date NOT NULL,
    completion_by date NOT NULL,
    investment_intensity_wan_per_mu numeric(12,2),
    tax_per_mu_wan numeric(12,2),
    sales_per_mu_wan numeric(12,2),
    min_plot_ratio numeric(6,2),
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    valid_from date NOT NULL,
    tax_shortfall_damages_pct numeric(6,3),
    approval_ref text,
    CONSTRAINT parcel_supply_approval CHECK (((length(approval_ref) >= 1) AND (length(approval_ref) <= 100))),
    CONSTRAINT parcel_supply_credit_code CHECK ((recipient_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'::text)),
    CONSTRAINT parcel_supply_damages CHECK (((tax_shortfall_damages_pct >= (0)::numeric) AND (tax_shortfall_damages_pct <= (100)::numeric))),
    CONSTRAINT parcel_supply_dates CHECK ((completion_by >= construction_start_by)),
    CONSTRAINT parcel_supply_intensity CHECK ((investment_intensity_wan_per_mu >= (0)::numeric)),
    CONSTRAINT parcel_supply_method CHECK ((method = ANY (ARRAY['transfer'::text, 'allocation'::text]))),
    CONSTRAINT parcel_supply_plot_ratio CHECK ((min_plot_ratio >= (0)::numeric)),
    CONSTRAINT parcel_supply_price CHECK ((price_wan >= (0)::numeric)),
    CONSTRAINT parcel_supply_recipient CHECK (((length(btrim(recipient_name)) >= 1) AND (length(btrim(recipient_name)) <= 200))),
    CONSTRAINT parcel_supply_sales CHECK ((sales_per_mu_wan >= (0)::numeric)),
    CONSTRAINT parcel_supply_tax CHECK ((tax_per_mu_wan >= (0)::numeric))
);

ALTER TABLE public.parcel_supply ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.parcel_supply_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.park (
    id bigint NOT NULL,
    code text NOT NULL,
    zone_code text NOT NULL,
    name text NOT NULL,
    boundary public.geometry(MultiPolygon,4326),
    leading_industries text[] DEFAULT '{}'::text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT park_boundary_valid CHECK ((public.st_isvalid(boundary) AND (NOT public.st_isempty(boundary)))),
    CONSTRAINT park_code_format CHECK ((code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'::text)),
    CONSTRAINT park_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200)))
);

ALTER TABLE public.park ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.park_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.premises (
    id bigint NOT NULL,
    zone_code text NOT NULL,
    code text NOT NULL,
    parcel_id bigint NOT NULL,
    name text,
    owner_name text,
    owner_kind text,
    owner_credit_code text,
    floor_area_m2 numeric(12,2) NOT NULL,
    floors integer,
    built_year integer,
    condition text,
    vacancy text NOT NULL,
    vacant_floor_area_m2 numeric(12,2) DEFAULT 0 NOT NULL,
    vacant_since date,
    footprint public.geometry(MultiPolygon,4326) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    retired_at timestamp with time zone,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT premises_built_year CHECK (((built_year >= 1900) AND (built_year <= 2100))),
    CONSTRAINT premises_code_format CHECK (((code ~ '^\S(.*\S)?$'::text) AND (length(code) <= 64))),
    CONSTRAINT premises_condition CHECK ((condition = ANY (ARRAY['good'::text, 'fair'::text, 'poor'::text, 'dilapidated'::text]))),
    CONSTRAINT premises_floor_area CHECK ((floor_area_m2 > (0)::numeric)),
    CONSTRAINT premises_floors CHECK (((floors >= 1) AND (floors <= 200))),
    CONSTRAINT premises_footprint_valid CHECK ((public.st_isvalid(footprint) AND (NOT public.st_isempty(footprint)))),
    CONSTRAINT premises_name_length CHECK ((length(name) <= 200)),
    CONSTRAINT premises_owner_code CHECK ((owner_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'::text)),
    CONSTRAINT premises_owner_kind CHECK ((owner_kind = ANY (ARRAY['platform_company'::text, 'enterprise'::text, 'government'::text, 'other'::text]))),
    CONSTRAINT premises_owner_length CHECK ((length(owner_name) <= 200)),
    CONSTRAINT premises_vacancy CHECK ((vacancy = ANY (ARRAY['vacant'::text, 'partly_leased'::text, 'leased'::text, 'self_used'::text]))),
    CONSTRAINT premises_vacant_area CHECK (((vacant_floor_area_m2 >= (0)::numeric) AND (vacant_floor_area_m2 <= floor_area_m2)))
);

CREATE TABLE public.premises_history (
    premises_id bigint NOT NULL,
    version bigint NOT NULL,
    recorded_at timestamp with time zone NOT NULL,
    kind text NOT NULL,
    actor text NOT NULL,
    reason text,
    zone_code text NOT NULL,
    state jsonb NOT NULL,
    footprint public.geometry(MultiPolygon,4326),
    valid_from timestamp with time zone NOT NULL
);

ALTER TABLE public.premises ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.premises_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.rent_allocation (
    payment_id bigint NOT NULL,
    bill_id bigint NOT NULL,
    amount_yuan numeric(14,2) NOT NULL,
    paid_on date NOT NULL,
    CONSTRAINT rent_allocation_amount CHECK ((amount_yuan > (0)::numeric))
);

CREATE TABLE public.rent_bill (
    id bigint NOT NULL,
    lease_id bigint NOT NULL,
    zone_code text NOT NULL,
    kind text NOT NULL,
    plan_id bigint,
    period_start date NOT NULL,
    period_end date NOT NULL,
    due_on date NOT NULL,
    amount_yuan numeric(14,2) NOT NULL,
    paid_yuan numeric(14,2) DEFAULT 0 NOT NULL,
    settled_on date,
    closed_by bigint,
    closed_on date,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT rent_bill_amount CHECK ((amount_yuan > (0)::numeric)),
    CONSTRAINT rent_bill_kind CHECK ((kind = ANY (ARRAY['rent'::text, 'instalment'::text]))),
    CONSTRAINT rent_bill_paid CHECK (((paid_yuan >= (0)::numeric) AND (paid_yuan <= amount_yuan))),
    CONSTRAINT rent_bill_plan CHECK (((kind = 'instalment'::text) = (plan_id IS NOT NULL))),
    CONSTRAINT rent_bill_settled CHECK (((settled_on IS NOT NULL) = (paid_yuan = amount_yuan)))
);

ALTER TABLE public.rent_bill ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.rent_bill_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.rent_payment (
    id bigint NOT NULL,
    zone_code text NOT NULL,
    lease_id bigint,
    paid_on date NOT NULL,
    payer text NOT NULL,
    amount_yuan numeric(14,2) NOT NULL,
    allocated_yuan numeric(14,2) DEFAULT 0 NOT NULL,
    reference text,
    source text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    actor text NOT NULL,
    CONSTRAINT rent_payment_allocated CHECK (((allocated_yuan >= (0)::numeric) AND (allocated_yuan <= amount_yuan))),
    CONSTRAINT rent_payment_amount CHECK ((amount_yuan > (0)::numeric)),
    CONSTRAINT rent_payment_payer CHECK (((length(btrim(payer)) >= 1) AND (length(btrim(payer)) <= 200))),
    CONSTRAINT rent_payment_reference CHECK ((length(reference) <= 100)),
    CONSTRAINT rent_payment_source CHECK ((source = ANY (ARRAY['manual'::text, 'import'::text])))
);

ALTER TABLE public.rent_payment ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.rent_payment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.reserve_block (
    zone_code text NOT NULL,
    land_uses text NOT NULL,
    gap_m numeric(8,2) NOT NULL,
    block_id text NOT NULL,
    content text NOT NULL,
    parcel_count integer NOT NULL,
    area_m2 double precision NOT NULL,
    parcel_ids bigint[] NOT NULL,
    parcel_codes text[] NOT NULL,
    park_codes text[] NOT NULL,
    land_use_codes text[] NOT NULL,
    geom public.geometry(MultiPolygon,4326) NOT NULL,
    geog public.geography,
    parcel_versions bigint[] DEFAULT '{}'::bigint[] NOT NULL
);

CREATE TABLE public.reserve_set (
    zone_code text NOT NULL,
    land_uses text NOT NULL,
    gap_m numeric(8,2) NOT NULL,
    generation bigint NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    seconds double precision NOT NULL
);

CREATE TABLE public.reserve_target (
    zone_code text NOT NULL,
    year integer NOT NULL,
    min_blocks integer NOT NULL,
    min_area_mu numeric(10,2) NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    CONSTRAINT reserve_target_area CHECK ((min_area_mu > (0)::numeric)),
    CONSTRAINT reserve_target_blocks CHECK (((min_blocks >= 0) AND (min_blocks <= 1000))),
    CONSTRAINT reserve_target_year CHECK (((year >= 2000) AND (year <= 2100)))
);

CREATE TABLE public.zone (
    code text NOT NULL,
    name text NOT NULL,
    gk_epsg integer NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    updated_by text NOT NULL,
    version bigint DEFAULT 1 NOT NULL,
    per_mu_area_basis text DEFAULT 'registered'::text NOT NULL,
    CONSTRAINT zone_code_format CHECK ((code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'::text)),
    CONSTRAINT zone_gk_epsg_range CHECK (((gk_epsg >= 4513) AND (gk_epsg <= 4554))),
    CONSTRAINT zone_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT zone_per_mu_area_basis CHECK ((per_mu_area_basis = ANY (ARRAY['registered'::text, 'drawn'::text])))
);

ALTER TABLE ONLY public.api_key
    ADD CONSTRAINT api_key_name_unique UNIQUE (name);

ALTER TABLE ONLY public.api_key
    ADD CONSTRAINT api_key_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.api_key
    ADD CONSTRAINT api_key_public_id_unique UNIQUE (public_id);

ALTER TABLE ONLY public.construction_progress
    ADD CONSTRAINT construction_progress_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.contract_minimums
    ADD CONSTRAINT contract_minimums_pkey PRIMARY KEY (zone_code);

ALTER TABLE ONLY public.enterprise_indicator
    ADD CONSTRAINT enterprise_indicator_pkey PRIMARY KEY (credit_code, year);

ALTER TABLE ONLY public.enterprise
    ADD CONSTRAINT enterprise_pkey PRIMARY KEY (credit_code);

ALTER TABLE ONLY public.enterprise_tenancy
    ADD CONSTRAINT enterprise_tenancy_pkey PRIMARY KEY (credit_code, parcel_id);

ALTER TABLE ONLY public.evaluation_benchmark
    ADD CONSTRAINT evaluation_benchmark_indicator UNIQUE (run_id, indicator);

ALTER TABLE ONLY public.evaluation_benchmark
    ADD CONSTRAINT evaluation_benchmark_pkey PRIMARY KEY (run_id, ordinal);

ALTER TABLE ONLY public.evaluation_current
    ADD CONSTRAINT evaluation_current_pkey PRIMARY KEY (zone_code, year);

ALTER TABLE ONLY public.evaluation_result
    ADD CONSTRAINT evaluation_result_pkey PRIMARY KEY (run_id, credit_code);

ALTER TABLE ONLY public.evaluation_scheme
    ADD CONSTRAINT evaluation_scheme_pkey PRIMARY KEY (zone_code, year, version);

ALTER TABLE ONLY public.idle_current
    ADD CONSTRAINT idle_current_pkey PRIMARY KEY (zone_code);

ALTER TABLE ONLY public.idle_exemption
    ADD CONSTRAINT idle_exemption_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.idle_finding
    ADD CONSTRAINT idle_finding_pkey PRIMARY KEY (run_id, parcel_id);

ALTER TABLE ONLY public.job_run
    ADD CONSTRAINT job_run_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.land_generation
    ADD CONSTRAINT land_generation_pkey PRIMARY KEY (zone_code);

ALTER TABLE ONLY public.land_use_legacy
    ADD CONSTRAINT land_use_legacy_pkey PRIMARY KEY (scheme, code);

ALTER TABLE ONLY public.land_use
    ADD CONSTRAINT land_use_pkey PRIMARY KEY (code);

ALTER TABLE ONLY public.lease_collection
    ADD CONSTRAINT lease_collection_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.lease_history
    ADD CONSTRAINT lease_history_pkey PRIMARY KEY (lease_id, version);

ALTER TABLE ONLY public.lease
    ADD CONSTRAINT lease_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ledger_evidence
    ADD CONSTRAINT ledger_evidence_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ledger_item_history
    ADD CONSTRAINT ledger_item_history_pkey PRIMARY KEY (item_id, version);

ALTER TABLE ONLY public.ledger_item
    ADD CONSTRAINT ledger_item_number_unique UNIQUE (source_id, number);

ALTER TABLE ONLY public.ledger_item
    ADD CONSTRAINT ledger_item_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ledger_progress
    ADD CONSTRAINT ledger_progress_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.ledger_source
    ADD CONSTRAINT ledger_source_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.parcel_count
    ADD CONSTRAINT parcel_count_pkey PRIMARY KEY (zone_code);

ALTER TABLE ONLY public.parcel_history
    ADD CONSTRAINT parcel_history_pkey PRIMARY KEY (parcel_id, version);

ALTER TABLE ONLY public.parcel
    ADD CONSTRAINT parcel_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.parcel_supply
    ADD CONSTRAINT parcel_supply_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.park
    ADD CONSTRAINT park_id_unique UNIQUE (id);

ALTER TABLE ONLY public.park
    ADD CONSTRAINT park_pkey PRIMARY KEY (zone_code, code);

ALTER TABLE ONLY public.premises_history
    ADD CONSTRAINT premises_history_pkey PRIMARY KEY (premises_id, version);

ALTER TABLE ONLY public.premises
    ADD CONSTRAINT premises_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rent_allocation
    ADD CONSTRAINT rent_allocation_pkey PRIMARY KEY (payment_id, bill_id);

ALTER TABLE ONLY public.rent_bill
    ADD CONSTRAINT rent_bill_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.rent_payment
    ADD CONSTRAINT rent_payment_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.reserve_block
    ADD CONSTRAINT reserve_block_pkey PRIMARY KEY (zone_code, land_uses, gap_m, block_id) DEFERRABLE;

ALTER TABLE ONLY public.reserve_set
    ADD CONSTRAINT reserve_set_pkey PRIMARY KEY (zone_code, land_uses, gap_m);

ALTER TABLE ONLY public.reserve_target
    ADD CONSTRAINT reserve_target_pkey PRIMARY KEY (zone_code, year);

ALTER TABLE ONLY public.zone
    ADD CONSTRAINT zone_pkey PRIMARY KEY (code);

CREATE INDEX construction_progress_parcel ON public.construction_progress USING btree (parcel_id, reported_on DESC, id DESC);

CREATE INDEX enterprise_indicator_year ON public.enterprise_indicator USING btree (year);

CREATE INDEX enterprise_tenancy_parcel ON public.enterprise_tenancy USING btree (parcel_id);

CREATE INDEX enterprise_zone ON public.enterprise USING btree (zone_code);

CREATE INDEX idle_exemption_parcel ON public.idle_exemption USING btree (parcel_id);

CREATE INDEX job_run_active ON public.job_run USING btree (status) WHERE (status = ANY (ARRAY['queued'::text, 'running'::text]));

CREATE INDEX job_run_recent ON public.job_run USING btree (kind, queued_at DESC);

CREATE INDEX lease_collection_lease ON public.lease_collection USING btree (lease_id, taken_on);

CREATE INDEX lease_parcel ON public.lease USING btree (parcel_id);

CREATE INDEX lease_premises ON public.lease USING btree (premises_id) WHERE (premises_id IS NOT NULL);

CREATE INDEX lease_zone ON public.lease USING btree (zone_code, status);

CREATE INDEX ledger_evidence_item ON public.ledger_evidence USING btree (item_id);

CREATE INDEX ledger_item_zone ON public.ledger_item USING btree (zone_code, status);

CREATE INDEX ledger_progress_item ON public.ledger_progress USING btree (item_id, entry_date, id);

CREATE INDEX ledger_source_zone ON public.ledger_source USING btree (zone_code);

CREATE INDEX parcel_area ON public.parcel USING btree (area_m2) WHERE (retired_at IS NULL);

CREATE INDEX parcel_clean ON public.parcel USING btree (zone_code, area_m2) WHERE ((status = 'clean_land'::text) AND (retired_at IS NULL));

CREATE INDEX parcel_clean_geog ON public.parcel USING gist (((geom)::public.geography)) WHERE ((status = 'clean_land'::text) AND (retired_at IS NULL));

CREATE UNIQUE INDEX parcel_code_unique ON public.parcel USING btree (zone_code, code);

CREATE INDEX parcel_geom_gist ON public.parcel USING gist (geom);

CREATE INDEX parcel_history_geom ON public.parcel_history USING gist (geom) WHERE (geom IS NOT NULL);

CREATE INDEX parcel_history_valid ON public.parcel_history USING btree (parcel_id, valid_from);

CREATE INDEX parcel_history_zone_valid ON public.parcel_history USING btree (zone_code, valid_from);

CREATE INDEX parcel_parents ON public.parcel USING gin (parent_ids) WHERE (parent_ids <> '{}'::bigint[]);

CREATE INDEX parcel_park ON public.parcel USING btree (park_code) WHERE (retired_at IS NULL);

CREATE INDEX parcel_planned_use ON public.parcel USING btree (planned_use text_pattern_ops) WHERE (retired_at IS NULL);

CREATE INDEX parcel_supplied ON public.parcel USING btree (zone_code, supply_id) INCLUDE (id, status, status_source, area_m2, registered_area_m2, park_code) WHERE ((supply_id IS NOT NULL) AND (retired_at IS NULL));

CREATE INDEX parcel_supply_parcel ON public.parcel_supply USING btree (parcel_id);

CREATE INDEX parcel_supply_recipient ON public.parcel_supply USING btree (recipient_credit_code);

CREATE INDEX park_boundary_gist ON public.park USING gist (boundary);

CREATE UNIQUE INDEX premises_code_unique ON public.premises USING btree (zone_code, code);

CREATE INDEX premises_footprint ON public.premises USING gist (footprint);

CREATE INDEX premises_parcel ON public.premises USING btree (parcel_id);

CREATE INDEX premises_vacant ON public.premises USING btree (zone_code, vacant_floor_area_m2) WHERE ((retired_at IS NULL) AND (vacant_floor_area_m2 > (0)::numeric));

CREATE INDEX rent_allocation_bill ON public.rent_allocation USING btree (bill_id);

CREATE INDEX rent_bill_closed ON public.rent_bill USING btree (zone_code, closed_on) WHERE (closed_on IS NOT NULL);

CREATE UNIQUE INDEX rent_bill_instalment_once ON public.rent_bill USING btree (plan_id, period_start) WHERE (kind = 'instalment'::text);

CREATE INDEX rent_bill_lease ON public.rent_bill USING btree (lease_id, due_on);

CREATE INDEX rent_bill_open ON public.rent_bill USING btree (zone_code, due_on) WHERE ((settled_on IS NULL) AND (closed_by IS NULL));

CREATE UNIQUE INDEX rent_bill_rent_once ON public.rent_bill USING btree (lease_id, period_start) WHERE (kind = 'rent'::text);

CREATE INDEX rent_bill_settled ON public.rent_bill USING btree (zone_code, settled_on) WHERE (settled_on IS NOT NULL);

CREATE INDEX rent_payment_lease ON public.rent_payment USING btree (lease_id);

CREATE UNIQUE INDEX rent_payment_reference ON public.rent_payment USING btree (zone_code, reference) WHERE (reference IS NOT NULL);

CREATE INDEX rent_payment_unmatched ON public.rent_payment USING btree (zone_code) WHERE (allocated_yuan < amount_yuan);

CREATE INDEX reserve_block_geog ON public.reserve_block USING gist (geog) WHERE (geog IS NOT NULL);

CREATE INDEX reserve_block_geom ON public.reserve_block USING gist (geom);

CREATE TRIGGER api_key_changed AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON public.api_key FOR EACH STATEMENT EXECUTE FUNCTION public.notify_changed();

CREATE TRIGGER clean_land_inserted AFTER INSERT ON public.parcel REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.clean_land_inserted();

CREATE TRIGGER clean_land_updated AFTER UPDATE ON public.parcel FOR EACH ROW WHEN (((old.status = 'clean_land'::text) OR (new.status = 'clean_land'::text))) EXECUTE FUNCTION public.clean_land_updated();

CREATE TRIGGER lease_before_update BEFORE UPDATE ON public.lease FOR EACH ROW EXECUTE FUNCTION public.lease_before_update();

CREATE TRIGGER lease_collection_append_only BEFORE DELETE OR UPDATE ON public.lease_collection FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER lease_history_append_only BEFORE DELETE OR UPDATE ON public.lease_history FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER lease_never_deleted BEFORE DELETE ON public.lease FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER lease_written AFTER INSERT OR UPDATE ON public.lease FOR EACH ROW EXECUTE FUNCTION public.lease_written();

CREATE TRIGGER ledger_evidence_append_only BEFORE DELETE OR UPDATE ON public.ledger_evidence FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER ledger_item_before_update BEFORE UPDATE ON public.ledger_item FOR EACH ROW EXECUTE FUNCTION public.ledger_item_before_update();

CREATE TRIGGER ledger_item_history_append_only BEFORE DELETE OR UPDATE ON public.ledger_item_history FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER ledger_item_never_deleted BEFORE DELETE ON public.ledger_item FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER ledger_item_written AFTER INSERT OR UPDATE ON public.ledger_item FOR EACH ROW EXECUTE FUNCTION public.ledger_item_written();

CREATE TRIGGER ledger_progress_append_only BEFORE DELETE OR UPDATE ON public.ledger_progress FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER parcel_before_write BEFORE INSERT OR UPDATE ON public.parcel FOR EACH ROW EXECUTE FUNCTION public.parcel_before_write();

CREATE TRIGGER parcel_changed_deleted AFTER DELETE ON public.parcel REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('geom');

CREATE TRIGGER parcel_changed_inserted AFTER INSERT ON public.parcel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('geom');

CREATE TRIGGER parcel_changed_truncated AFTER TRUNCATE ON public.parcel FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('geom');

CREATE TRIGGER parcel_changed_updated AFTER UPDATE ON public.parcel REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('geom');

CREATE TRIGGER parcel_count_inserted AFTER INSERT ON public.parcel REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.parcel_count_changed();

CREATE TRIGGER parcel_count_updated AFTER UPDATE ON public.parcel REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.parcel_count_changed();

CREATE TRIGGER parcel_history_append_only BEFORE DELETE OR UPDATE ON public.parcel_history FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER parcel_history_inserted AFTER INSERT ON public.parcel REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION public.parcel_history_inserted();

CREATE TRIGGER parcel_history_updated AFTER UPDATE ON public.parcel FOR EACH ROW EXECUTE FUNCTION public.parcel_history_updated();

CREATE TRIGGER parcel_never_deleted BEFORE DELETE ON public.parcel FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER parcel_supply_append_only BEFORE DELETE OR UPDATE ON public.parcel_supply FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE CONSTRAINT TRIGGER parcel_supply_recipient_zone AFTER INSERT ON public.parcel_supply DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.parcel_supply_recipient_zone();

CREATE TRIGGER park_changed_deleted AFTER DELETE ON public.park REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('boundary');

CREATE TRIGGER park_changed_inserted AFTER INSERT ON public.park REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('boundary');

CREATE TRIGGER park_changed_truncated AFTER TRUNCATE ON public.park FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('boundary');

CREATE TRIGGER park_changed_updated AFTER UPDATE ON public.park REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.notify_extent_changed('boundary');

CREATE TRIGGER premises_before_write BEFORE INSERT OR UPDATE ON public.premises FOR EACH ROW EXECUTE FUNCTION public.premises_before_write();

CREATE TRIGGER premises_history_append_only BEFORE DELETE OR UPDATE ON public.premises_history FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER premises_history_written AFTER INSERT OR UPDATE ON public.premises FOR EACH ROW EXECUTE FUNCTION public.premises_history_written();

CREATE TRIGGER premises_never_deleted BEFORE DELETE ON public.premises FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

CREATE TRIGGER rent_allocation_append_only BEFORE DELETE OR UPDATE ON public.rent_allocation FOR EACH ROW EXECUTE FUNCTION public.register_append_only();

ALTER TABLE ONLY public.construction_progress
    ADD CONSTRAINT construction_progress_parcel_fk FOREIGN KEY (parcel_id) REFERENCES public.parcel(id);

ALTER TABLE ONLY public.contract_minimums
    ADD CONSTRAINT contract_minimums_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.enterprise_indicator
    ADD CONSTRAINT enterprise_indicator_enterprise_fk FOREIGN KEY (credit_code) REFERENCES public.enterprise(credit_code);

ALTER TABLE ONLY public.enterprise_tenancy
    ADD CONSTRAINT enterprise_tenancy_enterprise_fk FOREIGN KEY (credit_code) REFERENCES public.enterprise(credit_code);

ALTER TABLE ONLY public.enterprise_tenancy
    ADD CONSTRAINT enterprise_tenancy_parcel_fk FOREIGN KEY (parcel_id) REFERENCES public.parcel(id);

ALTER TABLE ONLY public.enterprise
    ADD CONSTRAINT enterprise_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.evaluation_current
    ADD CONSTRAINT evaluation_current_run_fk FOREIGN KEY (run_id) REFERENCES public.job_run(id);

ALTER TABLE ONLY public.evaluation_scheme
    ADD CONSTRAINT evaluation_scheme_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.idle_current
    ADD CONSTRAINT idle_current_run_fk FOREIGN KEY (run_id) REFERENCES public.job_run(id);

ALTER TABLE ONLY public.idle_exemption
    ADD CONSTRAINT idle_exemption_parcel_fk FOREIGN KEY (parcel_id) REFERENCES public.parcel(id);

ALTER TABLE ONLY public.job_run
    ADD CONSTRAINT job_run_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.land_generation
    ADD CONSTRAINT land_generation_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.land_use_legacy
    ADD CONSTRAINT land_use_legacy_use_fk FOREIGN KEY (use_code) REFERENCES public.land_use(code);

ALTER TABLE ONLY public.land_use
    ADD CONSTRAINT land_use_parent_fk FOREIGN KEY (parent) REFERENCES public.land_use(code);

ALTER TABLE ONLY public.lease_collection
    ADD CONSTRAINT lease_collection_lease_fk FOREIGN KEY (lease_id) REFERENCES public.lease(id);

ALTER TABLE ONLY public.lease
    ADD CONSTRAINT lease_parcel_fk FOREIGN KEY (parcel_id) REFERENCES public.parcel(id);

ALTER TABLE ONLY public.lease
    ADD CONSTRAINT lease_premises_fk FOREIGN KEY (premises_id) REFERENCES public.premises(id);

ALTER TABLE ONLY public.lease
    ADD CONSTRAINT lease_use_fk FOREIGN KEY (use_code) REFERENCES public.land_use(code);

ALTER TABLE ONLY public.lease
    ADD CONSTRAINT lease_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.ledger_evidence
    ADD CONSTRAINT ledger_evidence_item_fk FOREIGN KEY (item_id) REFERENCES public.ledger_item(id);

ALTER TABLE ONLY public.ledger_item
    ADD CONSTRAINT ledger_item_source_fk FOREIGN KEY (source_id) REFERENCES public.ledger_source(id);

ALTER TABLE ONLY public.ledger_item
    ADD CONSTRAINT ledger_item_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.ledger_progress
    ADD CONSTRAINT ledger_progress_item_fk FOREIGN KEY (item_id) REFERENCES public.ledger_item(id);

ALTER TABLE ONLY public.ledger_source
    ADD CONSTRAINT ledger_source_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.parcel
    ADD CONSTRAINT parcel_actual_use_fk FOREIGN KEY (actual_use) REFERENCES public.land_use(code);

ALTER TABLE ONLY public.parcel_count
    ADD CONSTRAINT parcel_count_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.parcel
    ADD CONSTRAINT parcel_park_fk FOREIGN KEY (zone_code, park_code) REFERENCES public.park(zone_code, code);

ALTER TABLE ONLY public.parcel
    ADD CONSTRAINT parcel_planned_use_fk FOREIGN KEY (planned_use) REFERENCES public.land_use(code);

ALTER TABLE ONLY public.parcel
    ADD CONSTRAINT parcel_supply_fk FOREIGN KEY (supply_id) REFERENCES public.parcel_supply(id) DEFERRABLE;

ALTER TABLE ONLY public.parcel_supply
    ADD CONSTRAINT parcel_supply_parcel_fk FOREIGN KEY (parcel_id) REFERENCES public.parcel(id) DEFERRABLE;

ALTER TABLE ONLY public.parcel
    ADD CONSTRAINT parcel_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.park
    ADD CONSTRAINT park_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.premises
    ADD CONSTRAINT premises_parcel_fk FOREIGN KEY (parcel_id) REFERENCES public.parcel(id);

ALTER TABLE ONLY public.premises
    ADD CONSTRAINT premises_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.rent_allocation
    ADD CONSTRAINT rent_allocation_bill_fk FOREIGN KEY (bill_id) REFERENCES public.rent_bill(id);

ALTER TABLE ONLY public.rent_allocation
    ADD CONSTRAINT rent_allocation_payment_fk FOREIGN KEY (payment_id) REFERENCES public.rent_payment(id);

ALTER TABLE ONLY public.rent_bill
    ADD CONSTRAINT rent_bill_closed_fk FOREIGN KEY (closed_by) REFERENCES public.lease_collection(id);

ALTER TABLE ONLY public.rent_bill
    ADD CONSTRAINT rent_bill_lease_fk FOREIGN KEY (lease_id) REFERENCES public.lease(id);

ALTER TABLE ONLY public.rent_bill
    ADD CONSTRAINT rent_bill_plan_fk FOREIGN KEY (plan_id) REFERENCES public.lease_collection(id);

ALTER TABLE ONLY public.rent_payment
    ADD CONSTRAINT rent_payment_lease_fk FOREIGN KEY (lease_id) REFERENCES public.lease(id);

ALTER TABLE ONLY public.rent_payment
    ADD CONSTRAINT rent_payment_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

ALTER TABLE ONLY public.reserve_target
    ADD CONSTRAINT reserve_target_zone_fk FOREIGN KEY (zone_code) REFERENCES public.zone(code);

