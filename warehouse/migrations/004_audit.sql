-- The audit trail: every change to targets, indicators, owners, alert channels and
-- users, and every load, with who, when, what, before and after. Append-only: the
-- code has no statement that updates or deletes a row of it.

CREATE SEQUENCE audit_id START 1;

CREATE TABLE audit (
    id BIGINT PRIMARY KEY DEFAULT nextval('audit_id'),
    changed_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR,
    before JSON,
    after JSON
);
