/**
 * A receiver's partner secrets as HMAC keys, imported once per secret instead of once per
 * request, and the decoys that stand in for what no partner holds (authenticate.ts).
 *
 * The keys of a partner are kept with the partner object that the lookup returned, for as
 * long as that object lives and its `secret` is the same value: a directory that keeps
 * its partner objects (the servers' `src/partners/directory.ts`) imports each secret on
 * the partner's first request, and replacing its partners (SIGHUP re-reads the partners
 * file) drops the old keys with the old objects. A lookup that builds a new object for
 * every call gets correct keys, made for every call.
 */
import { createHmac, createSecretKey, randomBytes } from "node:crypto";
import { MAX_SECRETS, secretList, type Secrets } from "./signing.js";

/** A secret, with its `HASH` computation keyed once. Internal: the package exports neither (its types need no Node types). */
export interface SigningKey {
  readonly secret: string;
  /** `requestSignature(rawBody, secret)`, with the HMAC key imported once (`createSecretKey`). */
  signature(rawBody: Uint8Array): string;
}

/** `secret` with its HMAC key. */
export function signingKey(secret: string): SigningKey {
  const key = createSecretKey(Buffer.from(secret, "utf8"));
  // The rule of `requestSignature` (signing.ts): lowercase hex HMAC-SHA256 of the exact bytes.
  return { secret, signature: (rawBody) => createHmac("sha256", key).update(rawBody).digest("hex") };
}

/** Random secrets (and Kyren tokens) for what no partner holds; never a partner's. */
const DECOYS: readonly SigningKey[] = Array.from({ length: MAX_SECRETS }, () => signingKey(randomBytes(32).toString("hex")));

/** The keys made for a partner object, and the `secret` value they were made from. */
const made = new WeakMap<object, { secrets: Secrets; keys: readonly SigningKey[] }>();

/**
 * The keys a signed request is checked against: the partner's secrets, newest first,
 * padded with decoys to exactly `MAX_SECRETS`, so that the time to refuse a request tells
 * nothing about how many secrets a partner has, or whether it exists (an unknown partner
 * gets the decoys alone).
 *
 * @param partner the partner found by `MEMB_ID`, or undefined
 */
export function candidateKeys(partner: { secret: Secrets } | undefined): readonly SigningKey[] {
  if (partner === undefined) return DECOYS;
  const kept = made.get(partner);
  if (kept !== undefined && kept.secrets === partner.secret) return kept.keys;
  const keys = [...secretList(partner.secret).slice(0, MAX_SECRETS).map(signingKey), ...DECOYS].slice(0, MAX_SECRETS);
  made.set(partner, { secrets: partner.secret, keys });
  return keys;
}

/** Kyren tokens padded with decoys to exactly `MAX_SECRETS`, for the same reason as `candidateKeys`. */
export function paddedTokens(tokens: readonly string[]): string[] {
  return [...tokens.slice(0, MAX_SECRETS), ...DECOYS.map((decoy) => decoy.secret)].slice(0, MAX_SECRETS);
}
