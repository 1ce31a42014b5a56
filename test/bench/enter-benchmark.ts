/**
 * `npm run bench`: ENTER throughput of the reference server on SQLite (and, with
 * `--store postgres`, on PostgreSQL) against a bare Fastify route, plus the peak size of
 * SQLite's write-ahead log. A report, not a test: exits 0 when a target is missed, non-zero
 * only when a server did not start (2) or most requests failed (1).
 *
 *   tsx test/bench/enter-benchmark.ts [--duration 10] [--connections 50] [--warmup 3]
 *     [--store sqlite|postgres] [--database-url postgres://…] [--cpu-prof DIR]
 *
 * Each server runs as a child process on a free loopback port, alone while it is loaded
 * (LOG_LEVEL=warn): the bare route, the reference server on a fresh SQLite file in a temp
 * dir, then with `--store postgres` the reference server on a fresh database that the
 * benchmark creates on the PostgreSQL server of `--database-url` (default
 * TEST_DATABASE_URL; its user must be allowed to create databases) and drops afterwards.
 * Every ENTER is valid and new: its own random `uuid`, signed with the sandbox secret; the
 * bare route gets the same requests. `--cpu-prof DIR` profiles the reference servers.
 * Other server variables (e.g. SQLITE_SYNCHRONOUS=FULL, DATABASE_POOL_SIZE) pass through
 * from the environment.
 */
import { signedEnter } from "./enter-request.js";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../../src/codegen/spec.js";
import { createDatabase, type TestDatabase } from "../support/postgres-databases.js";
import { freePort } from "../support/processes.js";
import { cpuSeconds, killAllNow, startChild, stopAll, stopChild, type Child } from "./children.js";
import { runLoad, type BuiltRequest, type LoadShape } from "./load.js";
import { printReport, type Measured } from "./report.js";
import { countSqliteSessions, sampleFileSize, waitForSize } from "./sqlite-wal.js";
import { backendCpuSeconds, countPostgresSessions } from "./postgres-cpu.js";

const usage =
  "usage: tsx test/bench/enter-benchmark.ts [--duration S] [--connections N] [--warmup S] [--store sqlite|postgres] [--database-url URL] [--cpu-prof DIR]";
