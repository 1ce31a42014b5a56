/**
 * The SQLite store's writes as group commit (../group-commit.ts): a write is a synchronous
 * function of statements on the connection, and the writes of one event-loop turn run in
 * ONE `BEGIN IMMEDIATE … COMMIT`; each caller is answered only after that COMMIT. If one
 * write of a group throws, the group is rolled back and each write is run again alone, in its
 * own transaction, so it fails alone (a rare path: constraint violations and I/O errors).
 * A transaction holds the event loop while it runs, so it starts no further write once its
 * writes took `GROUP_BUDGET_MS`: it commits those, and the rest go first in the next group,
 * a turn later, with requests served in between.
 */
import type Database from "libsql";
import { GroupCommit } from "../group-commit.js";

/**
 * Time after which a transaction starts no further write, milliseconds: a background
 * batch aims at 5 ms (10 ms for expiry), and the batches of several jobs that fall in one
 * turn would otherwise hold the event loop for their sum.
 */
export const GROUP_BUDGET_MS = 5;

/** A write: synchronous statements on the connection; what it returns answers its caller. */
export type Write = () => unknown;

/**
 * Group commit on `db`.
 *
 * @param afterCommit called after each group, outside any transaction (the WAL limit looks at
 *   the log's size there); a promise it returns holds the next groups until it settles
 * @param budgetMs time after which a transaction starts no further write, milliseconds
 *   (default `GROUP_BUDGET_MS`)
 */
export function sqliteWrites(
  db: Database.Database,
  afterCommit?: () => Promise<void> | void,
  budgetMs: number = GROUP_BUDGET_MS,
): GroupCommit<Write, unknown> {
  const begin = db.prepare("BEGIN IMMEDIATE");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  /**
   * Runs `writes` in one transaction, in order, until they took `budgetMs` (at least one
   * runs); returns the results of those that ran, or throws and rolls back.
   */
  const transaction = (writes: Write[]): unknown[] => {
    begin.run();
    try {
      const results: unknown[] = [];
      const started = performance.now();
      for (const write of writes) {
        results.push(write());
        if (performance.now() - started >= budgetMs) break;
      }
      commit.run();
      return results;
    } catch (error) {
      if (db.inTransaction) rollback.run();
      throw error;
    }
  };
  const queue: GroupCommit<Write, unknown> = new GroupCommit<Write, unknown>({
    // The writes the budget left out run first in the next group: their callers are answered once it commits.
    many: (writes) => {
      const results = transaction(writes);
      return [...results, ...writes.slice(results.length).map((write) => queue.run(write))];
    },
    single: (write) => transaction([write])[0],
    retryAlone: () => true,
    afterGroups: afterCommit,
  });
  return queue;
}
