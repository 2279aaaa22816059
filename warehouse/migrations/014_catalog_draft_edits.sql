-- The catalog desk edits what is in force too: kind edit (an indicator's owner or targets)
-- and goal (a policy's or area's goal fields), besides create and link. DuckDB cannot alter
-- a CHECK constraint, so the table is made anew with the wider one and its rows copied over
-- (ids kept; the sequence goes on from where it was).
--
-- For kind goal, indicator_id and initiative_id are '' and the payload names the policy or
-- area (payload.goal.id); edit and goal payloads keep the fields as they stood (before).

CREATE TABLE catalog_draft_015 (
    id BIGINT PRIMARY KEY DEFAULT nextval('catalog_draft_id'),
    kind VARCHAR NOT NULL CHECK (kind IN ('create', 'link', 'edit', 'goal')),
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

INSERT INTO catalog_draft_015 SELECT * FROM catalog_draft;
DROP TABLE catalog_draft;
ALTER TABLE catalog_draft_015 RENAME TO catalog_draft;
