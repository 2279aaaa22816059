-- The plan's statuses of its initiatives (達成 / 実施中 / 変更) decided after the review
-- report, each with the day it was decided. The catalog files keep the report's statuses
-- (as of its date); a row here is an administrator's later decision for one initiative.
--
-- decided_on: the day the status was decided; a replay as of a day reads, per initiative,
-- the latest decision on or before that day (for one day, the one recorded last), else the
-- report's status. recorded_at / recorded_by: when and by whom it was written down (which
-- may be later than decided_on). reason: required for a change (変更), optional otherwise.
-- Rows are never updated: a new decision is a new row. The audit trail keeps each one with
-- the status before it.

CREATE SEQUENCE initiative_status_id START 1;

CREATE TABLE initiative_status (
    id BIGINT PRIMARY KEY DEFAULT nextval('initiative_status_id'),
    initiative_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('achieved', 'in_progress', 'changed')),
    decided_on DATE NOT NULL,
    reason VARCHAR,
    recorded_by VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    CHECK (status <> 'changed' OR coalesce(reason, '') <> '')
);
