// The SQLite write-ahead log stays bounded under sustained writes and shrinks back when
// they stop (it once grew without limit because the background checkpoints never caught
// up with the writer). Small sizes make it quick.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";

const dir = mkdtempSync(join(tmpdir(), "session-wal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KiB = 1024;
const journalSizeLimitBytes = 128 * KiB;
const restartBytes = 512 * KiB;

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

it("keeps the log near its restart size while writes go on, and empties it once they stop", async () => {
  const file = join(dir, "sessions.db");
  const store = await openSqliteStore({
    location: file,
    checkpointIntervalMs: 20,
    idleTruncateMs: 100,
    walLimit: { restartBytes, journalSizeLimitBytes },
  });
  await store.migrate();
  let largest = 0;
  let largestGroup = 0; // the most one group added to the file
  let written = 0; // log bytes seen appended, summed over the samples: a floor of what was written
  let previous = walSize(file);
  for (let group = 0; group < 120; group++) {
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
    const size = walSize(file);
    written += Math.max(0, size - previous);
    largestGroup = Math.max(largestGroup, size - previous);
    largest = Math.max(largest, size);
    previous = size;
  }
  // Enough was written for an unbounded log to pass the bound several times over...
  expect(written).toBeGreaterThan(8 * restartBytes);
  // ...yet the file never grew past the restart size by more than the group that reached it.
  expect(largest).toBeLessThanOrEqual(restartBytes + largestGroup);

  // Idle: the worker truncates the log to nothing within a few of its intervals.
  const deadline = Date.now() + 10_000;
  while (walSize(file) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(walSize(file)).toBe(0);

  // Nothing was lost on the way.
  expect((await store.getSession("119-49".padStart(32, "0")))?.status).toBe("active");
  expect((await store.getSession("0-0".padStart(32, "0")))?.status).toBe("active");
  await store.close();
});

it("refuses sizes out of order", async () => {
  await expect(
    openSqliteStore({ location: join(dir, "bad.db"), walLimit: { restartBytes: 1024, journalSizeLimitBytes: 1024 } }),
  ).rejects.toThrow("the WAL limit needs journalSizeLimitBytes < restartBytes");
});
