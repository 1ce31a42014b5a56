/**
 * Schema migrations of the PostgreSQL store, applied in order by `migratePostgres`. The
 * table `schema_migrations` records each applied version; add new migrations at the end,
 * never edit an applied one. Times are epoch milliseconds (`bigint`), like the SQLite store.
 */
import type pg from "pg";

/** One schema change. */
export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration, in version order (1, 2, …). */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    description: "sessions, idempotency keys, session expired callbacks with a delivery lease",
    sql: `
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
      CREATE INDEX callbacks_due ON callbacks (next_attempt_at) WHERE state = 'pending';`,
  },
  {
    version: 2,
    description: "the callback outbox: callback id, first-created time, last status, delivery time; indexes per partner and by age",
    sql: `
      ALTER TABLE callbacks ADD COLUMN callback_id text, ADD COLUMN created_at bigint, ADD COLUMN last_status integer, ADD COLUMN delivered_at bigint;
      UPDATE callbacks c SET callback_id = gen_random_uuid()::text, created_at = coalesce(s.ended_at, c.updated_at),
                             delivered_at = CASE WHEN c.state = 'delivered' THEN c.updated_at END
      FROM sessions s WHERE s.id = c.session_id;
      ALTER TABLE callbacks ALTER COLUMN callback_id SET NOT NULL, ALTER COLUMN created_at SET NOT NULL;
      CREATE UNIQUE INDEX callbacks_by_callback_id ON callbacks (callback_id);
      CREATE INDEX callbacks_due_by_partner ON callbacks (partner_id, next_attempt_at) WHERE state = 'pending';
      CREATE INDEX callbacks_pending_by_age ON callbacks (created_at) WHERE state = 'pending';
      CREATE INDEX callbacks_by_partner_state ON callbacks (partner_id, state, created_at);`,
  },
  {
    version: 3,
    description: "the retention of delivered callbacks (CALLBACK_RETENTION_DAYS)",
    sql: `CREATE INDEX callbacks_delivered_by_time ON callbacks (delivered_at) WHERE state = 'delivered';`,
  },
  {
    version: 4,
    description: "constant-cost outbox counts (callback_counts, kept by triggers), the retention of ended sessions, the heartbeat row",
    // One statement-level trigger per kind of change folds the rows it changed into one
    // upsert per (partner, state), in key order, so concurrent statements on several
    // instances take the counter rows' locks in the same order. The index over ended
    // sessions is built while writes wait: about a second per million sessions.
    // callbacks_due goes: claims of partners not listed now find them in the counters and
    // use the per-partner index, and one index less is one write less per callback. The
    // heartbeat row is written every few seconds to know whether the store can write.
    sql: `
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
            SELECT partner_id, state, count(*) FROM new_rows WHERE state IN ('pending', 'failed') GROUP BY partner_id, state ORDER BY partner_id, state
            ON CONFLICT (partner_id, state) DO UPDATE SET count = callback_counts.count + excluded.count;
        ELSIF TG_OP = 'UPDATE' THEN
          INSERT INTO callback_counts (partner_id, state, count)
            SELECT partner_id, state, sum(delta) FROM (
              SELECT partner_id, state, 1 AS delta FROM new_rows UNION ALL SELECT partner_id, state, -1 FROM old_rows) changes
            WHERE state IN ('pending', 'failed') GROUP BY partner_id, state HAVING sum(delta) <> 0 ORDER BY partner_id, state
            ON CONFLICT (partner_id, state) DO UPDATE SET count = callback_counts.count + excluded.count;
        ELSE
          INSERT INTO callback_counts (partner_id, state, count)
            SELECT partner_id, state, -count(*) FROM old_rows WHERE state IN ('pending', 'failed') GROUP BY partner_id, state ORDER BY partner_id, state
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
      INSERT INTO heartbeat (id, at) VALUES (1, 0);`,
  },
];

/**
 * How long one migration statement may take, milliseconds (30 min): a migration may build
 * an index on a large table, and a start waits here for another's migration, both far
 * longer than the pool's request timeouts (store.ts), which the migration sets aside.
 */
const MIGRATION_STATEMENT_TIMEOUT_MS = 30 * 60 * 1000;

/** Key of the advisory lock that serialises migrations of concurrent starts ("session-api migrate"). */
const MIGRATION_LOCK_KEY = 0x5e5510a;

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in ONE transaction
 * that first takes a transaction-scoped advisory lock: instances that start together wait
 * for each other, and the later ones find nothing left to do.
 *
 * @throws Error when the database has a schema version newer than this code knows, or a
 *   migration fails (nothing is applied then)
 */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  // The pool's client-side limit would cut a long migration short: each statement gets its own.
  const query = (text: string, values?: unknown[]) => client.query({ text, values, query_timeout: MIGRATION_STATEMENT_TIMEOUT_MS } as pg.QueryConfig);
  try {
    await query("BEGIN");
    await query(`SET LOCAL statement_timeout = ${MIGRATION_STATEMENT_TIMEOUT_MS}`);
    await query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await query(`CREATE TABLE IF NOT EXISTS schema_migrations (
                          version     integer PRIMARY KEY,
                          description text NOT NULL,
                          applied_at  timestamptz NOT NULL DEFAULT now())`);
    const applied = Number((await query("SELECT coalesce(max(version), 0) AS version FROM schema_migrations")).rows[0].version);
    const known = postgresMigrations.at(-1)?.version ?? 0;
    if (applied > known) throw new Error(`the database has schema version ${applied}, newer than this server knows (${known}): upgrade the server`);
    for (const migration of postgresMigrations.filter((candidate) => candidate.version > applied)) {
      await query(migration.sql);
      await query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", [migration.version, migration.description]);
    }
    await query("COMMIT");
    client.release();
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release(true); // the connection may be broken: do not return it to the pool
    throw error;
  }
}
