/**
 * The SQLite store's writes as group commit (../group-commit.ts): a write is a synchronous
 * function of statements on the connection, and the writes of one event-loop turn run in
 * ONE `BEGIN IMMEDIATE … COMMIT`; each caller is answered only after that COMMIT. If one
 * write of a group throws, the group is rolled back and each write is run again alone, in its
 * own transaction, so it fails alone (a rare path: constraint violations and I/O errors).
 */
import type Database from "libsql";
import { GroupCommit } from "../group-commit.js";

/** A write: synchronous statements on the connection; what it returns answers its caller. */
export type Write = () => unknown;

/**
 * Group commit on `db`.
 *
 * @param afterCommit called after each group, outside any transaction (the WAL limit looks at
 *   the log's size there); a promise it returns holds the next groups until it settles
 */
export function sqliteWrites(db: Database.Database, afterCommit?: () => Promise<void> | void): GroupCommit<Write, unknown> {
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  /** Runs `writes` in one transaction; returns their results, or throws and rolls back. */
  const transaction = (writes: Write[]): unknown[] => {
    begin.run();
    try {
      const results = writes.map((write) => write());
      commit.run();
      return results;
    } catch (error) {
      if (db.inTransaction) rollback.run();
      throw error;
    }
  };
  return new GroupCommit<Write, unknown>({
    many: transaction,
    single: (write) => transaction([write])[0],
    retryAlone: () => true,
    afterGroups: afterCommit,
  });
}
