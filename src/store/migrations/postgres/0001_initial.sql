-- sessions, idempotency keys, session expired callbacks with a delivery lease
-- Times are epoch milliseconds (bigint), as in the SQLite store.
CREATE TABLE sessions (
  id                 text PRIMARY KEY,
  partner_id         text NOT NULL,
  player_id          text NOT NULL,
  player_nickname    text,
  game_id            text NOT NULL,
  game_type          text NOT NULL CHECK (game_type IN ('slot', 'table')),
  currency           text NOT NULL,
  language           text NOT NULL,
  partner_session_id text NOT NULL,
  player_ip          text NOT NULL,
  token_hash         text NOT NULL UNIQUE,
  status             text NOT NULL CHECK (status IN ('active', 'closed', 'expired')),
  history_cleared    boolean NOT NULL DEFAULT false,
  created_at         bigint NOT NULL,
  last_activity_at   bigint NOT NULL,
  ended_at           bigint
);
CREATE INDEX sessions_by_player ON sessions (partner_id, player_id, status);
CREATE INDEX sessions_active_by_idleness ON sessions (last_activity_at) WHERE status = 'active';

CREATE TABLE idempotency_keys (
  partner_id   text NOT NULL,
  uuid         text NOT NULL,
  operation_id text NOT NULL,
  fingerprint  text NOT NULL,
  session_id   text,
  created_at   bigint NOT NULL,
  PRIMARY KEY (partner_id, uuid)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

CREATE TABLE callbacks (
  session_id      text PRIMARY KEY REFERENCES sessions (id),
  partner_id      text NOT NULL,
  player_id       text NOT NULL,
  state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  last_error      text,
  updated_at      bigint NOT NULL,
  -- The delivery lease: the instance that claimed the callback owns it until then.
  leased_until    bigint,
  lease           text
);
CREATE INDEX callbacks_due ON callbacks (next_attempt_at) WHERE state = 'pending';
