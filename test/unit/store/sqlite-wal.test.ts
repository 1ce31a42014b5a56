// The SQLite write-ahead log stays bounded under sustained writes and shrinks back when
// they stop (it once grew without limit because the background checkpoints never caught
// up with the writer). Small sizes make it quick.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import { OVERSHOOT } from "../../../src/store/sqlite/wal-limit.js";

const dir = mkdtempSync(join(tmpdir(), "session-wal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KiB = 1024;
const restartBytes = 1024 * KiB;
/** The most log one group of the loop below writes, with room to spare. */
const GROUP_LOG_BYTES = 256 * KiB;

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
const walSize = (file: string) => sizeOf(`${file}-wal`);

it("keeps the log near its restart size while writes go on, and empties it once they stop", async () => {
  const file = join(dir, "sessions.db");
  const store = await openSqliteStore({
    location: file,
    checkpointIntervalMs: 5,
    idleTruncateMs: 100,
    walLimit: { restartBytes },
  });
  await store.migrate();
  let largest = 0;
  const databaseBefore = sizeOf(file);
  // A background job's writes beside the requests': they wait while the log restarts, and must all get through.
  const background: Array<Promise<number>> = [];
  for (let group = 0; group < 400; group++) {
    background.push(store.forgetIdempotencyKeys(0, 10));
    // 50 writes in one turn of the event loop: one group, one commit.
    await Promise.all(
      Array.from({ length: 50 }, (_, index) => {
        const id = `${group}-${index}`;
        const session = {
          id: id.padStart(32, "0"),
          partnerId: "demo",
          playerId: `player-${id}`,
          playerNickname: undefined,
          gameId: "g",
          gameType: "slot" as const,
          currency: "EUR",
          language: "en",
          partnerSessionId: id,
          playerIp: "203.0.113.42",
          tokenHash: `hash-${id}`,
          createdAt: Date.now(),
        };
        return store.openSession({ partnerId: "demo", uuid: `uuid-${id}`, operationId: "enterGameSession", fingerprint: "f" }, session);
      }),
    );
    largest = Math.max(largest, walSize(file));
  }
  // The log restarts inside its file, so the file's size is the log's high-water mark: the
  // restart size, what may be written while the worker copies ahead of the hold, and at
  // most the group that crossed that (50 sessions write about 140 KiB of log; an unbounded
  // log would reach several MiB).
  expect(largest).toBeLessThanOrEqual(restartBytes * (1 + OVERSHOOT) + GROUP_LOG_BYTES);
  expect(await Promise.all(background)).toEqual(background.map(() => 0));

  // Idle: the worker truncates the log to nothing within a few of its intervals.
  const deadline = Date.now() + 10_000;
  while (walSize(file) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(walSize(file)).toBe(0);
  // Every page reached the database through the log: an unbounded log would have passed the bound several times over.
  expect(sizeOf(file) - databaseBefore).toBeGreaterThan(4 * restartBytes);

  // Nothing was lost on the way.
  expect((await store.getSession("399-49".padStart(32, "0")))?.status).toBe("active");
  expect((await store.getSession("0-0".padStart(32, "0")))?.status).toBe("active");
  await store.close();
});

it("refuses sizes out of order", async () => {
  await expect(openSqliteStore({ location: join(dir, "bad.db"), walLimit: { restartBytes: 0 } })).rejects.toThrow(
    "the WAL limit needs restartBytes > 0",
  );
});
