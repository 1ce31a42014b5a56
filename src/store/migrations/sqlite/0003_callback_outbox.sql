-- the callback outbox: callback id, first-created time, last status, delivery time; indexes per partner and by age
-- Rows queued before get an id (a UUID v4 from randomblob, as sqliteUuidV4 in sqlite/statements.ts
-- makes it) and their session's end as creation time now.
ALTER TABLE callbacks ADD COLUMN callback_id TEXT;
ALTER TABLE callbacks ADD COLUMN created_at INTEGER;
ALTER TABLE callbacks ADD COLUMN last_status INTEGER;
ALTER TABLE callbacks ADD COLUMN delivered_at INTEGER;
UPDATE callbacks SET callback_id = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
                                         substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) ||
                                         substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
                     created_at = COALESCE((SELECT ended_at FROM sessions WHERE sessions.id = callbacks.session_id), updated_at),
                     delivered_at = CASE WHEN state = 'delivered' THEN updated_at END;
CREATE UNIQUE INDEX callbacks_by_callback_id ON callbacks (callback_id);
CREATE INDEX callbacks_due_by_partner ON callbacks (partner_id, state, next_attempt_at);
CREATE INDEX callbacks_by_age ON callbacks (state, created_at);
