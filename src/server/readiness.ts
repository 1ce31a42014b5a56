/**
 * Whether this instance should get traffic (`/health/ready`, and `/health`): not while it
 * shuts down (`draining`), and not while its store cannot write. A load balancer that
 * polls readiness then stops sending requests to an instance on a full disk, a read-only
 * or unreachable database, instead of letting every ENTER fail with 500 `G.01`.
 *
 * Writability is known from the writes themselves: every write of the store reports its
 * outcome (`watchWrites`), and a heartbeat write every `HEARTBEAT_EVERY_MS` keeps the
 * answer current when no request writes (`startHeartbeat`), so readiness also comes back
 * by itself once writes succeed again. A failure keeps the instance not ready for
 * `FAILURE_HOLD_MS` even if a write succeeds meanwhile, so one lucky small write does not
 * make it flap back while the others still fail.
 */
import type { SessionStore } from "../store/session-store.js";
import { withDeadline } from "./deadline.js";

/** Time between heartbeat writes, milliseconds. */
export const HEARTBEAT_EVERY_MS = 2000;

/** How long a failed write keeps the instance not ready, milliseconds. */
export const FAILURE_HOLD_MS = 3000;

/** Why an instance is not ready, as `/health/ready` says it. */
export type NotReady = "draining" | "store cannot write";

/** The readiness of this instance. */
export class Readiness {
  /** Set when shutdown begins: the instance stays up to finish its requests, but wants none. */
  draining = false;
  private lastOutcome: { ok: boolean; at: number; error?: string } | undefined;
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly now: () => number = Date.now) {}

  /** Records the outcome of a write (`error`: its message, never logged with values). */
  noteWrite(ok: boolean, error?: string): void {
    const at = this.now();
    this.lastOutcome = { ok, at, error };
    if (!ok) this.lastFailureAt = at;
  }

  /** Undefined when ready; otherwise why not, and the last write error when that is the reason. */
  notReady(): { reason: NotReady; error?: string } | undefined {
    if (this.draining) return { reason: "draining" };
    const failedRecently = this.now() - this.lastFailureAt < FAILURE_HOLD_MS;
    if (this.lastOutcome && (!this.lastOutcome.ok || failedRecently))
      return { reason: "store cannot write", error: this.lastOutcome.error };
    return undefined;
  }
}

/** The store's methods that write, whose outcome tells whether the store can write. */
const WRITES = [
  "openSession",
  "closeSessions",
  "closeSessionsOnce",
  "expireIdleSessions",
  "claimDueCallbacks",
  "recordCallbackAttempt",
  "redeliverCallbacks",
  "forgetDeliveredCallbacks",
  "forgetIdempotencyKeys",
  "forgetEndedSessions",
  "heartbeat",
] as const;

/**
 * `store`, with every write reporting its outcome to `readiness`. Reads are passed
 * through. A write's own answer is unchanged.
 */
export function watchWrites(store: SessionStore, readiness: Readiness): SessionStore {
  const watched = Object.create(store) as SessionStore;
  for (const name of WRITES) {
    const write = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
    (watched as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
      write(...args).then(
        (value) => {
          readiness.noteWrite(true);
          return value;
        },
        (error: unknown) => {
          readiness.noteWrite(false, (error as Error)?.message ?? String(error));
          throw error;
        },
      );
  }
  return watched;
}

/**
 * Writes the store's heartbeat every `HEARTBEAT_EVERY_MS` (each given at most as long to
 * answer), so that readiness follows the store even when no request writes. The first
 * write is at once. The timer does not keep the process alive.
 *
 * @param store a store wrapped by `watchWrites`, so that a success reaches readiness
 * @param readiness told of a heartbeat that did not answer in time
 */
export function startHeartbeat(store: SessionStore, readiness: Readiness, now: () => number = Date.now): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const beat = () => {
    // A write that has not answered by the next beat is a failure too (a hung database).
    running ??= withDeadline(store.heartbeat(now()), HEARTBEAT_EVERY_MS, "the database")
      .catch((error: unknown) => readiness.noteWrite(false, (error as Error).message))
      .finally(() => (running = undefined));
  };
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
