/**
 * Group commit of delivery attempts on PostgreSQL (../group-commit.ts): the
 * `recordCallbackAttempt` calls of one event-loop turn go to the database as ONE multi-row
 * UPDATE instead of one each, so that bookkeeping keeps up with thousands of callbacks per
 * second. Each caller is answered after that commit, with whether
 * its lease still held; durability per attempt is unchanged.
 */
import type pg from "pg";
import { attemptValues } from "../callback-rows.js";
import type { CallbackAttempt, PendingCallback } from "../session-store.js";
import { GroupCommit } from "../group-commit.js";
import { isRowError } from "./errors.js";

/** Most attempts in one statement; more in one turn make several statements. */
const MAX_BATCH = 1000;

/** Records each attempt whose lease matches; it returns the (session, lease) of each one recorded (exported for the plan test). */
export const BATCH_SQL = `
  UPDATE callbacks c SET state = u.state, attempts = c.attempts + 1, next_attempt_at = coalesce(u.next_attempt_at, c.next_attempt_at),
                         last_error = u.last_error, last_status = u.last_status, delivered_at = coalesce(u.delivered_at, c.delivered_at),
                         updated_at = u.at, leased_until = NULL, lease = NULL
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::int[], $6::bigint[], $7::bigint[], $8::text[])
       AS u(state, session_id, next_attempt_at, last_error, last_status, delivered_at, at, lease)
  WHERE c.session_id = u.session_id AND c.lease = u.lease
  RETURNING u.session_id, u.lease`;

type Callback = Pick<PendingCallback, "sessionId" | "lease">;
type Input = { callback: Callback; attempt: CallbackAttempt; at: number };

/** Collects attempts and records those of one turn together. */
export class AttemptBatch {
  private readonly batch: GroupCommit<Input, boolean>;

  /** @param single records one attempt on its own (the fallback when a batch fails) */
  constructor(pool: pg.Pool, single: (callback: Callback, attempt: CallbackAttempt, at: number) => Promise<boolean>) {
    this.batch = new GroupCommit({
      retryAlone: isRowError,
      maxGroup: MAX_BATCH,
      single: ({ callback, attempt, at }) => single(callback, attempt, at),
      async many(inputs) {
        const columns: unknown[][] = Array.from({ length: 8 }, () => []);
        for (const { callback, attempt, at } of inputs) {
          const [state, next, error, status, deliveredAt] = attemptValues(attempt, at);
          for (const [index, value] of [state, callback.sessionId, next, error, status, deliveredAt, at, callback.lease].entries())
            columns[index]!.push(value);
        }
        const result = await pool.query<{ session_id: string; lease: string }>({
          name: "recordAttemptBatch",
          text: BATCH_SQL,
          values: columns,
        });
        const recorded = new Set(result.rows.map((row) => `${row.session_id} ${row.lease}`));
        return inputs.map(async ({ callback }) => recorded.has(`${callback.sessionId} ${callback.lease}`));
      },
    });
  }

  /**
   * Records `attempt` in the next batch.
   *
   * @returns (once committed) false when the lease was no longer the callback's
   * @throws (rejects with) the database's error for this attempt
   */
  record(callback: Callback, attempt: CallbackAttempt, at: number): Promise<boolean> {
    return this.batch.run({ callback, attempt, at });
  }
}
