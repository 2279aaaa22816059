-- The officer's edits of the drafted review report, per edition (the as-of day and the
-- language) and block (an area's 主な取組 / 成果 / 課題・今後の予定等, the 3(2) 成果). Kept
-- as revisions like the commentary: a changed text is a new revision, the one before gets
-- superseded_at; an empty body withdraws the edit (the draft shows again). `draft` keeps
-- the drafted text the officer edited from, so the report can tell which of the edited
-- paragraphs are still the draft's and which a person wrote.
-- (010 is left for a migration written on another branch.)

CREATE SEQUENCE report_edit_id START 1;

CREATE TABLE report_edit (
    id BIGINT PRIMARY KEY DEFAULT nextval('report_edit_id'),
    as_of DATE NOT NULL,
    lang VARCHAR NOT NULL CHECK (lang IN ('ja', 'en')),
    block VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    draft VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP
);
