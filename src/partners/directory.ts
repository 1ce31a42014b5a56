/**
 * Partners (casino operators) as the servers know them, and the directory that finds
 * them by id. The credentials are those of the spec's security schemes (`MEMB_ID` +
 * secret) and of Kyren (`secureLogin` + `token`); the callback settings are those of
 * operation `sessionExpired`. Read from the PARTNERS_FILE (partners-file.ts) or the
 * sandbox partner (sandbox.ts).
 */

/** One partner and its credentials. */
export interface Partner {
  /** The partner id: `MEMB_ID` of signed calls and `secureLogin` of Kyren calls. */
  memberId: string;
  /** Shared secret that keys `HASH` and the body `hash`. Never logged. */
  secret: string;
  /** Token of Kyren CloseSession; Kyren calls are refused when undefined. */
  kyrenToken: string | undefined;
  /** Base URL of the partner's callback server; `/V4/sessionexpired` is appended. */
  callbackUrl: string | undefined;
  /** Whether session expired callbacks are switched on (off by default, per the spec). */
  sessionExpiredCallback: boolean;
  /**
   * Whether every request of this partner must carry `timestamp` (401 `G.04` without it;
   * spec: `Timestamp`). Default false: integrations built on the seeds send none.
   */
  requireTimestamp?: boolean;
}

/** Looks partners up by id. */
export interface PartnerDirectory {
  /** The partner with this id, or undefined. */
  get(memberId: string): Partner | undefined;
  /** Every partner, in configuration order. */
  all(): readonly Partner[];
}

/**
 * A directory over a fixed list.
 *
 * @throws Error when two partners share a member id
 */
export function partnerDirectory(partners: readonly Partner[]): PartnerDirectory {
  const byId = new Map<string, Partner>();
  for (const partner of partners) {
    if (byId.has(partner.memberId)) throw new Error(`partner ${partner.memberId} is configured twice`);
    byId.set(partner.memberId, partner);
  }
  return { get: (memberId) => byId.get(memberId), all: () => partners };
}
