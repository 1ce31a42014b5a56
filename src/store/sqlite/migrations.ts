/**
 * Schema migrations of the SQLite store, applied in order. `PRAGMA user_version` holds
 * the number of migrations applied; add new ones at the end, never edit an applied one.
 */

/**
 * SQL that makes a random UUID v4 in lowercase (RFC 9562 layout: version nibble 4, variant
 * 8–b), from SQLite's `randomblob` (its CSPRNG). Evaluated once per row.
 */
export const sqliteUuidV4 = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
  substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;

/**
 * The SQLite schema, one SQL script per version: entry N - 1 takes the database from
 * version N - 1 to N (`PRAGMA user_version`). Append only; never edit an applied entry.
 * Applied by `SessionStore.migrate()` (`npm run migrate`, and the server on start).
 */
export const migrations: readonly string[] = [
  `CREATE TABLE sessions (
     id                 TEXT PRIMARY KEY,
     partner_id         TEXT NOT NULL,
     player_id          TEXT NOT NULL,
     player_nickname    TEXT,
     game_id            TEXT NOT NULL,
     game_type          TEXT NOT NULL CHECK (game_type IN ('slot', 'table')),
     currency           TEXT NOT NULL,
     language           TEXT NOT NULL,
     partner_session_id TEXT NOT NULL,
     player_ip          TEXT NOT NULL,
     token_hash         TEXT NOT NULL UNIQUE,
     status             TEXT NOT NULL CHECK (status IN ('active', 'closed', 'expired')),
     history_cleared    INTEGER NOT NULL DEFAULT 0,
     created_at         INTEGER NOT NULL,
     last_activity_at   INTEGER NOT NULL,
     ended_at           INTEGER
   );
   CREATE INDEX sessions_by_player ON sessions (partner_id, player_id, status);
   CREATE INDEX sessions_by_idleness ON sessions (status, last_activity_at);

   CREATE TABLE idempotency_keys (
     partner_id   TEXT NOT NULL,
     uuid         TEXT NOT NULL,
     operation_id TEXT NOT NULL,
     fingerprint  TEXT NOT NULL,
     session_id   TEXT,
     created_at   INTEGER NOT NULL,
     PRIMARY KEY (partner_id, uuid)
   );
   CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

   CREATE TABLE callbacks (
     session_id      TEXT PRIMARY KEY REFERENCES sessions (id),
     partner_id      TEXT NOT NULL,
     player_id       TEXT NOT NULL,
     state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
     attempts        INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     last_error      TEXT,
     updated_at      INTEGER NOT NULL
   );
   CREATE INDEX callbacks_due ON callbacks (state, next_attempt_at);`,
  // 2: the delivery lease of a callback (claimDueCallbacks), as in the PostgreSQL store.
  `ALTER TABLE callbacks ADD COLUMN leased_until INTEGER;
   ALTER TABLE callbacks ADD COLUMN lease TEXT;`,
  // 3: the outbox of issue 9: a stable callback id, the first-created time, the last
  // answer's status and the delivery time; indexes for claims per partner, the list and
  // the age of the oldest pending callback. Rows queued before get an id now.
  `ALTER TABLE callbacks ADD COLUMN callback_id TEXT;
   ALTER TABLE callbacks ADD COLUMN created_at INTEGER;
   ALTER TABLE callbacks ADD COLUMN last_status INTEGER;
   ALTER TABLE callbacks ADD COLUMN delivered_at INTEGER;
   UPDATE callbacks SET callback_id = ${sqliteUuidV4},
                        created_at = COALESCE((SELECT ended_at FROM sessions WHERE sessions.id = callbacks.session_id), updated_at),
                        delivered_at = CASE WHEN state = 'delivered' THEN updated_at END;
   CREATE UNIQUE INDEX callbacks_by_callback_id ON callbacks (callback_id);
   CREATE INDEX callbacks_due_by_partner ON callbacks (partner_id, state, next_attempt_at);
   CREATE INDEX callbacks_by_age ON callbacks (state, created_at);`,
  // 4: the retention of delivered callbacks (forgetDeliveredCallbacks, CALLBACK_RETENTION_DAYS).
  `CREATE INDEX callbacks_delivered_by_time ON callbacks (delivered_at) WHERE state = 'delivered';`,
  // 5: constant-cost outbox counts and session retention. `callback_counts` holds the
  // number of pending and failed callbacks per partner, kept exact by triggers in the
  // transaction of every change (so /health and /metrics read a few rows instead of
  // counting the outbox); `sessions_ended_by_time` drives the batched deletion of ended
  // sessions (forgetEndedSessions, SESSION_RETENTION_DAYS) in (ended_at, id) order.
  // callbacks_due goes: claims of partners not listed now find them in the counters and
  // use the per-partner index, and one index less is one write less per callback. The
  // heartbeat row is written every few seconds to know whether the store can write.
  `CREATE TABLE callback_counts (
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
   INSERT INTO heartbeat (id, at) VALUES (1, 0);`,
];
