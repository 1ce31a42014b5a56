import type { Partner } from "./directory.js";

/**
 * The one start-up warning about partners whose requests may come without `timestamp`
 * (spec: `Timestamp`): their signed requests can be
 * replayed for as long as the idempotency record, or forever. Both the provider's
 * server and the operator receiver log it, once, when they read a PARTNERS_FILE.
 *
 * @returns the warning, or undefined when every partner requires `timestamp`
 */
export function timestampWarning(partners: readonly Partner[]): string | undefined {
  const lax = partners.filter((partner) => !partner.requireTimestamp).map((partner) => partner.memberId);
  if (lax.length === 0) return undefined;
  return `requireTimestamp is off for ${lax.length} partner(s): ${lax.join(", ")}. Their requests without timestamp are accepted at any age and can be replayed; set requireTimestamp: true in PARTNERS_FILE once they send timestamp.`;
}
