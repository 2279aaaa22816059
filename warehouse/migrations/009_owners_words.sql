-- The owners' words beside their figures, the actions they take on an indicator that is
-- off track, and the reminders sent before a due day.
--
-- commentary: per indicator and period, what moved and why (状況・要因). Kept as revisions
-- like the figures: a changed text is a new revision, the old one gets superseded_at, and a
-- replay as of a past day reads the revision in force then. An empty body withdraws it.
-- load_id: the upload that carried it (a `comment` column), NULL when written on a page.

CREATE SEQUENCE commentary_id START 1;

CREATE TABLE commentary (
    id BIGINT PRIMARY KEY DEFAULT nextval('commentary_id'),
    indicator_id VARCHAR NOT NULL,
    period DATE NOT NULL,
    revision INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    load_id BIGINT,
    recorded_at TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP
);

-- improvement_action: 改善策. Recorded by the indicator's owner section when it is off
-- track, missed or late: the cause, what will be done, by whom and by when; open until
-- closed as done. The audit trail keeps every change.

CREATE SEQUENCE improvement_action_id START 1;

CREATE TABLE improvement_action (
    id BIGINT PRIMARY KEY DEFAULT nextval('improvement_action_id'),
    indicator_id VARCHAR NOT NULL,
    section VARCHAR NOT NULL,
    raised_by_status VARCHAR,
    cause VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    assignee VARCHAR NOT NULL,
    due DATE NOT NULL,
    state VARCHAR NOT NULL CHECK (state IN ('open', 'done')),
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    closed_at TIMESTAMP,
    closed_by VARCHAR,
    outcome VARCHAR
);

-- reminder: one row per reminder written to the outbox, by its key (a section's figures
-- due on a day, an action's due day). The row and its messages are written in one
-- transaction, so a key is told once, whatever the channels do afterwards (the outbox
-- retries delivery).

CREATE TABLE reminder (
    key VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL CHECK (kind IN ('figures_due', 'action_due')),
    recipient VARCHAR NOT NULL,
    due DATE NOT NULL,
    written_at TIMESTAMP NOT NULL,
    details JSON
);
