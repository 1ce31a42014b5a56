/**
 * Rows of the `callbacks` table (the outbox of the session expired callback) as both stores read them: the
 * column names are the same on SQLite and PostgreSQL, and times are epoch milliseconds
 * (`INTEGER` / `bigint`, which the drivers may hand back as strings or bigints).
 */
import type { CallbackAttempt, CallbackState, PendingCallback, StoredCallback } from "./callback-outbox.js";

type Row = Record<string, unknown>;

const optionalNumber = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));

/** The columns a claim returns: `RETURNING ${claimedColumns}`. */
export const claimedColumns = "session_id, partner_id, player_id, callback_id, created_at, attempts, next_attempt_at";

/** A claimed row (columns `claimedColumns`) with the claim's lease token. */
export function toPendingCallback(row: Row, lease: string): PendingCallback {
  return {
    sessionId: row.session_id as string,
    partnerId: row.partner_id as string,
    playerId: row.player_id as string,
    callbackId: row.callback_id as string,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    lease,
  };
}

/** Sorts claimed rows oldest due first (a multi-row UPDATE returns them in no order). */
export function byDueTime(rows: Row[]): Row[] {
  return rows.sort(
    (a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at) || String(a.session_id).localeCompare(String(b.session_id)),
  );
}

/** A full row (`SELECT *`) for `listCallbacks`. */
export function toStoredCallback(row: Row): StoredCallback {
  return {
    callbackId: row.callback_id as string,
    sessionId: row.session_id as string,
    partnerId: row.partner_id as string,
    playerId: row.player_id as string,
    state: row.state as CallbackState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    leasedUntil: optionalNumber(row.leased_until),
    lastError: (row.last_error as string | null) ?? undefined,
    lastStatus: optionalNumber(row.last_status),
    createdAt: Number(row.created_at),
    deliveredAt: optionalNumber(row.delivered_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * The values an attempt writes, in the order the stores bind them: state, next due time
 * (null: unchanged), last error (null when delivered), last status (null: none), and
 * the delivery time (null unless delivered).
 */
export function attemptValues(
  attempt: CallbackAttempt,
  at: number,
): [CallbackState, number | null, string | null, number | null, number | null] {
  return [
    attempt.state,
    attempt.state === "pending" ? attempt.nextAttemptAt : null,
    attempt.state === "delivered" ? null : attempt.error,
    attempt.status ?? null,
    attempt.state === "delivered" ? at : null,
  ];
}

/** Per-state counts by partner from rows `{ partner_id, state, count }`, and the oldest pending creation time. */
export function toCallbackStats(rows: Row[], oldestPendingCreatedAt: unknown) {
  const pendingByPartner = new Map<string, number>();
  const failedByPartner = new Map<string, number>();
  for (const row of rows) (row.state === "pending" ? pendingByPartner : failedByPartner).set(row.partner_id as string, Number(row.count));
  return { pendingByPartner, failedByPartner, oldestPendingCreatedAt: optionalNumber(oldestPendingCreatedAt) };
}
