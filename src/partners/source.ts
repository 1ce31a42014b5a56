/**
 * Where a server's partners come from (the provider's server and the operator receiver):
 * the PARTNERS_FILE (partners-file.ts), re-read on SIGHUP without a restart, or, without
 * one, the public sandbox partner.
 *
 * A reload puts the file's partners in place at once: a new partner is accepted, a
 * removed one refused, a changed secret or callback URL used, by the next request and
 * the next callback. A file with an error keeps the partners already running and logs one
 * line saying where the error is, never the line itself (it may hold a secret). Only the
 * partners file is re-read: the environment variables of a running process cannot change
 * (restart it to change one).
 */
import type { FastifyBaseLogger } from "fastify";
import { reloadablePartnerDirectory, type Partner, type ReloadablePartnerDirectory } from "./directory.js";
import { loadPartnersFile } from "./partners-file.js";
import { sandboxPartner } from "./sandbox.js";
import { timestampWarning } from "./timestamp-warning.js";

/** The partners a server starts with. */
export interface StartupPartners {
  directory: ReloadablePartnerDirectory;
  /** True without a PARTNERS_FILE: the public sandbox partner only. */
  sandbox: boolean;
  /** Lines to log once the logger exists. */
  warnings: string[];
}

/**
 * Reads the partners file, or takes the sandbox partner (and `sandboxWarning` to log).
 * Without a partners file, `sandboxCallbackUrl` (`SANDBOX_CALLBACK_URL`) turns the sandbox
 * partner's session expired callbacks on, to that base URL; the caller refuses it beside
 * a partners file (config.ts).
 *
 * @throws Error naming PARTNERS_FILE and what is wrong in it
 */
export function startupPartners(partnersFile: string | undefined, sandboxWarning: string, sandboxCallbackUrl?: string): StartupPartners {
  if (!partnersFile) {
    if (!sandboxCallbackUrl) return { directory: reloadablePartnerDirectory([sandboxPartner]), sandbox: true, warnings: [sandboxWarning] };
    const partner = { ...sandboxPartner, callbackUrl: sandboxCallbackUrl, sessionExpiredCallback: true };
    const where = `SANDBOX_CALLBACK_URL: the sandbox partner's session expired callbacks go to ${sandboxCallbackUrl} (POST /V4/sessionexpired)`;
    return { directory: reloadablePartnerDirectory([partner]), sandbox: true, warnings: [sandboxWarning, where] };
  }
  const partners = loadPartnersFile(partnersFile);
  const warning = timestampWarning(partners);
  return { directory: reloadablePartnerDirectory(partners), sandbox: false, warnings: warning ? [warning] : [] };
}

/** What changed between two partner lists, by member id. */
function changes(before: readonly Partner[], after: readonly Partner[]) {
  const old = new Map(before.map((partner) => [partner.memberId, JSON.stringify(partner)]));
  const ids = new Set(after.map((partner) => partner.memberId));
  return {
    added: after.filter((partner) => !old.has(partner.memberId)).map((partner) => partner.memberId),
    removed: before.filter((partner) => !ids.has(partner.memberId)).map((partner) => partner.memberId),
    changed: after
      .filter((partner) => old.has(partner.memberId) && old.get(partner.memberId) !== JSON.stringify(partner))
      .map((partner) => partner.memberId),
  };
}

/**
 * Re-reads `partnersFile` into `directory` (SIGHUP), logging one line: what changed (by
 * member id; secrets are never logged), or why the file was not taken.
 *
 * @returns whether the file was taken
 */
export function reloadPartners(partnersFile: string | undefined, directory: ReloadablePartnerDirectory, log: FastifyBaseLogger): boolean {
  if (!partnersFile) {
    log.info("SIGHUP: no PARTNERS_FILE to re-read (sandbox); nothing changed");
    return false;
  }
  let partners: Partner[];
  try {
    partners = loadPartnersFile(partnersFile);
  } catch (error) {
    log.error(`SIGHUP: ${(error as Error).message}; the partners already running are kept`);
    return false;
  }
  const changed = changes(directory.all(), partners);
  directory.replace(partners);
  log.info(
    { partners: partners.length, ...changed },
    `SIGHUP: PARTNERS_FILE re-read: ${partners.length} partners (${changed.added.length} added, ${changed.removed.length} removed, ${changed.changed.length} changed)`,
  );
  const warning = timestampWarning(partners);
  if (warning) log.warn(warning);
  return true;
}
