/**
 * Launch tokens of ENTER's `url` (spec: `EnterGameSessionSuccess.url`).
 *
 * A token is base64url(HMAC-SHA256(launch secret, session id)): 256 bits that nobody can
 * compute without the server's launch secret, over the session id. Only its SHA-256 is stored (`sessions.token_hash`), so a copy of the
 * database gives no usable token; yet an idempotent replay of ENTER can rebuild the very
 * same URL from the stored session id, as the spec promises.
 */
import { createHmac, createSecretKey, hash as digest, randomFillSync } from "node:crypto";

/** A session's launch token, the form in which it is stored, and its launch URL. */
export interface LaunchToken {
  token: string;
  /** SHA-256 hex of the token: what is stored and looked up. */
  tokenHash: string;
  /** `GAME_BASE_URL/index.html?token=<token>`. */
  url: string;
}

/** Creates the launch tokens of sessions. */
export interface LaunchTokens {
  /** The launch token of a session id (the same every time for the same id). */
  issue(sessionId: string): LaunchToken;
  /** SHA-256 hex of a token, the form in which it is stored and looked up. */
  hash(token: string): string;
}

// Random bytes are drawn 4 KiB at a time: one system call per 409 session ids.
const RANDOM_BYTES = 10;
const pool = Buffer.alloc(4090);
let poolOffset = pool.length;

/**
 * A new provider session id, 32 lowercase hex characters (the form of seed 003's
 * example, spec `SessionExpiredRequest.sessionId`): the creation time in milliseconds as
 * 12 hex digits, then 80 random bits, as in a UUID version 7. Ids made later sort later,
 * so a new session is written at the end of the sessions' primary-key index instead of
 * on a random page of it, which keeps the pages an ENTER writes few at any table size. A
 * session id is no secret (the callback carries it; the launch token is an HMAC under
 * the launch secret), and 80 random bits per millisecond keep ids unique.
 *
 * @param now creation time, epoch milliseconds (default `Date.now()`)
 */
export function newSessionId(now: number = Date.now()): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += RANDOM_BYTES;
  return Math.floor(now).toString(16).padStart(12, "0").slice(-12) + pool.toString("hex", poolOffset - RANDOM_BYTES, poolOffset);
}

/**
 * @param secret the launch secret, at least 32 bytes
 * @param gameBaseUrl base of the game client, e.g. `https://games.luckymonaco.example`
 * @throws Error when the secret is shorter than 32 bytes
 */
export function launchTokens(secret: Buffer, gameBaseUrl: string): LaunchTokens {
  if (secret.length < 32) throw new Error("the launch token secret must be at least 32 bytes");
  const base = gameBaseUrl.replace(/\/+$/, "");
  // The key is imported once and the SHA-256 is one-shot: nothing set up again per ENTER.
  const key = createSecretKey(secret);
  const hash = (token: string) => digest("sha256", token, "hex");
  return {
    hash,
    issue(sessionId) {
      const token = createHmac("sha256", key).update(`launch-token:${sessionId}`).digest("base64url");
      return { token, tokenHash: hash(token), url: `${base}/index.html?token=${token}` };
    },
  };
}
