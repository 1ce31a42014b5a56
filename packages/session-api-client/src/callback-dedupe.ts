/**
 * The dedupe rule for receivers of the session expired callback (spec: operation
 * `sessionExpired`, "Duplicates"; signing guide, "Verifying (receivers)" step 5):
 * delivery is at least once, so a receiver records each callback under a key and
 * acknowledges a repeat of a known key with 200 without recording it again. The key is
 * the partner (`MEMB_ID`) and the body's `callbackId`, which is the same on every attempt
 * of a callback; a body without `callbackId` (a sender before contract 1.2.0) falls back
 * to the partner and `sessionId`. Never dedupe on `HASH` or the body `hash`: `timestamp`,
 * and so both signatures, change from one attempt to the next.
 *
 * No imports: it ships in the client package for operators' own receivers (index.ts).
 */

/** The fields of a session expired body that the dedupe rule reads. */
export interface DedupedCallbackBody {
  sessionId: string;
  callbackId?: string | null;
}

/**
 * The key under which to record a verified session expired callback:
 * `<MEMB_ID> callback <callbackId>`, or `<MEMB_ID> session <sessionId>` when the body has
 * no `callbackId`. Call it only after the signatures are checked.
 *
 * ```ts
 * const key = sessionExpiredDedupeKey(auth.memberId, body);
 * if (!recorded.has(key)) { recorded.add(key); record(body); } // answer 200 either way
 * ```
 */
export function sessionExpiredDedupeKey(memberId: string, body: DedupedCallbackBody): string {
  return typeof body.callbackId === "string" && body.callbackId !== ""
    ? `${memberId} callback ${body.callbackId}`
    : `${memberId} session ${body.sessionId}`;
}
