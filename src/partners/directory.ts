/**
 * Partners (casino operators) as the servers know them, and the directory that finds
 * them by id. The credentials are those of the spec's security schemes (`MEMB_ID` +
 * secret) and of Kyren (`secureLogin` + `token`); the callback settings are those of
 * operation `sessionExpired`. Read from the PARTNERS_FILE (partners-file.ts) or the
 * sandbox partner (sandbox.ts).
 */

import type { Secrets } from "@luckymonaco/session-api-client/signing";

/** One partner and its credentials. */
export interface Partner {
  /** The partner id: `MEMB_ID` of signed calls and `secureLogin` of Kyren calls. */
  memberId: string;
  /**
   * Shared secret that keys `HASH` and the body `hash`; while it is rotated, the new and
   * the old one, newest first: requests signed with either are accepted, and callbacks
   * are signed with the newest. Never logged.
   */
  secret: Secrets;
  /** Token of Kyren CloseSession (both, newest first, while it is rotated); Kyren calls are refused when undefined. */
  kyrenToken: Secrets | undefined;
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

/** A directory whose partners can be replaced while the server runs. */
export interface ReloadablePartnerDirectory extends PartnerDirectory {
  /**
   * Puts `partners` in place of the current ones, at once for every later lookup (a request
   * already authenticated keeps the partner it found). Authentication keeps each secret's
   * HMAC key with the partner object it was made for (the client package's
   * `signing-keys.ts`): the new objects get new keys, the old keys go with the old objects.
   *
   * @throws Error when two partners share a member id (the current ones stay)
   */
  replace(partners: readonly Partner[]): void;
}

/** A directory over `partners` that `replace` can swap (SIGHUP re-reads PARTNERS_FILE). */
export function reloadablePartnerDirectory(partners: readonly Partner[]): ReloadablePartnerDirectory {
  let current = partnerDirectory(partners);
  return {
    get: (memberId) => current.get(memberId),
    all: () => current.all(),
    replace(next) {
      current = partnerDirectory(next);
    },
  };
}
