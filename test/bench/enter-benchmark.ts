/**
 * `npm run bench`: ENTER throughput of the reference server against a bare Fastify route.
 * A report, not a test: exits 0 when a target is missed, non-zero only when a server did
 * not start (2) or most requests failed (1).
 *
 *   tsx test/bench/enter-benchmark.ts [--duration 10] [--connections 50] [--warmup 3] [--cpu-prof DIR]
 *
 * Both servers run as child processes on free loopback ports (the reference server on a
 * fresh SQLite file in a temp dir, LOG_LEVEL=warn); autocannon loads one after the other.
 * Every ENTER is valid and new: its own random `uuid`, signed with the sandbox secret; the
 * bare route gets the same requests. `--cpu-prof DIR` profiles the reference server. Other
 * server variables (e.g. SQLITE_SYNCHRONOUS=FULL) pass through from the environment.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "libsql";
import { repoRoot } from "../../src/codegen/spec.js";
import { requestSignature } from "../../src/signing.js";
import { freePort } from "../support/processes.js";
import { cpuSeconds, killAllNow, startChild, stopAll, stopChild, type Child } from "./children.js";
import { runLoad, type BuiltRequest, type LoadShape } from "./load.js";
import { printReport, type Measured } from "./report.js";

const usage = "usage: tsx test/bench/enter-benchmark.ts [--duration S] [--connections N] [--warmup S] [--cpu-prof DIR]";
const options = {
  duration: { type: "string", default: "10" },
  connections: { type: "string", default: "50" },
  warmup: { type: "string", default: "3" },
  "cpu-prof": { type: "string" },
  help: { type: "boolean", default: false },
} as const;

/** The command-line flags. @throws Error with the usage on an unknown or malformed flag */
function parseFlags() {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`);
  }
}

/** A positive number from flag `name`. @throws Error with the usage otherwise */
function positive(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, not ${value}\n${usage}`);
  return number;
}

/** A new valid ENTER for the sandbox partner: a fresh uuid, compact JSON, HASH over exactly those bytes. */
function enterRequest(): BuiltRequest {
  const n = Math.floor(Math.random() * 100_000);
  const body = JSON.stringify({
    uuid: randomUUID(),
    gametype: "slot",
    gameid: "lm_monaco_riches",
    player: { id: `player-${n}`, nickname: "LuckyLuca", language: "en", currency: "EUR", session: { id: `op-session-${n}`, ip: "203.0.113.42" } },
  });
  return { path: `/api/session?MEMB_ID=demo&HASH=${requestSignature(body, "sandbox-secret")}`, body };
}

/** Warms `child` up, then measures it, with the CPU both sides used during the measured run. */
async function measure(label: string, child: Child, baseUrl: string, shape: LoadShape, warmup: number): Promise<Measured & { warmOk: number }> {
  process.stderr.write(`${label}: ${warmup} s warm-up, then ${shape.duration} s at ${shape.connections} connections\n`);
  const warm = await runLoad(baseUrl, { ...shape, duration: warmup }, enterRequest);
  const [server0, client0, start] = [cpuSeconds(child), process.cpuUsage(), performance.now()];
  const run = await runLoad(baseUrl, shape, enterRequest);
  const [server1, client1, end] = [cpuSeconds(child), process.cpuUsage(client0), performance.now()];
  const serverCpu = server0 === undefined || server1 === undefined ? undefined : server1 - server0;
  return { label, run, serverCpu, clientCpu: (client1.user + client1.system) / 1e6, wall: (end - start) / 1000, warmOk: warm.statusCodes["200"] ?? 0 };
}

/** Rows in the `sessions` table of the (stopped) reference server's database. */
async function countSessions(databaseFile: string): Promise<number> {
  const db = new Database(databaseFile);
  try {
    return Number((db.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n);
  } finally {
    db.close();
  }
}

/** Runs the benchmark and prints the report; resolves to the exit code. */
async function main(): Promise<number> {
  const flags = parseFlags();
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  const shape = { duration: positive("duration", flags.duration), connections: Math.round(positive("connections", flags.connections)) };
  const warmup = positive("warmup", flags.warmup);
  const profileDir = flags["cpu-prof"] === undefined ? undefined : resolve(flags["cpu-prof"]);
  if (!existsSync(join(repoRoot, "dist/docs/openapi.json"))) throw new Error("dist/docs/openapi.json is missing: run `npm run docs` first");

  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), "enter-bench-"));
  process.once("exit", () => {
    killAllNow();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));

  const databaseFile = join(dir, "sessions.db");
  const [realPort, barePort] = [await freePort(), await freePort()];
  const real = await startChild("reference server", "src/server/main.ts", {
    cwd: repoRoot,
    env: { HOST: "127.0.0.1", PORT: String(realPort), DATABASE_URL: databaseFile, LOG_LEVEL: "warn", PARTNERS_FILE: "" },
    readyUrl: `http://127.0.0.1:${realPort}/health`,
    nodeArgs: profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [],
  });
  const bareChild = await startChild("bare Fastify", "test/bench/bare-fastify.ts", {
    cwd: repoRoot,
    env: { HOST: "127.0.0.1", PORT: String(barePort), LOG_LEVEL: "warn" },
    readyUrl: `http://127.0.0.1:${barePort}/health`,
  });

  const bare = await measure("bare Fastify route", bareChild, `http://127.0.0.1:${barePort}`, shape, warmup);
  const ref = await measure("reference server ENTER", real, `http://127.0.0.1:${realPort}`, shape, warmup);
  await stopChild(real);
  const sessions = await countSessions(databaseFile);
  await stopAll();

  printReport(shape, warmup, bare, ref, loadBefore);
  const answered200 = ref.warmOk + (ref.run.statusCodes["200"] ?? 0);
  console.log(`sessions stored: ${sessions} for ${answered200} answers 200 (incl. warm-up; requests in flight at the end may add a few)`);
  if (sessions < answered200) console.log("WARNING: fewer sessions than 200 answers: some ENTERs were replays, not new sessions");
  if (profileDir) console.log(`CPU profile of the reference server written to ${profileDir}`);

  const sent = ref.run.responses + ref.run.failures;
  const bad = ref.run.non2xx + ref.run.failures;
  if (bad > 0) console.log(`WARNING: ${bad} of ${sent} ENTERs got no 2xx (${((100 * bad) / Math.max(sent, 1)).toFixed(2)} %): the figures above are suspect`);
  if (sent === 0 || bad * 2 > sent) {
    console.error("FAILED: most ENTERs of the reference server failed; this is a benchmark of errors");
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`benchmark failed: ${(error as Error).message}`);
    await stopAll();
    process.exit(2);
  },
);
