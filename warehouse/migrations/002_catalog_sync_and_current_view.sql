-- Remember which catalog content was synced, so that a second `shihyo init`
-- with unchanged files touches nothing; and name the current figures.

CREATE TABLE catalog_sync (
    fingerprint VARCHAR NOT NULL,
    synced_at TIMESTAMP NOT NULL
);

CREATE VIEW observation_current AS
SELECT indicator_id, period, org_unit, revision, value, note, load_id, recorded_at
FROM observation
WHERE superseded_at IS NULL;

CREATE INDEX load_sha256 ON load (sha256);
