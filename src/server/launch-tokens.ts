/**
 * Launch tokens of ENTER's `url` (spec: `EnterGameSessionSuccess.url`).
 *
 * A token is base64url(HMAC-SHA256(launch secret, session id)): 256 bits that nobody can
 * compute without the server's launch secret, over a session id that is itself 128
 * random bits. Only its SHA-256 is stored (`sessions.token_hash`), so a copy of the
 * database gives no usable token; yet an idempotent replay of ENTER can rebuild the very
 * same URL from the stored session id, as the spec promises.
 */
import { createHash, createHmac, randomFillSync } from "node:crypto";

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

// Random bytes are drawn 4 KiB at a time: one system call per 256 session ids.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/** A new provider session id: 128 random bits as 32 lowercase hex characters (seed 003's form). */
export function newSessionId(): string {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.toString("hex", poolOffset - 16, poolOffset);
}

/**
 * @param secret the launch secret, at least 32 bytes
 * @param gameBaseUrl base of the game client, e.g. `https://games.luckymonaco.example`
 * @throws Error when the secret is shorter than 32 bytes
 */
export function launchTokens(secret: Buffer, gameBaseUrl: string): LaunchTokens {
  if (secret.length < 32) throw new Error("the launch token secret must be at least 32 bytes");
  const base = gameBaseUrl.replace(/\/+$/, "");
  const hash = (token: string) => createHash("sha256").update(token).digest("hex");
  return {
    hash,
    issue(sessionId) {
      const token = createHmac("sha256", secret).update(`launch-token:${sessionId}`).digest("base64url");
      return { token, tokenHash: hash(token), url: `${base}/index.html?token=${token}` };
    },
  };
}
