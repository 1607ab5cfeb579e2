-- Enterprises and their yearly figures, the per-mu evaluation, idle land, and the background runs that compute them.

CREATE TABLE enterprise (
    credit_code           text PRIMARY KEY CONSTRAINT enterprise_credit_code_format CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    zone_code             text NOT NULL CONSTRAINT enterprise_zone_fk REFERENCES zone (code),
    name                  text NOT NULL CONSTRAINT enterprise_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    ownership_type        text CONSTRAINT enterprise_ownership CHECK (ownership_type IN
                              ('state', 'collective', 'private', 'foreign', 'hong_kong_macao_taiwan', 'joint', 'other')),
    industry_code         text CONSTRAINT enterprise_industry_code CHECK (industry_code ~ '^[A-T][0-9]{0,4}$'),
    main_products         text[] NOT NULL DEFAULT '{}',
    above_scale           boolean NOT NULL DEFAULT false,   -- 规上
    utility               boolean NOT NULL DEFAULT false,   -- water, power, gas…: not ranked (class T)
    production_started_on date,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    created_by            text NOT NULL,
    updated_by            text NOT NULL,
    version               bigint NOT NULL DEFAULT 1
);
CREATE INDEX enterprise_zone ON enterprise (zone_code);

-- Tenants: an enterprise on a parcel it does not hold, with a share of the parcel or a floor area.
-- Holders are not listed here: a parcel's holder is the recipient of its supply record.
CREATE TABLE enterprise_tenancy (
    credit_code   text NOT NULL CONSTRAINT enterprise_tenancy_enterprise_fk REFERENCES enterprise (credit_code),
    parcel_id     bigint NOT NULL CONSTRAINT enterprise_tenancy_parcel_fk REFERENCES parcel (id),
    share         numeric(6, 5) CONSTRAINT enterprise_tenancy_share CHECK (share > 0 AND share <= 1),
    floor_area_m2 numeric(12, 2) CONSTRAINT enterprise_tenancy_floor_area CHECK (floor_area_m2 > 0),
    PRIMARY KEY (credit_code, parcel_id),
    CONSTRAINT enterprise_tenancy_measure CHECK (share IS NOT NULL OR floor_area_m2 IS NOT NULL)
);
CREATE INDEX enterprise_tenancy_parcel ON enterprise_tenancy (parcel_id);

-- Yearly figures, in 万元 where money.
CREATE TABLE enterprise_indicator (
    credit_code     text NOT NULL CONSTRAINT enterprise_indicator_enterprise_fk REFERENCES enterprise (credit_code),
    year            integer NOT NULL CONSTRAINT enterprise_indicator_year CHECK (year BETWEEN 2000 AND 2100),
    tax_wan         numeric(14, 2) CONSTRAINT enterprise_indicator_tax CHECK (tax_wan >= 0),          -- 入库税收
    sales_wan       numeric(14, 2) CONSTRAINT enterprise_indicator_sales CHECK (sales_wan >= 0),      -- 开票销售
    revenue_wan     numeric(14, 2) CONSTRAINT enterprise_indicator_revenue CHECK (revenue_wan >= 0),  -- 营业收入
    value_added_wan numeric(14, 2),                                                                   -- 工业增加值
    employees       integer CONSTRAINT enterprise_indicator_employees CHECK (employees >= 0),
    energy_tce      numeric(14, 2) CONSTRAINT enterprise_indicator_energy CHECK (energy_tce >= 0),    -- 综合能耗, 吨标煤
    rnd_wan         numeric(14, 2) CONSTRAINT enterprise_indicator_rnd CHECK (rnd_wan >= 0),          -- 研发经费
    veto            text CONSTRAINT enterprise_indicator_veto CHECK (veto IN ('safety_accident', 'environmental_accident')),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NOT NULL,
    version         bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (credit_code, year)
);
CREATE INDEX enterprise_indicator_year ON enterprise_indicator (year);

-- Evaluation schemes per zone and year, versioned: a change adds a version.
CREATE TABLE evaluation_scheme (
    zone_code  text NOT NULL CONSTRAINT evaluation_scheme_zone_fk REFERENCES zone (code),
    year       integer NOT NULL,
    version    bigint NOT NULL,
    scheme     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL,
    PRIMARY KEY (zone_code, year, version)
);