const options = {
  duration: { type: "string", default: "10" },
  connections: { type: "string", default: "50" },
  warmup: { type: "string", default: "3" },
  store: { type: "string", default: "sqlite" },
  "database-url": { type: "string" },
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

/** A new valid ENTER for the sandbox partner (enter-request.ts). */
const enterRequest = (): BuiltRequest => signedEnter("demo", "sandbox-secret");

/** What a measured server row adds to `Measured`: the 200s of its warm-up, for the session count. */
type Row = Measured & { warmOk: number };

/**
 * Warms `child` up, then measures it, with the CPU both sides (and `databaseCpu`, if given:
 * the database server's processes) used during the measured run.
 */
async function measure(
  label: string,
  child: Child,
  baseUrl: string,
  shape: LoadShape,
  warmup: number,
  databaseCpu?: () => Promise<number | undefined>,
): Promise<Row> {
  process.stderr.write(`${label}: ${warmup} s warm-up, then ${shape.duration} s at ${shape.connections} connections\n`);
  const warm = await runLoad(baseUrl, { ...shape, duration: warmup }, enterRequest);
  const [server0, database0, client0, start] = [cpuSeconds(child), await databaseCpu?.(), process.cpuUsage(), performance.now()];
  const run = await runLoad(baseUrl, shape, enterRequest);
  const [server1, database1, client1, end] = [cpuSeconds(child), await databaseCpu?.(), process.cpuUsage(client0), performance.now()];
  const difference = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : after - before;
  return {
    label,
    run,
    serverCpu: difference(server0, server1),
    databaseCpu: difference(database0, database1),
    clientCpu: (client1.user + client1.system) / 1e6,
    wall: (end - start) / 1000,
    warmOk: warm.statusCodes["200"] ?? 0,
  };
}

/** Starts the reference server with `env` on a free port. */
async function startReference(
  label: string,
  env: NodeJS.ProcessEnv,
  profileDir: string | undefined,
): Promise<{ child: Child; baseUrl: string }> {
  const port = await freePort();
  const child = await startChild(label, "src/server/main.ts", {
    cwd: repoRoot,
    env: { HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", PARTNERS_FILE: "", ...env },
    readyUrl: `http://127.0.0.1:${port}/health`,
    nodeArgs: profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [],
  });
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

/** Prints the session count of a row and whether most of its ENTERs failed; returns false then. */
function checkRow(row: Row, sessions: number): boolean {
  const answered200 = row.warmOk + (row.run.statusCodes["200"] ?? 0);
  console.log(
    `${row.label}: sessions stored: ${sessions} for ${answered200} answers 200 (incl. warm-up; requests in flight at the end may add a few)`,
  );
  if (sessions < answered200)
    console.log(`WARNING: ${row.label}: fewer sessions than 200 answers: some ENTERs were replays, or a 200 was not stored`);
  const sent = row.run.responses + row.run.failures;
  const bad = row.run.non2xx + row.run.failures;
  if (bad > 0)
    console.log(
      `WARNING: ${row.label}: ${bad} of ${sent} ENTERs got no 2xx (${((100 * bad) / Math.max(sent, 1)).toFixed(2)} %): its figures are suspect`,
    );
  if (sent === 0 || bad * 2 > sent) {
    console.error(`FAILED: most ENTERs of ${row.label} failed; this is a benchmark of errors`);
    return false;
  }
  return true;
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
  if (flags.store !== "sqlite" && flags.store !== "postgres")
    throw new Error(`--store must be sqlite or postgres, not ${flags.store}\n${usage}`);
  const postgresServer = flags.store === "postgres" ? (flags["database-url"] ?? process.env.TEST_DATABASE_URL) : undefined;
  if (flags.store === "postgres" && !postgresServer)
    throw new Error(
      `--store postgres needs --database-url or TEST_DATABASE_URL (a PostgreSQL server where it may create a database)\n${usage}`,
    );
  const profileDir = flags["cpu-prof"] === undefined ? undefined : resolve(flags["cpu-prof"]);
  if (!existsSync(join(repoRoot, "dist/docs/openapi.json"))) throw new Error("dist/docs/openapi.json is missing: run `npm run docs` first");

  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), "enter-bench-"));
  let database: TestDatabase | undefined;
  process.once("exit", () => {
    killAllNow();
    rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => process.exit(130));

  const barePort = await freePort();
  const bareChild = await startChild("bare Fastify", "test/bench/bare-fastify.ts", {
    cwd: repoRoot,
    env: { HOST: "127.0.0.1", PORT: String(barePort), LOG_LEVEL: "warn" },
    readyUrl: `http://127.0.0.1:${barePort}/health`,
  });
  const bare = await measure("bare Fastify route", bareChild, `http://127.0.0.1:${barePort}`, shape, warmup);
  await stopChild(bareChild);

  const databaseFile = join(dir, "sessions.db");
  const sqlite = await startReference(
    "ENTER on SQLite",
    { DATABASE_URL: databaseFile, LAUNCH_TOKEN_SECRET_FILE: join(dir, "launch-token.secret") },
    profileDir,
  );
  const wal = sampleFileSize(`${databaseFile}-wal`, 100);
  const sqliteRow = await measure("ENTER on SQLite", sqlite.child, sqlite.baseUrl, shape, warmup);
  const walPeak = wal.stop();
  const walAfter = await waitForSize(`${databaseFile}-wal`, 0, 10_000);
  await stopChild(sqlite.child);
  const rows: { row: Row; sessions: number }[] = [{ row: sqliteRow, sessions: await countSqliteSessions(databaseFile) }];

  try {
    if (postgresServer) {
      database = await createDatabase(postgresServer, "bench");
      const postgres = await startReference(
        "ENTER on PostgreSQL",
        { DATABASE_URL: database.url, LAUNCH_TOKEN_SECRET: randomBytes(32).toString("hex") },
        profileDir,
      );
      const postgresRow = await measure("ENTER on PostgreSQL", postgres.child, postgres.baseUrl, shape, warmup, () =>
        backendCpuSeconds(database!),
      );
      await stopChild(postgres.child);
      rows.push({ row: postgresRow, sessions: await countPostgresSessions(database) });
    }
  } finally {
    await stopAll();
    await database?.drop();
  }

  printReport(
    shape,
    warmup,
    bare,
    rows.map(({ row }) => row),
    loadBefore,
  );
  console.log(
    `SQLite WAL: peak ${(walPeak / 2 ** 20).toFixed(1)} MiB under load (target <= 256 MiB: ${walPeak <= 256 * 2 ** 20 ? "met" : "MISSED"}); ` +
      (walAfter.reached
        ? `0 bytes ${(walAfter.ms / 1000).toFixed(1)} s after the load stopped`
        : `still ${(walAfter.size / 2 ** 20).toFixed(1)} MiB 10 s after the load stopped`),
  );
  if (profileDir) console.log(`CPU profiles of the reference servers written to ${profileDir}`);
  return rows.map(({ row, sessions }) => checkRow(row, sessions)).every(Boolean) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(`benchmark failed: ${(error as Error).message}`);
    await stopAll();
    process.exit(2);
  },
);
