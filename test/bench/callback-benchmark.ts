/**
 * `npm run bench -- --callbacks`: the session expired callback's delivery, against the reference server as a child process on SQLite
 * (and, with `--store postgres`, on PostgreSQL). A report, not a test: it exits 0 when a
 * target is missed, 1 when callbacks were lost or mis-signed, 2 when a server did not start.
 *
 *   tsx test/bench/main.ts --callbacks [--parts outage,burst,slow] [--count 3000] [--outage 8]
 *     [--slow 30] [--slow-delay 3000] [--slow-capacity 0] [--slow-count 2000]
 *     [--store sqlite|postgres] [--database-url URL] [--cpu-prof DIR]
 *
 * The server runs with these settings: two partners with callbacks on (PARTNERS_FILE),
 * SESSION_IDLE_TIMEOUT_SECONDS=1, EXPIRY_SWEEP_SECONDS=1, CALLBACK_RETRY_SCHEDULE=1,2,4,8,16,32,
 * CALLBACK_TIMEOUT_MS=1000, and CALLBACK_MAX_PER_SECOND=0 unless the environment sets it: the
 * figures are the delivery engine's own, not its pace (other CALLBACK_* variables pass
 * through from the environment).
 * The receivers are bare node:http servers in this process (callback-receiver.ts) that check
 * `HASH`, so that the figures are the sender's. Two parts, each on a fresh database:
 *
 * 1. **Outage.** Partner A's receiver answers 503 for `--outage` seconds (from its first
 *    refused attempt) while partner B's receiver accepts connections and never answers; 50
 *    sessions of A and 20 of B expire. Printed: whether all 50 of A arrived, how long after
 *    A's receiver came back the last one did, and what B got.
 * 2. **Burst.** `--count` sessions of A (and 20 of B, still black-holed) are opened, then
 *    made idle at once in the database, so that one sweep expires them all together (with a
 *    1 s idle timeout the ENTERs themselves would spread the expiries over several sweeps;
 *    this part runs with SESSION_IDLE_TIMEOUT_SECONDS=3600 for that reason). Printed: the
 *    time from the first to the last delivery at the receiver and the rate, the time from
 *    the sweep's expiry to the last delivery, the server's CPU, and whether every callback
 *    arrived once with a good signature and is recorded as delivered.
 * 3. **Slow receiver.** A's receiver answers each callback `--slow-delay` ms (3000) after
 *    it arrived, however many it holds (it keeps up; with `--slow-capacity N` it answers
 *    503 at once beyond N held, a receiver that overloads); B's is black-holed. As in the
 *    burst, `--slow-count` sessions of A (and 20 of B) expire together; the part runs
 *    with CALLBACK_TIMEOUT_MS=5000 (the default, so that a 3 s answer is in time) twice:
 *    with the adaptive limit (the CALLBACK_* settings of the environment or the defaults),
 *    then with a fixed 8 a partner (CALLBACK_ADAPTIVE_CONCURRENCY=false,
 *    CALLBACK_PARTNER_CONCURRENCY=8: the behaviour before the adaptive limit). Printed per
 *    run: callbacks delivered per second over `--slow` seconds from A's first request
 *    (and over its second half, once the limit has grown), the most requests A's receiver
 *    held at once, A's and B's limit at the end (`/metrics`), and what B got.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "libsql";
import { repoRoot } from "../../src/codegen/spec.js";
import { loadConfig } from "../../src/server/config.js";
import { requestSignature } from "@luckymonaco/session-api-client";
import { createDatabase, type TestDatabase } from "../support/postgres-databases.js";
import { freePort } from "../support/processes.js";
import { startBenchReceiver, type BenchReceiver } from "./callback-receiver.js";
import { cpuSeconds, killAllNow, startChild, stopAll, stopChild, type Child } from "./children.js";

const usage =
  "usage: tsx test/bench/main.ts --callbacks [--parts outage,burst,slow] [--count N] [--outage S] [--slow S] [--slow-delay MS] [--slow-capacity N] [--slow-count N] [--store sqlite|postgres] [--database-url URL] [--cpu-prof DIR]";
const PARTS = ["outage", "burst", "slow"] as const;
/** `--cpu-prof DIR`: the servers write CPU profiles there (node --cpu-prof). */
let profileDir: string | undefined;
const options = {
  count: { type: "string", default: "3000" },
  outage: { type: "string", default: "8" },
  parts: { type: "string", default: PARTS.join(",") },
  slow: { type: "string", default: "30" },
  "slow-delay": { type: "string", default: "3000" },
  "slow-capacity": { type: "string", default: "0" },
  "slow-count": { type: "string", default: "2000" },
  store: { type: "string", default: "sqlite" },
  "database-url": { type: "string" },
  "cpu-prof": { type: "string" },
  help: { type: "boolean", default: false },
} as const;

