/**
 * `npm run bench:pipeline`: the CPU one ENTER costs the server through the whole request
 * path, against a bare Fastify route answering a similar body, and against the floor: the
 * work no ENTER can skip (the signature, the schema, the fingerprint, the launch token,
 * the security headers) on that bare route (pipeline-servers.ts). A report, not a test:
 * it exits 0 when the target is missed, 1 when a server answered anything but 200, 2
 * when it could not run.
 *
 *   tsx test/bench/pipeline-benchmark.ts [--requests 20000] [--warmup 5000] [--rounds 5] [--connections 50]
 *
 * How: both servers listen on loopback ports in this process; the load comes over real
 * HTTP from a child process (pipeline-load.ts, autocannon), so that this process's
 * `process.cpuUsage()` (user + system) over the N requests of a measurement is the
 * server's alone: parsing HTTP, the hooks, the answer, the garbage collection. Wall time
 * is not used (the machine is shared). Each round measures the three servers, in an order
 * that turns from round to round; the report gives every round and the median, and the garbage collection's share
 * (the pauses `PerformanceObserver` reports, wall time on the main thread).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism, cpus, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { FastifyInstance } from "fastify";
import { repoRoot } from "../../src/shared/spec-document.js";
import { benchPartner, buildBareServer, buildEnterServer, buildFloorServer } from "./pipeline-servers.js";

/** ENTER's pipeline may cost at most this many times the bare route's CPU per request. */
const TARGET_RATIO = 1.6;

const usage = "usage: tsx test/bench/pipeline-benchmark.ts [--requests N] [--warmup N] [--rounds R] [--connections C]";
const flagOptions = {
  requests: { type: "string", default: "20000" },
  warmup: { type: "string", default: "5000" },
  rounds: { type: "string", default: "5" },
  connections: { type: "string", default: "50" },
  help: { type: "boolean", default: false },
} as const;

