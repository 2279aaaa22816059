-- The figures without their primary-key index. The index on (indicator_id, period, org_unit,
-- revision) was about 90 % of the file (about 62 of 67 MB per million figures) and made each
-- load insert through it, while no question asked of the table used it: every read filters
-- or groups whole columns, which DuckDB scans. Uniqueness is kept where figures are written
-- (warehouse/loads.py): a load classifies its rows against the figures in force set-wise,
-- gives each changed key the next revision, and refuses to write a key twice.
-- DuckDB cannot drop a primary key in place: the table is made again, rows and all.

CREATE TABLE observation_unindexed (
    indicator_id VARCHAR NOT NULL,
    period DATE NOT NULL,
    org_unit VARCHAR NOT NULL DEFAULT '',
    revision INTEGER NOT NULL,
    value DOUBLE NOT NULL,
    note VARCHAR,
    load_id BIGINT,
    recorded_at TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP
);

INSERT INTO observation_unindexed
SELECT indicator_id, period, org_unit, revision, value, note, load_id, recorded_at, superseded_at
FROM observation
ORDER BY indicator_id, org_unit, period, revision;

DROP VIEW observation_current;
DROP TABLE observation;
ALTER TABLE observation_unindexed RENAME TO observation;

CREATE VIEW observation_current AS
SELECT indicator_id, period, org_unit, revision, value, note, load_id, recorded_at
FROM observation
WHERE superseded_at IS NULL;
