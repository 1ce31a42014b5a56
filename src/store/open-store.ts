/**
 * `openStore(databaseUrl)`: the one place that picks the store from `DATABASE_URL`:
 * - a file path, a `file:` URL or `:memory:` → SQLite (`sqlite/`), the zero-configuration default;
 * - `postgres://` or `postgresql://` → PostgreSQL (`postgres/`), for several instances on one database;
 * - anything else → an Error naming the scheme.
 *
 * Every error it throws reads `DATABASE_URL <url with the password masked>: <problem>` on
 * one line, and never contains the password.
 */
import { databaseTarget, redactDatabaseUrl, redactSecrets } from "./database-url.js";
import { describePostgresError } from "./postgres/errors.js";
import { openPostgresStore, type PostgresStoreOptions } from "./postgres/store.js";
import type { SessionStore } from "./session-store.js";
import { openSqliteStore, type SqliteStoreOptions } from "./sqlite/store.js";

/** Options of `openStore`; each store reads its own. */
export interface OpenStoreOptions {
  sqlite?: Omit<SqliteStoreOptions, "location">;
  postgres?: Omit<PostgresStoreOptions, "url" | "onBackgroundError">;
  /** Errors of background work that no request sees (a dropped idle connection); logged by the caller. */
  onBackgroundError?: (error: Error) => void;
}

/**
 * The problem of `error` in one line, password masked, prefixed with the masked URL:
 * `DATABASE_URL postgres://app:***@127.0.0.1:5/db: connection refused by 127.0.0.1:5 (…)`.
 * For errors of `openStore` and of `migrate()`.
 */
export function describeStoreError(databaseUrl: string, error: unknown): string {
  let problem: string;
  try {
    problem = databaseTarget(databaseUrl).kind === "postgres" ? describePostgresError(error) : ((error as Error)?.message ?? String(error));
  } catch {
    problem = (error as Error)?.message ?? String(error);
  }
  return `DATABASE_URL ${redactDatabaseUrl(databaseUrl)}: ${redactSecrets(problem, databaseUrl)}`;
}

/**
 * Opens the store that `databaseUrl` names and checks that it answers; call `migrate()`
 * before use.
 *
 * @throws Error `DATABASE_URL <masked url>: <problem>` for an unknown scheme, an
 *   unreachable database, wrong credentials or a file that cannot be opened
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<SessionStore> {
  try {
    const target = databaseTarget(databaseUrl);
    if (target.kind === "postgres")
      return await openPostgresStore({ ...options.postgres, url: target.url, onBackgroundError: options.onBackgroundError });
    return await openSqliteStore({ ...options.sqlite, location: target.location, onBackgroundError: options.onBackgroundError });
  } catch (error) {
    throw new Error(describeStoreError(databaseUrl, error));
  }
}
