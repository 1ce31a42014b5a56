-- constant-cost outbox counts (callback_counts, kept by triggers), the retention of ended sessions, the heartbeat row
-- One statement-level trigger per kind of change folds the rows it changed into one upsert per
-- (partner, state), in key order, so concurrent statements on several instances take the
-- counter rows' locks in the same order. The index over ended sessions is built while writes
-- wait: about a second per million sessions. callbacks_due goes: claims of partners not listed
-- find them in the counters and use the per-partner index, and one index less is one write
-- less per callback. The heartbeat row is written every few seconds, so that readiness knows
-- whether the store can write.
CREATE TABLE callback_counts (
  partner_id text NOT NULL,
  state      text NOT NULL CHECK (state IN ('pending', 'failed')),
  count      bigint NOT NULL,
  PRIMARY KEY (partner_id, state)
);
INSERT INTO callback_counts (partner_id, state, count)
  SELECT partner_id, state, count(*) FROM callbacks WHERE state IN ('pending', 'failed') GROUP BY partner_id, state;
CREATE FUNCTION callback_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO callback_counts (partner_id, state, count)
      SELECT partner_id, state, count(*) FROM new_rows WHERE state IN ('pending', 'failed')
      GROUP BY partner_id, state ORDER BY partner_id, state
      ON CONFLICT (partner_id, state) DO UPDATE SET count = callback_counts.count + excluded.count;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO callback_counts (partner_id, state, count)
      SELECT partner_id, state, sum(delta) FROM (
        SELECT partner_id, state, 1 AS delta FROM new_rows UNION ALL SELECT partner_id, state, -1 FROM old_rows) changes
      WHERE state IN ('pending', 'failed') GROUP BY partner_id, state HAVING sum(delta) <> 0 ORDER BY partner_id, state
      ON CONFLICT (partner_id, state) DO UPDATE SET count = callback_counts.count + excluded.count;
  ELSE
    INSERT INTO callback_counts (partner_id, state, count)
      SELECT partner_id, state, -count(*) FROM old_rows WHERE state IN ('pending', 'failed')
      GROUP BY partner_id, state ORDER BY partner_id, state
      ON CONFLICT (partner_id, state) DO UPDATE SET count = callback_counts.count + excluded.count;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER callbacks_counted_on_insert AFTER INSERT ON callbacks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION callback_counts_apply();
CREATE TRIGGER callbacks_counted_on_update AFTER UPDATE ON callbacks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION callback_counts_apply();
CREATE TRIGGER callbacks_counted_on_delete AFTER DELETE ON callbacks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION callback_counts_apply();
CREATE INDEX sessions_ended_by_time ON sessions (ended_at, id) WHERE status <> 'active';
DROP INDEX callbacks_due;
CREATE TABLE heartbeat (id integer PRIMARY KEY CHECK (id = 1), at bigint NOT NULL);
INSERT INTO heartbeat (id, at) VALUES (1, 0);