const A = { memberId: "bench-a", secret: "bench-a-secret-000001" };
const B = { memberId: "bench-b", secret: "bench-b-secret-000001" };
/** The settings of the delivery's throughput targets. */
const serverEnv = {
  SESSION_IDLE_TIMEOUT_SECONDS: "1",
  EXPIRY_SWEEP_SECONDS: "1",
  CALLBACK_RETRY_SCHEDULE: "1,2,4,8,16,32",
  CALLBACK_TIMEOUT_MS: "1000",
  CALLBACK_MAX_PER_SECOND: process.env.CALLBACK_MAX_PER_SECOND ?? "0",
  LOG_LEVEL: "warn",
};
const TARGET_PER_SECOND = 1000;

/** Where a part's server keeps its data, and how the benchmark reads and pokes it. */
interface BenchDatabase {
  env: NodeJS.ProcessEnv;
  /** Runs one SQL statement (no parameters), e.g. to make sessions idle. */
  exec(sql: string): Promise<void>;
  /** count(*) of a query. */
  count(sql: string): Promise<number>;
  /** The callbacks' creation time (the expiry), epoch ms: the earliest. */
  firstExpiry(partnerId: string): Promise<number>;
  drop(): Promise<void>;
}

function sqliteDatabase(dir: string): BenchDatabase {
  const file = join(dir, `sessions-${randomUUID()}.db`);
  const open = () => {
    const db = new Database(file);
    db.exec("PRAGMA busy_timeout = 10000");
    return db;
  };
  return {
    env: { DATABASE_URL: file, LAUNCH_TOKEN_SECRET_FILE: join(dir, "launch-token.secret") },
    async exec(sql) {
      const db = open();
      db.exec(sql);
      db.close();
    },
    async count(sql) {
      const db = open();
      const value = Number((db.prepare(sql).get() as { count: number }).count);
      db.close();
      return value;
    },
    async firstExpiry(partnerId) {
      const db = open();
      const value = Number(
        (db.prepare("SELECT min(created_at) AS at FROM callbacks WHERE partner_id = ?").get(partnerId) as { at: number }).at,
      );
      db.close();
      return value;
    },
    async drop() {},
  };
}

async function postgresDatabase(serverUrl: string): Promise<BenchDatabase> {
  const database: TestDatabase = await createDatabase(serverUrl, "cbbench");
  return {
    env: { DATABASE_URL: database.url, LAUNCH_TOKEN_SECRET: randomBytes(32).toString("hex") },
    exec: async (sql) => void (await database.query(sql)),
    count: async (sql) => Number((await database.query(sql)).rows[0].count),
    firstExpiry: async (partnerId) =>
      Number((await database.query("SELECT min(created_at) AS at FROM callbacks WHERE partner_id = $1", [partnerId])).rows[0].at),
    drop: () => database.drop(),
  };
}

/** Polls `check` every 20 ms until it holds or `ms` pass; returns whether it held. */
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

