-- sessions, idempotency keys, session expired callbacks
-- Times are epoch milliseconds (INTEGER), as in the PostgreSQL store.
CREATE TABLE sessions (
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
CREATE INDEX callbacks_due ON callbacks (state, next_attempt_at);
