// The SQLite store's group commit (src/store/sqlite/transactions.ts) on a real database
// file: a turn's writes share one transaction until they took the time budget; the writes
// past it commit in the next group, a turn later, in their order, and each caller is
// answered with its own result once its write committed. A second connection tells the
// transactions apart: it sees a write only once its transaction committed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GroupCommit } from "../../../src/store/group-commit.js";
import { sqliteWrites } from "../../../src/store/sqlite/transactions.js";

describe("SQLite group commit", () => {
  let directory: string;
  let db: Database.Database;
  let reader: Database.Database;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "sqlite-writes-"));
    const file = join(directory, "writes.db");
    db = new Database(file);
    db.exec("PRAGMA journal_mode = WAL; CREATE TABLE log (n INTEGER)");
    reader = new Database(file, { readonly: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    reader.close();
    db.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** What a timed write answers: its number, and how many rows the reader saw committed when it ran. */
  type Answer = { n: number; committedBefore: number };
  /** A write that takes `ms` on the fake clock, inserts `n`, and answers what the reader saw committed before it. */
  const timedWrite = (clock: { now: number }, n: number, ms: number) => (): Answer => {
    clock.now += ms;
    db.prepare("INSERT INTO log (n) VALUES (?)").run(n);
    return { n, committedBefore: (reader.prepare("SELECT count(*) AS c FROM log").get() as { c: number }).c };
  };

  it("commits the writes of a turn that fit the budget together, and the rest in the next group, in order", async () => {
    const clock = { now: 0 };
    vi.spyOn(performance, "now").mockImplementation(() => clock.now);
    const queue = sqliteWrites(db, undefined, 5) as GroupCommit<() => unknown, Answer>;
    // 3 ms each: the first two take 6 ms, past the 5 ms budget; the last two go to the next group.
    const answers = await Promise.all([1, 2, 3, 4].map((n) => queue.run(timedWrite(clock, n, 3))));
    expect(answers).toEqual([
      { n: 1, committedBefore: 0 },
      { n: 2, committedBefore: 0 },
      { n: 3, committedBefore: 2 },
      { n: 4, committedBefore: 2 },
    ]);
    expect(reader.prepare("SELECT n FROM log ORDER BY rowid").all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it("runs a write that alone takes longer than the budget, and answers every caller of a turn of quick writes in one transaction", async () => {
    const clock = { now: 0 };
    vi.spyOn(performance, "now").mockImplementation(() => clock.now);
    const queue = sqliteWrites(db, undefined, 5) as GroupCommit<() => unknown, Answer>;
    const slow = await queue.run(timedWrite(clock, 1, 20));
    expect(slow).toEqual({ n: 1, committedBefore: 0 });
    const quick = await Promise.all([2, 3, 4].map((n) => queue.run(timedWrite(clock, n, 1))));
    expect(quick.map((answer) => answer.committedBefore)).toEqual([1, 1, 1]);
  });

  it("fails only the write that throws, also among writes the budget moved to the next group", async () => {
    const clock = { now: 0 };
    vi.spyOn(performance, "now").mockImplementation(() => clock.now);
    const queue = sqliteWrites(db, undefined, 5) as GroupCommit<() => unknown, Answer>;
    const failing = () => {
      clock.now += 3;
      throw new Error("a bad row");
    };
    const outcomes = await Promise.allSettled([
      queue.run(timedWrite(clock, 1, 3)),
      queue.run(timedWrite(clock, 2, 3)),
      queue.run(failing),
      queue.run(timedWrite(clock, 4, 3)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(reader.prepare("SELECT n FROM log ORDER BY n").all()).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
  });
});