/** Opens `count` sessions of `partner` with signed ENTERs, 50 at a time. @throws Error when one is not answered 200 */
async function enter(baseUrl: string, partner: { memberId: string; secret: string }, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const body = JSON.stringify({
        uuid: randomUUID(),
        gametype: "slot",
        gameid: "lm_monaco_riches",
        player: { id: `player-${next}`, language: "en", currency: "EUR", session: { id: `op-${next}`, ip: "203.0.113.42" } },
      });
      const response = await fetch(`${baseUrl}/api/session?MEMB_ID=${partner.memberId}&HASH=${requestSignature(body, partner.secret)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      if (response.status !== 200) throw new Error(`ENTER answered ${response.status}: ${await response.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
}

/** Starts the reference server on `database` with the two partners' receivers. */
async function startServer(
  label: string,
  dir: string,
  database: BenchDatabase,
  a: BenchReceiver,
  b: BenchReceiver,
  env: NodeJS.ProcessEnv = {},
): Promise<{ child: Child; baseUrl: string }> {
  const partnersFile = join(dir, `partners-${randomUUID()}.json`);
  writeFileSync(
    partnersFile,
    JSON.stringify({
      partners: [
        { ...A, callbackUrl: a.url, sessionExpiredCallback: true },
        { ...B, callbackUrl: b.url, sessionExpiredCallback: true },
      ],
    }),
  );
  const port = await freePort();
  const child = await startChild(label, "src/server/main.ts", {
    cwd: repoRoot,
    env: { HOST: "127.0.0.1", PORT: String(port), PARTNERS_FILE: partnersFile, ...serverEnv, ...database.env, ...env },
    readyUrl: `http://127.0.0.1:${port}/health`,
    nodeArgs: profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [],
  });
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

/** Part 1; returns false when A's callbacks did not all arrive. */
async function outagePart(label: string, dir: string, database: BenchDatabase, outageSeconds: number): Promise<boolean> {
  const [a, b] = await Promise.all([startBenchReceiver(A.secret, "down"), startBenchReceiver(B.secret, "black-hole")]);
  const server = await startServer(`${label} (outage)`, dir, database, a, b);
  try {
    await enter(server.baseUrl, A, 50);
    await enter(server.baseUrl, B, 20);
    if (!(await until(() => a.requests > 0, 30_000))) throw new Error("no callback reached A's receiver within 30 s");
    const downSince = performance.now();
    await until(() => false, outageSeconds * 1000);
    a.mode = "up";
    const upAt = performance.now();
    const allArrived = await until(() => a.firstArrivals.size === 50, 120_000);
    const last = Math.max(...a.firstArrivals.values());
    const bExpired = await database.count(
      `SELECT count(*) AS count FROM sessions WHERE partner_id = '${B.memberId}' AND status = 'expired'`,
    );
    console.log(
      `${label}, outage: A's receiver answered 503 for ${((upAt - downSince) / 1000).toFixed(1)} s (${a.requests - a.answered} attempts refused); ` +
        `${a.firstArrivals.size} of 50 of A's callbacks arrived${allArrived ? `, the last ${((last - upAt) / 1000).toFixed(1)} s after its receiver came back` : " (MISSED)"}; ` +
        `B's receiver got ${b.requests} requests and answered none; B's sessions expired: ${bExpired} of 20; bad signatures: ${a.badSignatures}`,
    );
    return allArrived && a.badSignatures === 0;
  } finally {
    await stopChild(server.child);
    await Promise.all([a.close(), b.close()]);
  }
}

/** Part 2; returns false when callbacks were lost or mis-signed. */
async function burstPart(label: string, dir: string, database: BenchDatabase, count: number): Promise<boolean> {
  const [a, b] = await Promise.all([startBenchReceiver(A.secret, "up"), startBenchReceiver(B.secret, "black-hole")]);
  const server = await startServer(`${label} (burst)`, dir, database, a, b, { SESSION_IDLE_TIMEOUT_SECONDS: "3600" });
  try {
    await enter(server.baseUrl, B, 20);
    await enter(server.baseUrl, A, count);
    const cpuBefore = cpuSeconds(server.child);
    const idleAt = Date.now();
    await database.exec("UPDATE sessions SET last_activity_at = 0 WHERE status = 'active'");
    const allArrived = await until(() => a.firstArrivals.size === count, 120_000);
    const cpuAfter = cpuSeconds(server.child);
    const arrivals = [...a.firstArrivals.values()];
    const [first, last] = [Math.min(...arrivals), Math.max(...arrivals)];
    const seconds = (last - first) / 1000;
    const rate = (a.firstArrivals.size - 1) / Math.max(seconds, 1e-3);
    const expiredAt = await database.firstExpiry(A.memberId);
    const sinceExpiry = Date.now() - (performance.now() - last) - expiredAt;
    const recorded = await until(
      async () =>
        (await database.count(`SELECT count(*) AS count FROM callbacks WHERE partner_id = '${A.memberId}' AND state = 'delivered'`)) ===
        count,
      30_000,
    );
    const cpu =
      cpuBefore === undefined || cpuAfter === undefined
        ? "-"
        : `${(cpuAfter - cpuBefore).toFixed(2)} s (${((1e6 * (cpuAfter - cpuBefore)) / count).toFixed(0)} µs per callback)`;
    console.log(
      `${label}, burst: ${a.firstArrivals.size} of ${count} callbacks arrived (${a.requests - a.firstArrivals.size} repeats, ${a.badSignatures} bad signatures), ` +
        `first to last delivery ${seconds.toFixed(2)} s = ${rate.toFixed(0)} callbacks/s (target >= ${TARGET_PER_SECOND}: ${rate >= TARGET_PER_SECOND ? "met" : "MISSED"}); ` +
        `expiry to last delivery ${(sinceExpiry / 1000).toFixed(2)} s (${(count / (sinceExpiry / 1000)).toFixed(0)}/s; the sweep came ${((expiredAt - idleAt) / 1000).toFixed(2)} s after the sessions were made idle); ` +
        `all recorded as delivered: ${recorded ? "yes" : "NO"}; server CPU ${cpu}; B's receiver got ${b.requests} requests meanwhile`,
    );
    return allArrived && recorded && a.badSignatures === 0;
  } finally {
    await stopChild(server.child);
    await Promise.all([a.close(), b.close()]);
  }
}

/** What the slow part measures (`--slow*` flags). */
interface SlowOptions {
  seconds: number;
  delayMs: number;
  capacity: number;
  count: number;
}

/** One run of part 3 with `env` on top of the server's settings; returns false when callbacks were mis-signed. */
async function slowPart(
  label: string,
  dir: string,
  database: BenchDatabase,
  slow: SlowOptions,
  name: string,
  env: NodeJS.ProcessEnv,
): Promise<boolean> {
  const [a, b] = await Promise.all([startBenchReceiver(A.secret, "up"), startBenchReceiver(B.secret, "black-hole")]);
  a.delayMs = slow.delayMs;
  a.capacity = slow.capacity;
  const metricsPort = await freePort();
  const server = await startServer(`${label} (slow, ${name})`, dir, database, a, b, {
    SESSION_IDLE_TIMEOUT_SECONDS: "3600",
    CALLBACK_TIMEOUT_MS: "5000",
    METRICS_PORT: String(metricsPort),
    ...env,
  });
  try {
    await enter(server.baseUrl, B, 20);
    await enter(server.baseUrl, A, slow.count);
    await database.exec("UPDATE sessions SET last_activity_at = 0 WHERE status = 'active'");
    if (!(await until(() => a.firstRequestAt !== undefined, 30_000))) throw new Error("no callback reached A's receiver within 30 s");
    const start = a.firstRequestAt!;
    const cpuBefore = cpuSeconds(server.child);
    const windowMs = slow.seconds * 1000;
    const held: number[] = []; // requests A's receiver held, once a second
    const sampler = setInterval(() => held.push(a.open), 1000);
    await until(() => false, start + windowMs - performance.now());
    clearInterval(sampler);
    const cpuAfter = cpuSeconds(server.child);
    const times = [...a.firstArrivals.values()].filter((at) => at <= start + windowMs);
    const secondHalf = times.filter((at) => at > start + windowMs / 2).length;
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const limit = (partner: string) =>
      new RegExp(`^session_expired_callback_concurrency_limit\\{partner="${partner}"\\} (\\d+)$`, "m").exec(metrics)?.[1] ?? "-";
    const rss = Number(/^session_api_process_resident_memory_bytes (\d+)$/m.exec(metrics)?.[1]) / 2 ** 20;
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? "-" : `${(cpuAfter - cpuBefore).toFixed(2)} s`;
    const all = times.length === slow.count ? " (all of them: raise --slow-count)" : "";
    console.log(
      `${label}, slow receiver (answers in ${slow.delayMs / 1000} s${slow.capacity ? `, 503 beyond ${slow.capacity} held` : ""}; CALLBACK_TIMEOUT_MS=5000), ${name}: ` +
        `${times.length} callbacks delivered in ${slow.seconds} s${all} = ${(times.length / slow.seconds).toFixed(1)}/s, second half ${(secondHalf / (slow.seconds / 2)).toFixed(1)}/s; ` +
        `A's receiver held at most ${a.peakOpen} at once (each second: ${held.join(" ")})${slow.capacity ? ` and refused ${a.overloaded} as overloaded` : ""}; limits at the end: A ${limit(A.memberId)}, B ${limit(B.memberId)}; ` +
        `B's receiver got ${b.requests} requests; server CPU ${cpu} in ${slow.seconds} s, RSS ${rss.toFixed(0)} MiB; bad signatures: ${a.badSignatures}`,
    );
    return a.badSignatures === 0;
  } finally {
    await stopChild(server.child);
    await Promise.all([a.close(), b.close()]);
  }
}

/** The runs of part 3: the adaptive limit as configured, then the fixed 8 of before. */
const slowRuns: Array<[string, NodeJS.ProcessEnv]> = [
  ["adaptive limit", {}],
  ["fixed 8 a partner", { CALLBACK_ADAPTIVE_CONCURRENCY: "false", CALLBACK_PARTNER_CONCURRENCY: "8" }],
];

async function main(): Promise<number> {
  let flags: ReturnType<typeof parseArgs<{ options: typeof options }>>["values"];
  try {
    flags = parseArgs({ options }).values;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`);
  }
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  profileDir = flags["cpu-prof"] === undefined ? undefined : resolve(flags["cpu-prof"]);
  const count = Number(flags.count);
  const outage = Number(flags.outage);
  if (!Number.isInteger(count) || count < 2) throw new Error(`--count must be a whole number >= 2, not ${flags.count}\n${usage}`);
  if (!(outage >= 0)) throw new Error(`--outage must be a number of seconds >= 0, not ${flags.outage}\n${usage}`);
  const parts = flags.parts.split(",").map((part) => part.trim());
  const unknown = parts.find((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown !== undefined) throw new Error(`--parts lists ${PARTS.join(", ")}, not ${unknown}\n${usage}`);
  const slow: SlowOptions = {
    seconds: Number(flags.slow),
    delayMs: Number(flags["slow-delay"]),
    capacity: Number(flags["slow-capacity"]),
    count: Number(flags["slow-count"]),
  };
  if (
    !(slow.seconds > 0) ||
    !(slow.delayMs >= 0) ||
    !Number.isInteger(slow.capacity) ||
    slow.capacity < 0 ||
    !Number.isInteger(slow.count) ||
    slow.count < 1
  ) {
    throw new Error(
      `--slow (seconds > 0), --slow-delay (ms >= 0), --slow-capacity (whole number >= 0) and --slow-count (whole number >= 1) are out of range\n${usage}`,
    );
  }
  if (flags.store !== "sqlite" && flags.store !== "postgres")
    throw new Error(`--store must be sqlite or postgres, not ${flags.store}\n${usage}`);
  const postgresServer = flags.store === "postgres" ? (flags["database-url"] ?? process.env.TEST_DATABASE_URL) : undefined;
  if (flags.store === "postgres" && !postgresServer)
    throw new Error(
      `--store postgres needs --database-url or TEST_DATABASE_URL (a PostgreSQL server where it may create a database)\n${usage}`,
    );

  const dir = mkdtempSync(join(tmpdir(), "callback-bench-"));
  process.once("exit", () => {
    killAllNow();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));
  console.log(
    `\nsession expired callback benchmark: ${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)} before the run`,
  );
  const delivery = loadConfig(Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith("CALLBACK_"))));
  console.log(
    `server settings: ${Object.entries(serverEnv)
      .map(([name, value]) => `${name}=${value}`)
      .join(" ")}, CALLBACK_CONCURRENCY=${delivery.callbackConcurrency}, ` +
      `CALLBACK_PARTNER_CONCURRENCY=${delivery.callbackPartnerConcurrency}, CALLBACK_ADAPTIVE_CONCURRENCY=${delivery.callbackAdaptiveConcurrency}`,
  );
  const stores: Array<[string, () => Promise<BenchDatabase>]> = [["SQLite", async () => sqliteDatabase(dir)]];
  if (postgresServer) stores.push(["PostgreSQL", () => postgresDatabase(postgresServer)]);
  let ok = true;
  for (const [label, open] of stores) {
    const runs: Array<(database: BenchDatabase) => Promise<boolean>> = [];
    if (parts.includes("outage")) runs.push((database) => outagePart(label, dir, database, outage));
    if (parts.includes("burst")) runs.push((database) => burstPart(label, dir, database, count));
    if (parts.includes("slow"))
      for (const [name, env] of slowRuns) runs.push((database) => slowPart(label, dir, database, slow, name, env));
    for (const part of runs) {
      const database = await open();
      try {
        ok = (await part(database)) && ok;
      } finally {
        await database.drop();
      }
    }
  }
  console.log(`load average ${loadavg()[0]!.toFixed(2)} after the run`);
  if (profileDir) console.log(`CPU profiles of the servers written to ${profileDir}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`benchmark failed: ${(error as Error).message}`);
    await stopAll();
    process.exit(2);
  },
);
