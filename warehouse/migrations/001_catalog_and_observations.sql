-- The catalog (synced from indicators/catalog/*.yaml), the figures, and the loads
-- that brought them. No foreign keys: the catalog is replaced wholesale on sync,
-- while observations and loads are kept for ever.

CREATE TABLE plan (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    start_fy INTEGER NOT NULL,
    end_fy INTEGER NOT NULL,
    report_title VARCHAR,
    report_title_en VARCHAR,
    report_published VARCHAR,
    report_publisher VARCHAR,
    admin_owner VARCHAR
);

CREATE TABLE policy (
    id VARCHAR PRIMARY KEY,
    plan_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    reported_achieved INTEGER,
    reported_in_progress INTEGER,
    reported_changed INTEGER
);

CREATE TABLE area (
    id VARCHAR PRIMARY KEY,
    policy_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    reported_achieved INTEGER,
    reported_in_progress INTEGER,
    reported_changed INTEGER,
    note VARCHAR
);

CREATE TABLE initiative (
    id VARCHAR PRIMARY KEY,
    seq INTEGER NOT NULL,
    number VARCHAR,
    area_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('achieved', 'in_progress', 'changed')),
    text VARCHAR NOT NULL,
    subitem VARCHAR,
    group_text VARCHAR,
    reason VARCHAR,
    note VARCHAR,
    reconstructed BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE owner (
    id VARCHAR PRIMARY KEY,
    seq INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    assumed BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE indicator (
    id VARCHAR PRIMARY KEY,
    seq INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    unit VARCHAR NOT NULL,
    unit_en VARCHAR,
    frequency VARCHAR NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'fiscal_year')),
    kind VARCHAR NOT NULL CHECK (kind IN ('stock', 'flow', 'cumulative')),
    direction VARCHAR NOT NULL CHECK (direction IN ('higher', 'lower')),
    owner_id VARCHAR NOT NULL,
    min_value DOUBLE,
    max_value DOUBLE,
    tolerance DOUBLE NOT NULL,
    due_day INTEGER NOT NULL,
    description VARCHAR
);

CREATE TABLE indicator_initiative (
    indicator_id VARCHAR NOT NULL,
    initiative_id VARCHAR NOT NULL,
    PRIMARY KEY (indicator_id, initiative_id)
);

-- The report's own figures; role 'baseline' is the one targets start from.
CREATE TABLE report_figure (
    indicator_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL CHECK (role IN ('baseline', 'reported')),
    seq INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    date DATE NOT NULL,
    window_kind VARCHAR,
    approximate BOOLEAN NOT NULL DEFAULT false,
    source VARCHAR,
    PRIMARY KEY (indicator_id, role, seq)
);

CREATE TABLE target (
    id VARCHAR PRIMARY KEY,
    indicator_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    due DATE NOT NULL,
    window_kind VARCHAR,
    path VARCHAR NOT NULL CHECK (path IN ('linear', 'step')),
    tolerance DOUBLE,
    illustrative BOOLEAN NOT NULL DEFAULT false,
    note VARCHAR
);

CREATE SEQUENCE load_id START 1;

-- One ingested file.
CREATE TABLE load (
    id BIGINT PRIMARY KEY DEFAULT nextval('load_id'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    uploaded_by VARCHAR,
    section VARCHAR,
    received_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('loaded', 'partial', 'rejected')),
    rows_total INTEGER NOT NULL DEFAULT 0,
    rows_accepted INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    validation JSON,
    message VARCHAR
);

-- One figure. A corrected figure for the same (indicator, period, org_unit) is a
-- new revision; the one it replaces gets superseded_at and stays queryable.
-- period is the first day of the month, quarter or fiscal year it covers.
CREATE TABLE observation (
    indicator_id VARCHAR NOT NULL,
    period DATE NOT NULL,
    org_unit VARCHAR NOT NULL DEFAULT '',
    revision INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    note VARCHAR,
    load_id BIGINT,
    recorded_at TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP,
    PRIMARY KEY (indicator_id, period, org_unit, revision)
);

-- Rejected rows, with why.
CREATE TABLE quarantine (
    load_id BIGINT NOT NULL,
    row_number INTEGER,
    column_name VARCHAR,
    value VARCHAR,
    rule VARCHAR,
    reason VARCHAR NOT NULL,
    reason_en VARCHAR
);
