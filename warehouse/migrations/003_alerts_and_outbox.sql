-- Alerts as a state machine per condition key, and the outbox that carries their
-- notifications: a message is written before it is sent and marked sent only on
-- success. Channel URLs are not stored (they hold secrets): only a masked form and
-- a hash to find the URL again in the configuration.

CREATE SEQUENCE alert_id START 1;

CREATE TABLE alert (
    id BIGINT PRIMARY KEY DEFAULT nextval('alert_id'),
    key VARCHAR NOT NULL,
    rule VARCHAR NOT NULL CHECK (rule IN ('missed', 'off_track', 'at_risk', 'late',
                                          'validation_failed', 'no_indicator')),
    recipient VARCHAR NOT NULL,
    indicator_id VARCHAR,
    target_id VARCHAR,
    initiative_id VARCHAR,
    load_id BIGINT,
    state VARCHAR NOT NULL CHECK (state IN ('open', 'resolved')),
    opened_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    notified_at TIMESTAMP,
    resolved_at TIMESTAMP,
    resolution_notified_at TIMESTAMP,
    summary VARCHAR NOT NULL,
    summary_en VARCHAR NOT NULL,
    details JSON
);

CREATE SEQUENCE message_id START 1;

CREATE TABLE outbox (
    id BIGINT PRIMARY KEY DEFAULT nextval('message_id'),
    created_at TIMESTAMP NOT NULL,
    recipient VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    channel_hash VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    alert_ids JSON NOT NULL,
    -- no_channel: written while the recipient had no channel; rerouted: copied to the
    -- recipient's channels once it had some
    state VARCHAR NOT NULL CHECK (state IN ('pending', 'sent', 'no_channel', 'rerouted')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error VARCHAR,
    next_attempt_at TIMESTAMP,
    sent_at TIMESTAMP
);
