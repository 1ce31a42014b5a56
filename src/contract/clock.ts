/**
 * The target's clock, as the tester estimates it, for the probes that must land a
 * `timestamp` a second or two inside or outside the target's tolerance (spec:
 * `Timestamp`, "300 seconds by default", in the past or in the future). The tester and
 * the target may disagree about the time; the HTTP `Date` header of the target's answers
 * says what its clock reads, to the second.
 *
 * Each sample brackets the offset: the target read its clock between sending and
 * receiving, and a `Date` of second S means its clock read within [S, S + 1 s). The
 * intersection of a few samples gives the offset to about half a second, whatever the
 * skew. A target whose answers carry no `Date` header is assumed to agree with the
 * tester's clock (then a skew of up to about a second is tolerated).
 */
import { exchange } from "./http.js";

/** A target's clock, as estimated. */
export interface TargetClock {
  /** The target's time now, Unix seconds (floored), as estimated. */
  nowSeconds(): number;
  /** Estimated offset of the target's clock from the tester's, milliseconds (target − tester). */
  offsetMs: number;
  /** How the offset was found: the target's `Date` headers, or assumed 0 (no `Date` header). */
  source: "date-header" | "assumed";
  /** How far off the estimate may be, milliseconds (half the width of the bracket). */
  uncertaintyMs: number;
}

/** A clock that agrees with the tester's (no `Date` header to go by). */
export function testerClock(): TargetClock {
  return { nowSeconds: () => Math.floor(Date.now() / 1000), offsetMs: 0, source: "assumed", uncertaintyMs: 1000 };
}

/** A clock at `offsetMs` from the tester's. */
export function clockAt(offsetMs: number, source: TargetClock["source"], uncertaintyMs: number): TargetClock {
  return { nowSeconds: () => Math.floor((Date.now() + offsetMs) / 1000), offsetMs, source, uncertaintyMs };
}

/** The clock of a target as a sentence, for failure messages. */
export function describeClock(clock: TargetClock): string {
  if (clock.source === "assumed") return "its answers carry no Date header, so its clock is taken to agree with the tester's";
  const seconds = (clock.offsetMs / 1000).toFixed(1);
  return `its clock reads ${clock.offsetMs >= 0 ? "+" : ""}${seconds} s from the tester's (from its Date header, ±${(clock.uncertaintyMs / 1000).toFixed(1)} s)`;
}

/**
 * Estimates the clock of the target at `baseUrl` from the `Date` header of a few answers
 * to `GET <path>` (any status will do: 405 on a correct target).
 *
 * @param samples how many requests (each one round trip)
 * @returns the estimate; the tester's clock when no answer carries a valid `Date` header
 */
export async function estimateClock(baseUrl: string, path: string, samples = 3): Promise<TargetClock> {
  let low = -Infinity;
  let high = Infinity;
  for (let index = 0; index < samples; index++) {
    const sent = Date.now();
    let date: string | undefined;
    try {
      date = (await exchange(baseUrl, { method: "GET", path, query: {}, headers: {}, body: "" }, 5000)).headers.date;
    } catch {
      break;
    }
    const received = Date.now();
    const read = date === undefined ? NaN : Date.parse(date);
    if (Number.isNaN(read)) break;
    // The target read `read` (floored to the second) at some tester time within [sent, received].
    low = Math.max(low, read - received);
    high = Math.min(high, read + 1000 - sent);
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) return testerClock();
  // Samples that disagree (a Date from a cache): take the widest honest bracket.
  if (low > high) [low, high] = [high, low];
  return clockAt(Math.round((low + high) / 2), "date-header", Math.round((high - low) / 2));
}
