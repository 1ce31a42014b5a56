// The reference server as a process: partner A's receiver answers
// 503 for longer than the old 11 s retry window while partner B's receiver accepts
// connections and never answers. Once A's receiver is back, every one of A's callbacks
// arrives, correctly signed (the example receiver checks HASH, the body hash and the
// timestamp), while B's receiver still answers nothing and B's sessions expired on time.
// The outbox is then inspected with `npm run callbacks -- list` and /health.
import { signingSecret } from "@luckymonaco/session-api-client";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import type { Partner } from "../../../src/partners/directory.js";
import { startBlackHole, startGate, type BlackHole, type Gate } from "../../support/callback-receivers.js";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { eventually } from "../../support/eventually.js";
import { enterBody, postRaw } from "../../support/requests.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";

const a: Partner = {
  memberId: "casino-a",
  secret: "casino-a-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
const b: Partner = {
  memberId: "casino-b",
  secret: "casino-b-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
/** Longer than the 11 s in which the old sender made its 3 attempts. */
const OUTAGE_MS = 12_000;

const dataDir = makeDataDir();
let receiver: TestReceiver;
let gate: Gate;
let hole: BlackHole;
let server: ChildServer;

beforeAll(async () => {
  receiver = await startTestReceiver([a]);
  [gate, hole] = await Promise.all([startGate(receiver.baseUrl), startBlackHole()]);
  const partnersFile = join(dataDir, "partners.json");
  writeFileSync(
    partnersFile,
    JSON.stringify({
      partners: [
        { ...a, callbackUrl: gate.url },
        { ...b, callbackUrl: hole.url },
      ],
    }),
  );
  server = await startChildServer(dataDir, {
    PARTNERS_FILE: partnersFile,
    LAUNCH_TOKEN_SECRET: randomBytes(32).toString("hex"),
    SESSION_IDLE_TIMEOUT_SECONDS: "1",
    EXPIRY_SWEEP_SECONDS: "0.2",
    CALLBACK_RETRY_SCHEDULE: "1,2,4,8,16,32",
    CALLBACK_TIMEOUT_MS: "1000",
    CALLBACK_BREAKER_COOLDOWN_SECONDS: "1",
  });
});
afterAll(async () => {
  await server?.process.stop();
  await Promise.all([receiver?.close(), gate?.close(), hole?.close()]);
  removeDataDir(dataDir);
});

const enter = (partner: Partner, count: number) =>
  Promise.all(
    Array.from({ length: count }, () =>
      postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()), {
        query: { MEMB_ID: partner.memberId },
        secret: signingSecret(partner.secret),
      }),
    ),
  );

/** `npm run callbacks -- <args>` on the server's database; its stdout lines. */
function callbacksCli(...args: string[]): string[] {
  const run = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "src/cli/callbacks.ts"), ...args], {
    env: { ...process.env, DATABASE_URL: join(dataDir, "sessions.db") },
    encoding: "utf8",
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim().split("\n");
}

it("delivers every callback of a receiver that was down for longer than 11 s once it is back, while another partner's receiver hangs", async () => {
  gate.down = true;
  const answers = [...(await enter(a, 50)), ...(await enter(b, 20))];
  expect(answers.map((answer) => answer.status)).toEqual(Array(70).fill(200));
  expect(await eventually(() => gate.seen.length > 0)).toBe(true);
  const outageStart = Date.now();
  // Poll until the outage has lasted OUTAGE_MS (A's callbacks keep failing meanwhile).
  expect(await eventually(() => Date.now() - outageStart >= OUTAGE_MS, OUTAGE_MS + 5000, 200)).toBe(true);
  gate.down = false;

  expect(await eventually(() => receiver.received().length === 50, 30_000)).toBe(true);
  const received = receiver.received();
  expect(received.every((entry) => entry.memberId === "casino-a" && entry.deliveries === 1)).toBe(true);
  expect(new Set(received.map((entry) => entry.body.callbackId)).size).toBe(50);
  // A's receiver saw 503-answered attempts for longer than the old window, then the deliveries.
  expect(gate.seen.length).toBeGreaterThan(50);
  // The server records each outcome just after the receiver answered it.
  const health = async () =>
    (await (await fetch(`${server.baseUrl}/health`)).json()) as { status: string; callbacks: { pending: number; failed: number } };
  expect(await eventually(async () => (await health()).callbacks.pending === 20)).toBe(true);
  // B: its receiver took connections and answered none; its sessions expired all the same.
  expect(hole.accepted()).toBeGreaterThan(0);
  const pendingOfB = callbacksCli("list", "--partner", "casino-b", "--state", "pending");
  expect(pendingOfB.at(-1)).toBe("20 callbacks");
  // Its attempts timed out; after 5 in a row its circuit breaker held the rest back (one probe a second).
  const rows = pendingOfB.slice(1, -1);
  expect(rows.filter((row) => /timeout: no answer within 1000 ms/.test(row)).length).toBeGreaterThanOrEqual(5);
  expect(rows.some((row) => /HTTP|network/.test(row))).toBe(false);
  expect(callbacksCli("list", "--partner", "casino-a", "--state", "delivered").at(-1)).toBe("50 callbacks");
  expect(await health()).toMatchObject({ status: "ok", callbacks: { pending: 20, failed: 0 } });
}, 60_000);
