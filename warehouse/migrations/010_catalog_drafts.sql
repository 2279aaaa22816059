-- Changes to the catalog proposed in the dashboard (the catalog desk), kept as drafts until
-- a second administrator decides on them (four eyes: the proposer cannot approve their own).
--
-- kind: create (a new indicator for an initiative) | link (an existing indicator made to
-- evidence one more initiative). payload: the change as the domain wrote it (JSON).
-- state: draft → approved | rejected. An approval records a new catalog version in force
-- from that moment (catalog_version_id), so that a replay as of an earlier day reads the
-- catalog without it. The audit trail keeps every step with its before and after.

CREATE SEQUENCE catalog_draft_id START 1;

CREATE TABLE catalog_draft (
    id BIGINT PRIMARY KEY DEFAULT nextval('catalog_draft_id'),
    kind VARCHAR NOT NULL CHECK (kind IN ('create', 'link')),
    initiative_id VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    payload JSON NOT NULL,
    state VARCHAR NOT NULL CHECK (state IN ('draft', 'approved', 'rejected')),
    proposed_by VARCHAR NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    decision_note VARCHAR,
    catalog_version_id BIGINT
);
