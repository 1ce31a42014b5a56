/**
 * Migrations of the SQLite store (../migrations/sqlite/*.sql, run by ../migrations/migrator.ts).
 * The version is `PRAGMA user_version`: the number of files applied. A run is one
 * `BEGIN IMMEDIATE … COMMIT`, so another process that migrates the same file waits for the
 * write lock (busy_timeout) and then finds nothing left to do; within this process, runs on
 * one file take turns (a second connection's BEGIN IMMEDIATE would block the event loop that
 * the first run needs to finish).
 */
import type Database from "libsql";
import { applyPending, type MigrationReport } from "../migrations/migrator.js";

/** The run in progress per database file, in this process. */
const runs = new Map<string, Promise<MigrationReport>>();

/** Applies the pending migrations in one transaction; see the module comment. */
async function migrateNow(db: Database.Database): Promise<MigrationReport> {
  db.exec("BEGIN IMMEDIATE");
  try {
    const report = await applyPending("sqlite", {
      appliedVersions: async () => {
        const version = Number((db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version);
        return Array.from({ length: version }, (_, index) => index + 1);
      },
      run: async (sql) => void db.exec(sql),
      record: async (file) => void db.exec(`PRAGMA user_version = ${file.version}`),
    });
    db.exec("COMMIT");
    return report;
  } catch (error) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/**
 * Brings the database on `db` (the file at `path`) up to date.
 *
 * @returns the files applied and the version reached
 * @throws Error when the database's schema is newer than this code, or a file failed (nothing is applied then)
 */
export function migrateSqlite(db: Database.Database, path: string): Promise<MigrationReport> {
  const previous = path === ":memory:" ? undefined : runs.get(path);
  const run = (previous ?? Promise.resolve()).then(
    () => migrateNow(db),
    () => migrateNow(db),
  );
  if (path === ":memory:") return run;
  runs.set(path, run);
  const forget = () => void (runs.get(path) === run && runs.delete(path));
  run.then(forget, forget);
  return run;
}
