/**
 * The retry policy of the session expired callback (spec: operation `sessionExpired`,
 * "Answer and delivery"):
 *
 * - The retry schedule (`CALLBACK_RETRY_SCHEDULE`) lists the pauses between attempts, in
 *   seconds: after attempt k fails, attempt k+1 is due `schedule[k-1]` later; once the
 *   attempt after the last pause fails, the callback is given up (`failed`, the dead
 *   letter). So a schedule of n pauses makes n+1 attempts.
 * - The default, `5,30,120,600,1800,3600,10800,21600,43200,43200`, spans 124,955 s
 *   (34.7 h) in 11 attempts: the list 5 s … 12 h alone spans only 81,755 s
 *   (22.7 h), so a second 12 h pause is added to reach more than 24 hours even when
 *   every pause is drawn at its shortest (0.8 × 34.7 h = 27.8 h).
 * - Jitter: each pause is multiplied by a uniform random factor in [0.8, 1.2] (±20 %
 *   around the scheduled pause, not "full jitter", which could retry at once), so that a
 *   partner's backlog does not come back in lockstep.
 * - A 429 or 503 with `Retry-After` (seconds or an HTTP date) waits at least that long,
 *   at most 24 hours.
 * - Only a 4xx other than 408 and 429 stops retrying: the receiver refused the callback
 *   itself. A 5xx, 408, 429, a timeout, a network error, and any other answer that is not
 *   the documented success (200 with `"error": 0`), are retried.
 */

/** The default schedule, seconds between attempts (see the module comment). */
export const defaultRetrySchedule: readonly number[] = [5, 30, 120, 600, 1800, 3600, 10800, 21600, 43200, 43200];

/** Relative jitter of each pause: the factor is drawn uniformly from [1 - JITTER, 1 + JITTER]. */
export const JITTER = 0.2;

/** Longest wait that `Retry-After` can ask for, milliseconds (24 hours). */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/** Longest single pause a schedule may hold, seconds (7 days). */
const MAX_PAUSE_SECONDS = 7 * 24 * 3600;

/**
 * Parses `CALLBACK_RETRY_SCHEDULE`: a comma-separated list of pauses in seconds, e.g.
 * `5,30,120`; white space around the commas is allowed; decimals too (`0.5`).
 *
 * @returns the pauses in seconds, in order
 * @throws Error `CALLBACK_RETRY_SCHEDULE …` naming the entry that is not a number of
 *   seconds greater than 0 and at most 7 days, or an empty list
 */
export function parseRetrySchedule(text: string): number[] {
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.length === 0 || entries.every((entry) => entry === ""))
    throw new Error("CALLBACK_RETRY_SCHEDULE must list at least one pause in seconds, e.g. 5,30,120");
  if (entries.length > 100) throw new Error(`CALLBACK_RETRY_SCHEDULE has ${entries.length} pauses; at most 100`);
  return entries.map((entry, index) => {
    const seconds = /^\d+(\.\d+)?$/.test(entry) ? Number(entry) : NaN;
    if (!(seconds > 0 && seconds <= MAX_PAUSE_SECONDS)) {
      throw new Error(
        `CALLBACK_RETRY_SCHEDULE entry ${index + 1} ("${entry}") must be a number of seconds > 0 and <= ${MAX_PAUSE_SECONDS} (7 days), e.g. 5,30,120`,
      );
    }
    return seconds;
  });
}

/** Total span of a schedule without jitter, seconds. */
export const scheduleSpanSeconds = (schedule: readonly number[]) => schedule.reduce((sum, pause) => sum + pause, 0);

/**
 * The pause before the next attempt, milliseconds, or undefined when the schedule is used
 * up (the callback is then given up).
 *
 * @param attemptsMade attempts made so far, the one that just failed included (1 or more)
 * @param random a uniform random number in [0, 1) (`Math.random`)
 * @param retryAfterMs a `Retry-After` the receiver asked for, milliseconds: the pause is at least that
 */
export function nextPauseMs(
  schedule: readonly number[],
  attemptsMade: number,
  random: () => number,
  retryAfterMs?: number,
): number | undefined {
  const pause = schedule[attemptsMade - 1];
  if (pause === undefined) return undefined;
  const jittered = Math.round(pause * 1000 * (1 - JITTER + 2 * JITTER * random()));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/**
 * Reads a `Retry-After` header value: a whole number of seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2026 07:28:00 GMT`).
 *
 * @returns milliseconds from `now` (0 for a date in the past), or undefined when absent or not understood
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** True when an answer with this HTTP status must not be retried: a 4xx other than 408 and 429. */
export const stopsRetrying = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;