-- Every run of a background job, on demand or scheduled. A node works on a run under a lease (its claim) and records
-- a heartbeat; Hangfire keeps its own tables in the schema "hangfire".
CREATE TABLE job_run (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CONSTRAINT job_run_kind CHECK (kind IN ('evaluation', 'idle_land')),
    zone_code    text NOT NULL CONSTRAINT job_run_zone_fk REFERENCES zone (code),
    year         integer,
    -- The day an idle-land run assesses.
    as_of        date,
    status       text NOT NULL DEFAULT 'queued' CONSTRAINT job_run_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    phase        text,
    progress     numeric(4, 3) NOT NULL DEFAULT 0,
    counts       jsonb NOT NULL DEFAULT '{}',
    error        text,
    requested_by text NOT NULL,
    node         text,
    attempts     integer NOT NULL DEFAULT 0,
    lease        uuid,
    queued_at    timestamptz NOT NULL DEFAULT now(),
    started_at   timestamptz,
    heartbeat_at timestamptz,
    finished_at  timestamptz
);
CREATE INDEX job_run_recent ON job_run (kind, queued_at DESC);
CREATE INDEX job_run_active ON job_run (status) WHERE status IN ('queued', 'running');

-- Results of evaluation runs; the results of a zone and year are those of the run evaluation_current names. A run
-- writes a hundred thousand rows at once: they carry no foreign key to their run (it exists: it writes them), and the
-- pointer that makes them current keeps its check.
CREATE TABLE evaluation_result (
    run_id         bigint NOT NULL,
    zone_code      text NOT NULL,
    year           integer NOT NULL,
    credit_code    text NOT NULL,
    holder_code    text,          -- for a tenant merged into its parcel's holder
    land_mu        numeric(14, 4) NOT NULL,
    tax_wan        numeric(14, 2),
    sales_wan      numeric(14, 2),
    energy_tce     numeric(14, 2),
    tax_per_mu     numeric(14, 4),
    sales_per_mu   numeric(14, 4),
    indicators     jsonb NOT NULL DEFAULT '{}',  -- every indicator's value, benchmark and points
    score          numeric(10, 4),
    rank           integer,
    ranked         integer,
    class          text NOT NULL CONSTRAINT evaluation_result_class CHECK (class IN ('A', 'B', 'C', 'D', 'T')),
    low_efficiency boolean NOT NULL DEFAULT false,
    note           text,
    -- The park of the enterprise's largest parcel, for per-park summaries.
    park_code      text,
    PRIMARY KEY (run_id, credit_code)
);

CREATE TABLE evaluation_current (
    zone_code text NOT NULL,
    year      integer NOT NULL,
    run_id    bigint NOT NULL CONSTRAINT evaluation_current_run_fk REFERENCES job_run (id),
    PRIMARY KEY (zone_code, year)
);

-- Construction on supplied land, as reported: what the idle-land rule reads.
CREATE TABLE construction_progress (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id       bigint NOT NULL CONSTRAINT construction_progress_parcel_fk REFERENCES parcel (id),
    reported_on     date NOT NULL,
    started_on      date,
    developed_share numeric(5, 4) CONSTRAINT construction_progress_developed CHECK (developed_share BETWEEN 0 AND 1),
    invested_share  numeric(5, 4) CONSTRAINT construction_progress_invested CHECK (invested_share BETWEEN 0 AND 1),
    stopped_since   date,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL
);
CREATE INDEX construction_progress_parcel ON construction_progress (parcel_id, reported_on DESC, id DESC);

-- Delays the government caused, which stop the idle-land clock (闲置土地处置办法 art. 8).
CREATE TABLE idle_exemption (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parcel_id  bigint NOT NULL CONSTRAINT idle_exemption_parcel_fk REFERENCES parcel (id),
    reason     text NOT NULL CONSTRAINT idle_exemption_reason CHECK (reason IN ('land_not_delivered', 'plan_revised',
                   'state_policy', 'petitions', 'military_or_heritage_control', 'other_government_act')),
    from_date  date NOT NULL,
    to_date    date CONSTRAINT idle_exemption_dates CHECK (to_date >= from_date),
    reference  text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL
);
CREATE INDEX idle_exemption_parcel ON idle_exemption (parcel_id);

-- Findings of idle-land runs; the current findings of a zone are those of the run idle_current names (as results).
CREATE TABLE idle_finding (
    run_id      bigint NOT NULL,
    zone_code   text NOT NULL,
    parcel_id   bigint NOT NULL,
    rule        text NOT NULL CONSTRAINT idle_finding_rule CHECK (rule IN ('not_started', 'stalled')),
    clock_from  date NOT NULL,
    idle_days   integer NOT NULL,
    exempt_days integer NOT NULL,
    fee_wan     numeric(14, 2),
    reclaimable boolean NOT NULL,
    PRIMARY KEY (run_id, parcel_id)
);

CREATE TABLE idle_current (
    zone_code text PRIMARY KEY,
    run_id    bigint NOT NULL CONSTRAINT idle_current_run_fk REFERENCES job_run (id)
);
