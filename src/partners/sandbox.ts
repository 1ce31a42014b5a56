import type { Partner } from "./directory.js";

/**
 * The sandbox partner of a zero-configuration start. Its credentials are public: never use
 * them outside a sandbox. They are shorter than a partners file allows (16 characters at
 * least), so a partners file cannot reuse them by accident. It does not require
 * `timestamp`, so the seeds' examples keep working.
 */
export const sandboxPartner: Partner & { secret: string; kyrenToken: string } = {
  memberId: "demo",
  secret: "sandbox-secret",
  kyrenToken: "sandbox-token",
  callbackUrl: undefined,
  sessionExpiredCallback: false,
  requireTimestamp: false,
};