/** A whole number ≥ 1 from flag `name`. @throws Error with the usage otherwise */
function count(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a whole number >= 1, not ${value}\n${usage}`);
  return number;
}

/** What one batch of requests brought back (pipeline-load.ts). */
interface LoadResult {
  responses: number;
  statusCodes: Record<string, number>;
  errors: number;
}

/** A load generator child aimed at one server. */
interface Load {
  run(amount: number): Promise<LoadResult>;
  stop(): void;
}

/** Starts pipeline-load.ts against `baseUrl` and waits for its `ready`. */
async function startLoad(baseUrl: string, connections: number): Promise<Load> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "test/bench/pipeline-load.ts", baseUrl, String(connections), benchPartner.memberId, benchPartner.secret],
    { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const nextLine = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`the load generator for ${baseUrl} exited (${child.exitCode ?? child.signalCode})`);
    return line.value;
  };
  if ((await nextLine()) !== "ready") throw new Error("the load generator did not start");
  return {
    async run(amount) {
      child.stdin!.write(`run ${amount}\n`);
      return JSON.parse(await nextLine()) as LoadResult;
    },
    stop: () => child.stdin!.end(),
  };
}

/** Garbage-collection pauses seen so far, milliseconds (main thread). */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ["gc"] });

/** One measurement: CPU and GC per request, microseconds. */
interface Sample {
  cpuUs: number;
  gcUs: number;
  result: LoadResult;
}

/** Sends `amount` requests and returns this process's CPU (and GC pauses) per response. */
async function measure(load: Load, amount: number): Promise<Sample> {
  const [cpu0, gc0] = [process.cpuUsage(), gcMs];
  const result = await load.run(amount);
  const cpu = process.cpuUsage(cpu0);
  const per = Math.max(result.responses, 1);
  return { cpuUs: (cpu.user + cpu.system) / per, gcUs: ((gcMs - gc0) * 1000) / per, result };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** True when every answer of a sample was 200 and every request got one. */
function allOk(label: string, sample: Sample): boolean {
  const { statusCodes, errors, responses } = sample.result;
  const ok = (statusCodes["200"] ?? 0) === responses && errors === 0;
  if (!ok) console.error(`FAILED: ${label} answered ${JSON.stringify(statusCodes)} with ${errors} errors: not a benchmark of ENTER`);
  return ok;
}

/** Prints the machine and the load average. */
function printMachine(loadBefore: number[]): void {
  const [average1, average5] = loadavg();
  console.log(
    `machine: ${cpus()[0]?.model.trim() ?? "unknown CPU"}, ${cpus().length} cores (${availableParallelism()} usable), Node ${process.version}, ${process.platform} ${process.arch}`,
  );
  console.log(
    `load average (1 min, 5 min): ${loadBefore[0]!.toFixed(2)}, ${loadBefore[1]!.toFixed(2)} before; ${average1!.toFixed(2)}, ${average5!.toFixed(2)} after`,
  );
}

/** The servers measured, in the order of the first round. */
const KINDS = ["bare", "floor", "enter"] as const;
type Kind = (typeof KINDS)[number];
const LABELS: Record<Kind, string> = { bare: "the bare route", floor: "the floor", enter: "ENTER" };

/** Runs the benchmark and prints the report; resolves to the exit code. */
async function main(): Promise<number> {
  const flags = parseArgs({ options: flagOptions }).values;
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  const [requests, warmup, rounds, connections] = (["requests", "warmup", "rounds", "connections"] as const).map((name) =>
    count(name, flags[name]),
  );
  const loadBefore = loadavg();
  const servers: Record<Kind, FastifyInstance> = {
    bare: await buildBareServer(),
    floor: await buildFloorServer(),
    enter: await buildEnterServer(),
  };
  const loads = {} as Record<Kind, Load>;
  try {
    for (const kind of KINDS) {
      loads[kind] = await startLoad(await servers[kind].listen({ host: "127.0.0.1", port: 0 }), connections!);
      await loads[kind].run(warmup!);
    }
    const samples: Record<Kind, Sample[]> = { bare: [], floor: [], enter: [] };
    for (let round = 0; round < rounds!; round++) {
      for (const kind of KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]!)) {
        const sample = await measure(loads[kind], requests!);
        if (!allOk(LABELS[kind], sample)) return 1;
        samples[kind].push(sample);
      }
      const figures = KINDS.map((kind) => `${LABELS[kind]} ${samples[kind][round]!.cpuUs.toFixed(1)} µs`).join(", ");
      process.stderr.write(`round ${round + 1}/${rounds}: ${figures}\n`);
    }
    printReport(samples, { requests: requests!, warmup: warmup!, connections: connections! }, loadBefore);
    return 0;
  } finally {
    for (const load of Object.values(loads)) load.stop();
    await Promise.all(Object.values(servers).map((server) => server.close()));
  }
}

/** Prints the rounds, the medians, the ratios and the verdict. */
function printReport(
  samples: Record<Kind, Sample[]>,
  shape: { requests: number; warmup: number; connections: number },
  loadBefore: number[],
): void {
  console.log("\nPipeline benchmark: server CPU per request (process.cpuUsage, user + system), real HTTP over loopback");
  printMachine(loadBefore);
  console.log(
    `load: autocannon in a child process, ${shape.connections} connections, ${shape.requests} requests per measurement after ${shape.warmup} of warm-up per server\n`,
  );
  const titles = ["round", "bare µs/req", "floor µs/req", "ENTER µs/req", "floor ratio", "ENTER ratio", "bare GC µs", "ENTER GC µs"];
  const row = (cells: string[]) => console.log(cells.map((cell, i) => (i ? cell.padStart(13) : cell.padEnd(6))).join(""));
  row(titles);
  const ratio = (kind: Kind, i: number) => samples[kind][i]!.cpuUs / samples.bare[i]!.cpuUs;
  samples.bare.forEach((bare, i) => {
    const cpu = (kind: Kind) => samples[kind][i]!.cpuUs.toFixed(1);
    row([
      String(i + 1),
      cpu("bare"),
      cpu("floor"),
      cpu("enter"),
      ratio("floor", i).toFixed(2),
      ratio("enter", i).toFixed(2),
      bare.gcUs.toFixed(1),
      samples.enter[i]!.gcUs.toFixed(1),
    ]);
  });
  const medianOf = (kind: Kind, field: "cpuUs" | "gcUs") => median(samples[kind].map((sample) => sample[field]));
  const [bare, floor, enter] = KINDS.map((kind) => medianOf(kind, "cpuUs")) as [number, number, number];
  row([
    "median",
    bare.toFixed(1),
    floor.toFixed(1),
    enter.toFixed(1),
    (floor / bare).toFixed(2),
    (enter / bare).toFixed(2),
    medianOf("bare", "gcUs").toFixed(1),
    medianOf("enter", "gcUs").toFixed(1),
  ]);
  const enterRatios = samples.bare.map((_, i) => ratio("enter", i));
  const floorRatios = samples.bare.map((_, i) => ratio("floor", i));
  const range = (values: number[]) => `${Math.min(...values).toFixed(2)} – ${Math.max(...values).toFixed(2)}`;
  console.log(
    `\nENTER's pipeline: ${enter.toFixed(1)} µs of server CPU per request, ${(enter - bare).toFixed(1)} µs over the bare route's ${bare.toFixed(1)} µs: ` +
      `${(enter / bare).toFixed(2)} × (target <= ${TARGET_RATIO}: ${enter / bare <= TARGET_RATIO ? "met" : "MISSED"}); the ratio ranged ${range(enterRatios)} over the rounds`,
  );
  console.log(
    `the floor (the work no ENTER can skip): ${floor.toFixed(1)} µs, ${(floor / bare).toFixed(2)} × the bare route (${range(floorRatios)} over the rounds); ` +
      `ENTER costs ${(enter - floor).toFixed(1)} µs (${(((enter - floor) / floor) * 100).toFixed(0)} %) over the floor`,
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`pipeline benchmark failed: ${(error as Error).message}`);
    process.exit(2);
  },
);
