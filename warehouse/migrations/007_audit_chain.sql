-- A tamper-evident audit trail. Each entry carries the hash of the one before it
-- (prev_hash) and its own (entry_hash): the SHA-256 of the canonical JSON of the row,
-- prev_hash included, in the order of warehouse/audit.py's CANONICAL. Changing, deleting
-- or inserting a row with plain SQL breaks the chain at that row, which
-- `shihyo audit verify` reports. os_actor: the operating-system user of the process that
-- wrote the entry; stated_by: whom the caller said it acted for (`--as`), not verified.
-- The rows written before this migration are chained here, in id order.

ALTER TABLE audit ADD COLUMN os_actor VARCHAR;
ALTER TABLE audit ADD COLUMN stated_by VARCHAR;
ALTER TABLE audit ADD COLUMN prev_hash VARCHAR;
ALTER TABLE audit ADD COLUMN entry_hash VARCHAR;

CREATE TEMPORARY TABLE audit_chain_backfill AS
WITH RECURSIVE ordered AS (
    SELECT row_number() OVER (ORDER BY id) AS n, * FROM audit
),
chain(n, id, entry_hash) USING KEY (n) AS (
    SELECT n, id, sha256(to_json({
        id: id,
        changed_at: strftime(changed_at, '%Y-%m-%dT%H:%M:%S.%f'),
        actor: actor,
        os_actor: os_actor,
        stated_by: stated_by,
        action: action,
        entity: entity,
        entity_id: entity_id,
        before: before,
        after: after,
        prev_hash: NULL::VARCHAR
    })::VARCHAR)
    FROM ordered WHERE n = 1
    UNION
    SELECT o.n, o.id, sha256(to_json({
        id: o.id,
        changed_at: strftime(o.changed_at, '%Y-%m-%dT%H:%M:%S.%f'),
        actor: o.actor,
        os_actor: o.os_actor,
        stated_by: o.stated_by,
        action: o.action,
        entity: o.entity,
        entity_id: o.entity_id,
        before: o.before,
        after: o.after,
        prev_hash: c.entry_hash
    })::VARCHAR)
    FROM chain c JOIN ordered o ON o.n = c.n + 1
)
SELECT id, entry_hash, lag(entry_hash) OVER (ORDER BY id) AS prev_hash FROM chain;

UPDATE audit SET entry_hash = b.entry_hash, prev_hash = b.prev_hash
FROM audit_chain_backfill b WHERE audit.id = b.id;

DROP TABLE audit_chain_backfill;
