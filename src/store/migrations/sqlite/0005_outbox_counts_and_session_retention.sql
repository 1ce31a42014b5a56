-- constant-cost outbox counts (callback_counts, kept by triggers), the retention of ended sessions, the heartbeat row
-- callback_counts holds the number of pending and failed callbacks per partner, kept exact by
-- triggers in the transaction of every change, so /health and /metrics read a few rows instead
-- of counting the outbox. sessions_ended_by_time drives the batched deletion of ended sessions
-- (forgetEndedSessions, SESSION_RETENTION_DAYS) in (ended_at, id) order. callbacks_due goes:
-- claims of partners not listed find them in the counters and use the per-partner index, and
-- one index less is one write less per callback. The heartbeat row is written every few
-- seconds, so that readiness knows whether the store can write.
CREATE TABLE callback_counts (
  partner_id TEXT NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('pending', 'failed')),
  count      INTEGER NOT NULL,
  PRIMARY KEY (partner_id, state)
) WITHOUT ROWID;
INSERT INTO callback_counts (partner_id, state, count)
  SELECT partner_id, state, count(*) FROM callbacks WHERE state IN ('pending', 'failed') GROUP BY partner_id, state;
CREATE TRIGGER callbacks_counted_on_insert AFTER INSERT ON callbacks WHEN new.state IN ('pending', 'failed') BEGIN
  INSERT INTO callback_counts (partner_id, state, count) VALUES (new.partner_id, new.state, 1)
    ON CONFLICT (partner_id, state) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER callbacks_counted_on_update AFTER UPDATE OF state, partner_id ON callbacks
  WHEN old.state IS NOT new.state OR old.partner_id IS NOT new.partner_id BEGIN
  UPDATE callback_counts SET count = count - 1 WHERE partner_id = old.partner_id AND state = old.state;
  INSERT INTO callback_counts (partner_id, state, count) SELECT new.partner_id, new.state, 1 WHERE new.state IN ('pending', 'failed')
    ON CONFLICT (partner_id, state) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER callbacks_counted_on_delete AFTER DELETE ON callbacks WHEN old.state IN ('pending', 'failed') BEGIN
  UPDATE callback_counts SET count = count - 1 WHERE partner_id = old.partner_id AND state = old.state;
END;
CREATE INDEX sessions_ended_by_time ON sessions (ended_at, id) WHERE status <> 'active';
DROP INDEX callbacks_due;
CREATE TABLE heartbeat (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL);
INSERT INTO heartbeat (id, at) VALUES (1, 0);
