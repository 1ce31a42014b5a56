/**
 * Migrations of the PostgreSQL store (../migrations/postgres/*.sql, run by
 * ../migrations/migrator.ts). Table `schema_migrations` records each applied version with
 * its description. A run is ONE transaction that first takes a transaction-scoped advisory
 * lock: instances that start together wait for each other, and the later ones find nothing
 * left to do.
 */
import type pg from "pg";
import { applyPending, type MigrationReport } from "../migrations/migrator.js";

/**
 * How long one migration statement may take, milliseconds (30 min): a migration may build
 * an index on a large table, and a start waits here for another's migration, both far
 * longer than the pool's request timeouts (store.ts), which the migration sets aside.
 */
const MIGRATION_STATEMENT_TIMEOUT_MS = 30 * 60 * 1000;

/** Key of the advisory lock that serialises migrations of concurrent starts ("session-api migrate"). */
const MIGRATION_LOCK_KEY = 0x5e5510a;

/**
 * Applies the migrations not yet recorded in `schema_migrations`; see the module comment.
 *
 * @returns the files applied and the version reached
 * @throws Error when the database has a schema version newer than this code knows, or a
 *   migration fails (nothing is applied then)
 */
export async function migratePostgres(pool: pg.Pool): Promise<MigrationReport> {
  const client = await pool.connect();
  // The pool's client-side limit would cut a long migration short: each statement gets its own.
  const query = (text: string, values?: unknown[]) =>
    client.query({ text, values, query_timeout: MIGRATION_STATEMENT_TIMEOUT_MS } as pg.QueryConfig);
  try {
    await query("BEGIN");
    await query(`SET LOCAL statement_timeout = ${MIGRATION_STATEMENT_TIMEOUT_MS}`);
    await query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await query(`CREATE TABLE IF NOT EXISTS schema_migrations (
                   version     integer PRIMARY KEY,
                   description text NOT NULL,
                   applied_at  timestamptz NOT NULL DEFAULT now())`);
    const report = await applyPending("postgres", {
      appliedVersions: async () => {
        const { rows } = await query("SELECT version FROM schema_migrations ORDER BY version");
        return rows.map((row) => Number(row.version));
      },
      run: async (sql) => void (await query(sql)),
      record: async (file) => {
        await query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", [file.version, file.description]);
      },
    });
    await query("COMMIT");
    client.release();
    return report;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    client.release(true); // the connection may be broken: do not return it to the pool
    throw error;
  }
}
