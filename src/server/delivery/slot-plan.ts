/**
 * How one claim of the delivery loop shares this instance's free slots among partners:
 * how many due callbacks of each partner it asks the outbox for. Pure, so that the rule
 * is tested on its own (dispatcher.ts calls it).
 *
 * - A partner never has more in flight than its **cap**: its concurrency limit
 *   (concurrency-limit.ts), 1 while its circuit breaker is half-open, 0 while it is open.
 * - The instance never has more than `total` (`CALLBACK_CONCURRENCY`) in flight.
 * - **Fair shares.** The partners that compete (attempts in flight, or more due than
 *   their last claim asked for) share `total` max-min fairly: each gets its cap if that is
 *   no more than an equal split, and the rest is split equally among the others. So a
 *   slow partner whose limit has grown to the ceiling gets at most its share while others
 *   have callbacks to send, and all of `total` when it is alone. A partner above its
 *   share (another partner started competing) gets no new slot until it is below.
 * - **Newcomers.** A partner that does not compete yet may ask for an equal share of
 *   `total` as if it joined (at most its cap), from what is free: its first callbacks
 *   wait at most for the attempts of others to end, one attempt timeout.
 * - **Order.** Free slots go to the partners in the order given; the caller starts one
 *   partner further on each claim (rotation), so no partner is always first.
 */

/** One partner, as a claim sees it. */
export interface PartnerLoad {
  partnerId: string;
  /** Most attempts it may have in flight now (>= 0). */
  cap: number;
  /** Its attempts in flight now. */
  inFlight: number;
  /** Its last claim was given all it asked for: more of its callbacks may be due. */
  backlogged: boolean;
}

/**
 * Max-min fair shares of `total` slots for partners that want at most `caps` each; the
 * slots that do not divide evenly go to the first partners in order.
 *
 * @returns one share per cap, each <= its cap, summing to min(total, sum of caps)
 */
export function fairShares(caps: readonly number[], total: number): number[] {
  const shares = caps.map(() => 0);
  let left = total;
  let open = caps.flatMap((cap, index) => (cap > 0 ? [index] : []));
  while (left > 0 && open.length > 0) {
    const each = Math.floor(left / open.length);
    if (each === 0) {
      for (const index of open.slice(0, left)) shares[index]! += 1;
      break;
    }
    const still: number[] = [];
    for (const index of open) {
      const given = Math.min(each, caps[index]! - shares[index]!);
      shares[index]! += given;
      left -= given;
      if (shares[index]! < caps[index]!) still.push(index);
    }
    open = still;
  }
  return shares;
}

/**
 * The slots one claim asks for, per partner (see the module comment).
 *
 * @param partners every configured partner, in this claim's order
 * @param total most attempts in flight in the instance (`CALLBACK_CONCURRENCY`)
 * @param inFlight attempts in flight in the instance now, every partner's included
 * @returns slots per partner id (0 for a partner that gets none; every partner listed)
 */
export function planSlots(partners: readonly PartnerLoad[], total: number, inFlight: number): Map<string, number> {
  const competing = partners.filter((partner) => partner.inFlight > 0 || partner.backlogged);
  const shares = fairShares(
    competing.map((partner) => partner.cap),
    total,
  );
  const entitled = new Map(competing.map((partner, index) => [partner.partnerId, shares[index]!]));
  const newcomerShare = Math.max(1, Math.floor(total / (competing.length + 1)));
  const plan = new Map<string, number>();
  let free = Math.max(0, total - inFlight);
  for (const partner of partners) {
    const allowed = entitled.get(partner.partnerId) ?? Math.min(partner.cap, newcomerShare);
    const slots = Math.min(free, Math.max(0, allowed - partner.inFlight));
    plan.set(partner.partnerId, slots);
    free -= slots;
  }
  return plan;
}
