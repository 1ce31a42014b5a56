-- the callback outbox: callback id, first-created time, last status, delivery time; indexes per partner and by age
-- Rows queued before get an id and their session's end as creation time now.
ALTER TABLE callbacks ADD COLUMN callback_id text, ADD COLUMN created_at bigint,
                      ADD COLUMN last_status integer, ADD COLUMN delivered_at bigint;
UPDATE callbacks c SET callback_id = gen_random_uuid()::text, created_at = coalesce(s.ended_at, c.updated_at),
                       delivered_at = CASE WHEN c.state = 'delivered' THEN c.updated_at END
FROM sessions s WHERE s.id = c.session_id;
ALTER TABLE callbacks ALTER COLUMN callback_id SET NOT NULL, ALTER COLUMN created_at SET NOT NULL;
CREATE UNIQUE INDEX callbacks_by_callback_id ON callbacks (callback_id);
CREATE INDEX callbacks_due_by_partner ON callbacks (partner_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX callbacks_pending_by_age ON callbacks (created_at) WHERE state = 'pending';
CREATE INDEX callbacks_by_partner_state ON callbacks (partner_id, state, created_at);
