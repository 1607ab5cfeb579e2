-- The rectification ledger (整改台账): the findings of an audit, inspection or review, each tracked to its close-out
-- with measures, a lead unit, a deadline, progress and evidence, and linked to the register's own records so that the
-- register can measure the item's progress itself.

-- A new role: the second pair of eyes that closes (销号) an item someone else completed.
ALTER TABLE api_key DROP CONSTRAINT api_key_role;
ALTER TABLE api_key ADD CONSTRAINT api_key_role CHECK (role IN ('admin', 'planner', 'promoter', 'analyst', 'viewer', 'reviewer'));

CREATE TABLE ledger_source (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    zone_code    text NOT NULL CONSTRAINT ledger_source_zone_fk REFERENCES zone (code),
    title        text NOT NULL CONSTRAINT ledger_source_title CHECK (length(btrim(title)) BETWEEN 1 AND 300),
    issued_by    text NOT NULL CONSTRAINT ledger_source_issued_by CHECK (length(btrim(issued_by)) BETWEEN 1 AND 200),
    issued_on    date NOT NULL,
    kind         text NOT NULL CONSTRAINT ledger_source_kind CHECK (kind IN ('audit', 'inspection', 'supervision', 'self_review', 'other')),
    document_ref text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL
);
CREATE INDEX ledger_source_zone ON ledger_source (zone_code);

-- An item's links to the register (parcels, enterprises, premises, supply records, leases) and its measurable targets
-- are part of it: they change with it and are kept in its history.
CREATE TABLE ledger_item (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id          bigint NOT NULL CONSTRAINT ledger_item_source_fk REFERENCES ledger_source (id),
    zone_code          text NOT NULL CONSTRAINT ledger_item_zone_fk REFERENCES zone (code),
    number             text NOT NULL CONSTRAINT ledger_item_number CHECK (length(btrim(number)) BETWEEN 1 AND 32),
    problem            text NOT NULL CONSTRAINT ledger_item_problem CHECK (length(btrim(problem)) BETWEEN 1 AND 4000),
    measures           text[] NOT NULL CONSTRAINT ledger_item_measures CHECK (cardinality(measures) BETWEEN 1 AND 50),
    lead_unit          text NOT NULL CONSTRAINT ledger_item_lead_unit CHECK (length(btrim(lead_unit)) BETWEEN 1 AND 200),
    cooperating_units  text[] NOT NULL DEFAULT '{}',
    responsible_person text,
    deadline           date,
    long_term          boolean NOT NULL DEFAULT false,
    category           text NOT NULL CONSTRAINT ledger_item_category CHECK (category IN
                           ('reserves', 'idle_land', 'low_efficiency', 'contracts', 'rent', 'use_change', 'premises', 'institutions', 'other')),
    status             text NOT NULL DEFAULT 'not_started' CONSTRAINT ledger_item_status CHECK (status IN
                           ('not_started', 'in_progress', 'phase_completed', 'completed', 'closed')),
    -- Who marked it completed: the one who closes it must be someone else.
    completed_by       text,
    parcel_ids         bigint[] NOT NULL DEFAULT '{}',
    enterprise_codes   text[] NOT NULL DEFAULT '{}',
    premises_ids       bigint[] NOT NULL DEFAULT '{}',
    supply_ids         bigint[] NOT NULL DEFAULT '{}',
    lease_ids          bigint[] NOT NULL DEFAULT '{}',
    targets            jsonb NOT NULL DEFAULT '[]' CONSTRAINT ledger_item_targets CHECK (jsonb_typeof(targets) = 'array'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text NOT NULL,
    updated_by         text NOT NULL,
    version            bigint NOT NULL DEFAULT 1,
    CONSTRAINT ledger_item_number_unique UNIQUE (source_id, number),
    CONSTRAINT ledger_item_deadline CHECK (deadline IS NOT NULL OR long_term)
);
CREATE INDEX ledger_item_zone ON ledger_item (zone_code, status);

CREATE FUNCTION ledger_item_before_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER ledger_item_before_update BEFORE UPDATE ON ledger_item FOR EACH ROW EXECUTE FUNCTION ledger_item_before_update();

-- Every version of an item, valid from its progress entry's date (or when recorded), as parcels are kept.
CREATE TABLE ledger_item_history (
    item_id     bigint NOT NULL,
    version     bigint NOT NULL,
    recorded_at timestamptz NOT NULL,
    valid_from  timestamptz NOT NULL,
    kind        text NOT NULL,
    actor       text NOT NULL,
    reason      text,
    zone_code   text NOT NULL,
    state       jsonb NOT NULL,
    PRIMARY KEY (item_id, version)
);

CREATE FUNCTION ledger_item_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    change jsonb := recorded_change();
BEGIN
    INSERT INTO ledger_item_history (item_id, version, recorded_at, valid_from, kind, actor, reason, zone_code, state)
    VALUES (NEW.id, NEW.version, NEW.updated_at, coalesce((change ->> 'validFrom')::timestamptz, NEW.updated_at),
            coalesce(change ->> 'kind', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END),
            NEW.updated_by, change ->> 'reason', NEW.zone_code, to_jsonb(NEW));
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_item_written AFTER INSERT OR UPDATE ON ledger_item FOR EACH ROW EXECUTE FUNCTION ledger_item_written();

-- Evidence files, kept in the database with their digest; the server never renders them.
CREATE TABLE ledger_evidence (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id     bigint NOT NULL CONSTRAINT ledger_evidence_item_fk REFERENCES ledger_item (id),
    file_name   text NOT NULL CONSTRAINT ledger_evidence_name CHECK (length(file_name) BETWEEN 1 AND 255),
    media_type  text NOT NULL,
    size_bytes  bigint NOT NULL CONSTRAINT ledger_evidence_size CHECK (size_bytes > 0),
    sha256      text NOT NULL CONSTRAINT ledger_evidence_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content     bytea NOT NULL,
    description text,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    uploaded_by text NOT NULL
);
CREATE INDEX ledger_evidence_item ON ledger_evidence (item_id);

-- Each change of an item's status, and each report of progress, with its date, text and evidence.
CREATE TABLE ledger_progress (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id      bigint NOT NULL CONSTRAINT ledger_progress_item_fk REFERENCES ledger_item (id),
    entry_date   date NOT NULL,
    text         text NOT NULL CONSTRAINT ledger_progress_text CHECK (length(btrim(text)) BETWEEN 1 AND 4000),
    status_from  text NOT NULL,
    status_to    text NOT NULL,
    evidence_ids bigint[] NOT NULL DEFAULT '{}',
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL
);
CREATE INDEX ledger_progress_item ON ledger_progress (item_id, entry_date, id);

CREATE TRIGGER ledger_item_history_append_only BEFORE UPDATE OR DELETE ON ledger_item_history
    FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER ledger_evidence_append_only BEFORE UPDATE OR DELETE ON ledger_evidence FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER ledger_progress_append_only BEFORE UPDATE OR DELETE ON ledger_progress FOR EACH ROW EXECUTE FUNCTION register_append_only();
CREATE TRIGGER ledger_item_never_deleted BEFORE DELETE ON ledger_item FOR EACH ROW EXECUTE FUNCTION register_append_only();
