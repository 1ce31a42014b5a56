/**
 * The benchmark's printed report: the side-by-side table, the verdict on the targets, and
 * the warnings that make a run's figures suspect.
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
  /** CPU seconds of this process (autocannon and the request signing) during the run. */
  clientCpu: number;
  /** Wall-clock seconds of the measured run. */
  wall: number;
}

const columns: [string, number][] = [["", 24], ["req/s avg", 10], ["p50 ms", 8], ["p99 ms", 8], ["2xx", 9], ["non-2xx", 9], ["no resp", 9], ["srv µs/req", 12], ["srv CPU", 9], ["client CPU", 12]];
const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(columns[i]![1]) : cell.padStart(columns[i]![1]))).join("");
const percent = (cpu: number | undefined, wall: number) => (cpu === undefined ? "?" : `${Math.round((100 * cpu) / wall)} %`);

function row(m: Measured): string {
  const perRequest = m.serverCpu === undefined || m.run.responses === 0 ? "?" : ((1e6 * m.serverCpu) / m.run.responses).toFixed(0);
  const { requestsPerSecond, p50, p99, ok, non2xx, failures } = m.run;
  return line([m.label, requestsPerSecond.toFixed(0), String(p50), String(p99), String(ok), String(non2xx), String(failures), perRequest, percent(m.serverCpu, m.wall), percent(m.clientCpu, m.wall)]);
}

/**
 * Prints the machine, the table for both servers, and the verdict; returns whether both targets are met.
 *
 * @param loadBefore the 1-minute load average before the servers started
 */
export function printReport(shape: LoadShape, warmup: number, bare: Measured, real: Measured, loadBefore: number): boolean {
  const ratio = real.run.requestsPerSecond / bare.run.requestsPerSecond;
  const ratioMet = ratio >= targets.ratio;
  const p99Met = real.run.p99 <= targets.p99Ms;
  console.log(`\nENTER benchmark: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? "unknown"}, ${availableParallelism()} usable), Node ${process.version}, ${process.platform} ${process.arch}`);
  console.log(`load average: ${loadBefore.toFixed(2)} before the run, ${loadavg()[0]!.toFixed(2)} after${loadBefore >= 0.75 * cpus().length ? " (the machine was busy before the run: the figures are noisy)" : ""}`);
  console.log(`autocannon in this process, ${shape.connections} connections, ${shape.duration} s per server after a ${warmup} s warm-up\n`);
  console.log(line(columns.map(([title]) => title)));
  console.log(row(bare));
  console.log(row(real));
  console.log(`\n(srv CPU: the server process's CPU over the run, 100 % = one core; client CPU: this process's.)`);
  console.log(`reference server status codes: ${JSON.stringify(real.run.statusCodes)}`);
  console.log(`ratio real/bare req/s: ${ratio.toFixed(2)}  target >= ${targets.ratio}: ${ratioMet ? "met" : "MISSED"}`);
  console.log(`reference server p99: ${real.run.p99} ms  target <= ${targets.p99Ms} ms: ${p99Met ? "met" : "MISSED"}`);
  if (bare.clientCpu / bare.wall >= 0.9 || (bare.serverCpu ?? Infinity) / bare.wall < 0.9) {
    console.log("note: the bare route was limited by the load generator (or other processes), not by its own CPU: its req/s is a floor and the ratio flatters the reference server; compare srv µs/req");
  }
  return ratioMet && p99Met;
}
