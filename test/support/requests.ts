/**
 * Raw HTTP helpers for tests that must send exactly the bytes they choose (broken JSON,
 * wrong content types, oversized bodies), signed or not, with the sandbox credentials.
 */
import { bodyHash, requestSignature } from "@luckymonaco/session-api-client";

export const SANDBOX = { memberId: "demo", secret: "sandbox-secret", kyrenToken: "sandbox-token" } as const;

/** A raw response: status, exact content type and parsed JSON body (undefined if not JSON). */
export interface RawResponse {
  status: number;
  contentType: string | null;
  body: any;
}

/**
 * POSTs `rawBody` to `baseUrl + path`. With `sign` (default true) it adds `MEMB_ID` and a
 * `HASH` computed over exactly these bytes; `query` overrides or adds parameters.
 */
export async function postRaw(
  baseUrl: string,
  path: string,
  rawBody: string | undefined,
  options: { contentType?: string | null; sign?: boolean; query?: Record<string, string>; secret?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  if (options.sign ?? true) {
    url.searchParams.set("MEMB_ID", SANDBOX.memberId);
    url.searchParams.set("HASH", requestSignature(rawBody ?? "", options.secret ?? SANDBOX.secret));
  }
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = {};
  const contentType = options.contentType === undefined ? "application/json" : options.contentType;
  if (contentType !== null) headers["content-type"] = contentType;
  const response = await fetch(url, { method: "POST", headers, body: rawBody });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, contentType: response.headers.get("content-type"), body };
}

/** `fields` with a valid body `hash` added (sandbox secret unless given). */
export function withBodyHash(fields: Record<string, unknown>, secret: string = SANDBOX.secret): Record<string, unknown> {
  return { ...fields, hash: bodyHash(fields, secret) };
}

/** A valid ENTER body with a fresh uuid; `overrides` replace top-level fields. */
export function enterBody(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    uuid: crypto.randomUUID(),
    gametype: "slot",
    gameid: "lm_monaco_riches",
    player: {
      id: "player-1001",
      nickname: "LuckyLuca",
      language: "en",
      currency: "EUR",
      session: { id: "op-session-77f3a1", ip: "203.0.113.42" },
    },
    ...overrides,
  };
}
