/**
 * The computation of the signing playground (`dist/docs/playground.html`), run in the
 * reader's browser: the canonical string, the body `hash`, the body bytes, `HASH` and a
 * curl command, by the spec's "Request signing" guide. The canonical string is
 * `canonicalString` of the client package's `signing.ts` (bundled, not re-implemented); MD5 is
 * `@noble/hashes`; HMAC-SHA256 is WebCrypto (`crypto.subtle`). Nothing leaves the page.
 */
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalString, SigningError, type JsonObject } from "@luckymonaco/session-api-client/signing";

/** An operation as the playground offers it (embedded in the page at build time from the bundle). */
export interface PlaygroundOperation {
  operationId: string;
  summary: string;
  path: string;
  /** `provider` (the partner calls Lucky Monaco) or `operator` (the callback to the partner). */
  implementedBy: string;
  /** Signed with `MEMB_ID` + `HASH`. */
  signedWithHash: boolean;
  /** The body carries the body `hash`. */
  bodyHash: boolean;
  /** The request schema has a `timestamp` property. */
  hasTimestamp: boolean;
  /** The spec's request example, without `hash`. */
  example: JsonObject;
}

/** The base URLs the page offers, embedded at build time from the deployment (`deployment.ts`). */
export interface PlaygroundDefaults {
  /** The sandbox: `PUBLIC_SANDBOX_URL`, or locally http://127.0.0.1:3000. */
  provider: string;
  /** The partner's receiver of the callback. */
  operator: string;
  /** True for a public build: `provider` is the deployment's sandbox whichever origin serves the page. */
  fixed: boolean;
}

/** What the reader typed. */
export interface PlaygroundInput {
  operation: PlaygroundOperation;
  /** `fields`: a JSON object without `hash`, signed and serialised (compact JSON) here. `exact`: the body bytes as sent, signed as they are. */
  mode: "fields" | "exact";
  body: string;
  secret: string;
  partnerId: string;
  baseUrl: string;
}

/** What the playground shows. Each signature is undefined where the operation has none. */
export interface PlaygroundOutput {
  /** The canonical string (without the secret). */
  canonicalString?: string;
  /** In `exact` mode: why the canonical string cannot be built from the pasted bytes (`HASH` is still computed over them). */
  bodyProblem?: string;
  /** The body `hash`. */
  bodyHash?: string;
  /** In `exact` mode: whether the `hash` inside the pasted body equals the computed one. */
  bodyHashCheck?: "matches" | "differs" | "missing";
  /** The body bytes to send (UTF-8). */
  rawBody: string;
  /** `HASH`, over `rawBody`. */
  HASH?: string;
  /** The request URL, with `MEMB_ID` and `HASH` where the operation is signed. */
  url: string;
  /** A ready curl command that sends exactly `rawBody`. */
  curl: string;
}

/** A mistake in the input, with a message for the reader. */
export class PlaygroundError extends Error {
  override name = "PlaygroundError";
}

/** Parses a body that must be a JSON object. @throws PlaygroundError when it is not */
export function parseBody(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlaygroundError(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PlaygroundError("the body must be a JSON object");
  return value as JsonObject;
}

/** The body `hash`: lowercase hex MD5 of the UTF-8 bytes of the canonical string followed by the secret (signing guide, step 1). */
function md5Hex(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text)));
}

/**
 * `HASH`: lowercase hex HMAC-SHA256 of the body bytes keyed with the secret (signing
 * guide, step 3), by WebCrypto.
 *
 * @throws PlaygroundError when the page has no WebCrypto (a page served over plain http from another machine) or the secret is empty
 */
export async function hmacSha256Hex(secret: string, rawBody: string): Promise<string> {
  if (!globalThis.crypto?.subtle)
    throw new PlaygroundError(
      "this browser offers no WebCrypto on a page served over plain http: open the playground over https, or from disk",
    );
  if (secret === "") throw new PlaygroundError("enter the partner secret");
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(rawBody))));
}

/** Quotes a string for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The canonical string and body `hash` of `fields`. @throws PlaygroundError for a body that cannot be signed */
function bodySignature(fields: JsonObject, secret: string): { canonicalString: string; bodyHash: string } {
  try {
    const canonical = canonicalString(fields);
    return { canonicalString: canonical, bodyHash: md5Hex(canonical + secret) };
  } catch (error) {
    if (error instanceof SigningError) throw new PlaygroundError(`cannot sign: ${error.message}`);
    throw error;
  }
}

/**
 * Signs the reader's input. In `fields` mode the body is parsed, its `hash` replaced by
 * the computed one (added last) and serialised once as compact JSON, like the typed
 * client; in `exact` mode the text is the body as sent, and `hash` is only checked.
 *
 * @throws PlaygroundError with a message for the reader: in `fields` mode bad JSON or a nested
 *   value in a body with `hash`; in both modes an empty secret or partner id, or a bad base URL
 */
export async function signInBrowser(input: PlaygroundInput): Promise<PlaygroundOutput> {
  const { operation } = input;
  let url: URL;
  try {
    url = new URL(`${input.baseUrl.trim().replace(/\/+$/, "")}${operation.path}`);
  } catch {
    throw new PlaygroundError(`the base URL is not a URL: ${input.baseUrl}`);
  }
  const output: Omit<PlaygroundOutput, "url" | "curl"> = { rawBody: input.body };
  if (input.mode === "fields") {
    const { hash: _replaced, ...fields } = parseBody(input.body);
    if (operation.bodyHash) Object.assign(output, bodySignature(fields, input.secret));
    output.rawBody = JSON.stringify(output.bodyHash === undefined ? fields : { ...fields, hash: output.bodyHash });
  } else if (operation.bodyHash) {
    try {
      const fields = parseBody(input.body);
      Object.assign(output, bodySignature(fields, input.secret));
      output.bodyHashCheck = typeof fields.hash !== "string" ? "missing" : fields.hash === output.bodyHash ? "matches" : "differs";
    } catch (error) {
      if (!(error instanceof PlaygroundError)) throw error;
      output.bodyProblem = error.message;
    }
  }
  if (operation.signedWithHash) {
    if (input.partnerId.trim() === "") throw new PlaygroundError("enter the partner id (MEMB_ID)");
    output.HASH = await hmacSha256Hex(input.secret, output.rawBody);
    url.searchParams.set("MEMB_ID", input.partnerId);
    url.searchParams.set("HASH", output.HASH);
  }
  return {
    ...output,
    url: url.href,
    curl: `curl -sS -X POST ${shellQuote(url.href)} -H 'Content-Type: application/json' --data-binary ${shellQuote(output.rawBody)}`,
  };
}
