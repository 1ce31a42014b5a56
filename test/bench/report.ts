/**
 * The benchmark's printed report: the side-by-side table (the bare route and one row per
 * store), the verdict on the targets, and the warnings that make a run's figures suspect.
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import type { LoadShape, LoadSummary } from "./load.js";

/** The targets of the reference server. */
export const targets = { ratio: 0.5, p99Ms: 25 } as const;

/** One server's measured run, with the CPU used while it ran. */
export interface Measured {
  label: string;
  run: LoadSummary;
  /** CPU seconds of the server process during the measured run, if known. */
  serverCpu: number | undefined;
  /** CPU seconds of a separate database server's processes during the run (PostgreSQL), if any. */
  databaseCpu?: number | undefined;
  /** CPU seconds of this process (autocannon and the request signing) during the run. */
  clientCpu: number;
  /** Wall-clock seconds of the measured run. */
  wall: number;
}

const columns: [string, number][] = [
  ["", 22],
  ["req/s avg", 10],
  ["p50 ms", 8],
  ["p99 ms", 8],
  ["2xx", 9],
  ["non-2xx", 9],
  ["no resp", 9],
  ["srv µs/req", 12],
  ["db µs/req", 11],
  ["srv CPU", 9],
  ["db CPU", 8],
  ["client CPU", 12],
];
const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(columns[i]![1]) : cell.padStart(columns[i]![1]))).join("");
const percent = (cpu: number | undefined, wall: number) => (cpu === undefined ? "-" : `${Math.round((100 * cpu) / wall)} %`);
const perRequest = (cpu: number | undefined, responses: number) =>
  cpu === undefined || responses === 0 ? "-" : ((1e6 * cpu) / responses).toFixed(0);

function row(m: Measured): string {
  const { requestsPerSecond, p50, p99, ok, non2xx, failures, responses } = m.run;
  return line([
    m.label,
    requestsPerSecond.toFixed(0),
    String(p50),
    String(p99),
    String(ok),
    String(non2xx),
    String(failures),
    perRequest(m.serverCpu, responses),
    perRequest(m.databaseCpu, responses),
    percent(m.serverCpu, m.wall),
    percent(m.databaseCpu, m.wall),
    percent(m.clientCpu, m.wall),
  ]);
}

/**
 * Prints the machine, the table for the bare route and each reference server, and the
 * verdict for each; returns whether every row meets both targets.
 *
 * @param loadBefore the 1-minute load average before the servers started
 */
export function printReport(shape: LoadShape, warmup: number, bare: Measured, reals: Measured[], loadBefore: number): boolean {
  console.log(
    `\nENTER benchmark: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}, ${availableParallelism()} usable), Node ${process.version}, ${process.platform} ${process.arch}`,
  );
  console.log(
    `load average: ${loadBefore.toFixed(2)} before the run, ${loadavg()[0]!.toFixed(2)} after${loadBefore >= 0.75 * cpus().length ? " (the machine was busy before the run: the figures are noisy)" : ""}`,
  );
  console.log(`autocannon in this process, ${shape.connections} connections, ${shape.duration} s per server after a ${warmup} s warm-up\n`);
  console.log(line(columns.map(([title]) => title)));
  console.log(row(bare));
  for (const real of reals) console.log(row(real));
  console.log(
    `\n(srv CPU: the server process's CPU over the run, 100 % = one core; db CPU: PostgreSQL's backends for it; client CPU: this process's.)`,
  );
  let allMet = true;
  for (const real of reals) {
    const ratio = real.run.requestsPerSecond / bare.run.requestsPerSecond;
    const ratioMet = ratio >= targets.ratio;
    const p99Met = real.run.p99 <= targets.p99Ms;
    allMet &&= ratioMet && p99Met;
    console.log(`${real.label}: status codes ${JSON.stringify(real.run.statusCodes)}`);
    console.log(
      `  ratio to bare req/s: ${ratio.toFixed(2)}  target >= ${targets.ratio}: ${ratioMet ? "met" : "MISSED"};  p99: ${real.run.p99} ms  target <= ${targets.p99Ms} ms: ${p99Met ? "met" : "MISSED"}`,
    );
  }
  if (bare.clientCpu / bare.wall >= 0.9 || (bare.serverCpu ?? Infinity) / bare.wall < 0.9) {
    console.log(
      "note: the bare route was limited by the load generator (or other processes), not by its own CPU: its req/s is a floor and the ratio flatters the reference server; compare srv µs/req",
    );
  }
  return allMet;
}
