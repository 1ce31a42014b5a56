// Readiness on a full disk, for real (src/server/readiness.ts): the SQLite database on a
// small tmpfs, filled up while ENTERs keep coming. Once a write fails, /health/ready says
// 503 within 5 s (at once, in fact: the failed write itself tells it); once space comes
// back it says 200 again within 10 s by itself, and an ENTER succeeds. Mounting a tmpfs
// needs root (as in .ci/run); elsewhere the test is skipped with a message.
import { execFileSync } from "node:child_process";
import { mkdirSync, openSync, rmSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { enterBody, postRaw } from "../../support/requests.js";

const dataDir = makeDataDir();
const disk = join(dataDir, "disk");
let mounted = false;
try {
  mkdirSync(disk);
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=24m", "tmpfs", disk], { stdio: "pipe" });
  mounted = true;
} catch (error) {
  console.warn(`disk-full test skipped: mounting a tmpfs needs root (${(error as Error).message.split("\n")[0]})`);
}

/** Writes zeros into `file` until the disk refuses more. */
function fillDisk(file: string): void {
  const descriptor = openSync(file, "w");
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(descriptor, block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(descriptor);
  }
}

describe.skipIf(!mounted)("SQLite on a full disk", () => {
  let server: ChildServer;
  beforeAll(async () => {
    server = await startChildServer(dataDir, { DATABASE_URL: join(disk, "sessions.db"), LOG_LEVEL: "error" });
  });
  afterAll(async () => {
    await server?.process.stop();
    if (mounted) execFileSync("umount", [disk]);
    removeDataDir(dataDir);
  });

  const ready = async () => (await fetch(`${server.baseUrl}/health/ready`)).status;
  const enter = async () => (await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody({ gameid: "g".repeat(64) })))).status;

  it("is not ready within 5 s of the first failed write, and ready again within 10 s of space coming back", async () => {
    expect(await ready()).toBe(200);
    fillDisk(join(disk, "filler"));
    let failedAt: number | undefined;
    for (let sent = 0; failedAt === undefined && sent < 20_000; sent++) {
      const status = await enter();
      if (status !== 200) {
        expect(status).toBe(500);
        failedAt = Date.now();
      }
    }
    expect(failedAt, "an ENTER failed once the disk was full").toBeDefined();
    // The readiness rule's own bound: 503 within 5 s of the first failed write.
    await expect.poll(ready, { timeout: 5000, interval: 100 }).toBe(503);
    expect(await (await fetch(`${server.baseUrl}/health/live`)).status).toBe(200);

    rmSync(join(disk, "filler"));
    // And back within 10 s of space coming back, with no help.
    await expect.poll(ready, { timeout: 10_000, interval: 100 }).toBe(200);
    expect(await enter()).toBe(200);
    expect(server.process.output()).not.toMatch(
      /WAL checkpoint failed[\s\S]*WAL checkpoint failed[\s\S]*WAL checkpoint failed[\s\S]*WAL checkpoint failed/,
    );
  }, 60_000);
});
