-- The catalog kept as versions: each sync (or approved change) records the whole catalog
-- as one JSON document, the model's own serialisation, so that a new catalog field needs
-- no change here, and a replay as of any day reads the catalog that was in force then.
-- The per-entity tables of migration 001 are dropped; `shihyo init` records the catalog
-- files as the first version.

CREATE SEQUENCE catalog_version_id START 1;

CREATE TABLE catalog_version (
    id BIGINT PRIMARY KEY DEFAULT nextval('catalog_version_id'),
    fingerprint VARCHAR NOT NULL,
    document JSON NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL
);

DROP TABLE plan;
DROP TABLE policy;
DROP TABLE area;
DROP TABLE initiative;
DROP TABLE owner;
DROP TABLE indicator;
DROP TABLE indicator_initiative;
DROP TABLE report_figure;
DROP TABLE target;
DROP TABLE catalog_sync;
