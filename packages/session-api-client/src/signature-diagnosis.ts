/**
 * Signature diagnosis: when `HASH` or the body `hash` of a request
 * does not match, try the usual signing mistakes against the partner's own secret and
 * name the first one that reproduces the value received, so that the 401 `G.00` can say
 * what to fix ("HASH is upper-case hex: …"). The signing rule is the spec's "Request
 * signing" guide (`openapi/docs/signing.md`); its "If you get 401 G.00" section lists
 * these hints for partners.
 *
 * The diagnosis never returns the expected `HASH` or body `hash`: only the name of the
 * mistake and a hint, and (body `hash` only) the canonical string, which is derived from
 * the body alone and holds no secret. Each mistake is one entry of a table; entries that
 * need no secret (an MD5 or SHA-256 of the body alone) would let anyone learn that a
 * `MEMB_ID` exists, so they are tried only when the caller asks for them (the sandbox).
 *
 * Cost: it runs only on the failure path, with a fixed number of hashes (one per
 * candidate of each entry, about 25 at most). A wrong `HASH` can be sent by anyone (an
 * unknown `MEMB_ID` gets the same work against a decoy secret, authenticate.ts), so it is
 * diagnosed only for bodies up to `DIAGNOSED_HASH_BODY_BYTES`, and re-serialised only when
 * no deeper than `MAX_DIAGNOSED_DEPTH` (every request of this API is far smaller and
 * flatter): each candidate is then a few times the body's size at most, which bounds what
 * a caller without the secret can make the server do, and its cost does not depend on the
 * form of the secret. A wrong body `hash` comes with a valid `HASH`, so only
 * from a holder of the secret; it is diagnosed for any body the server accepts (16 KiB).
 */
import { createHash, createHmac } from "node:crypto";
import { canonicalEntries, requestSignature, safeEqual, type JsonObject } from "./signing.js";

/** Largest body whose wrong `HASH` is diagnosed, bytes: a few times the largest real request of this API. */
export const DIAGNOSED_HASH_BODY_BYTES = 4096;

/** Which signature a diagnosis is about: the `HASH` query parameter or the body `hash` field. */
export type DiagnosedSignature = "HASH" | "hash";

/** What the diagnosis found. */
export interface SignatureDiagnosis {
  /** The signature that does not match. */
  signature: DiagnosedSignature;
  /** The recognised mistake (its `id` in the table, e.g. `upper-case-hex`), or undefined. */
  mistake: string | undefined;
  /** The partner-facing hint of that mistake, or undefined when none was recognised. */
  hint: string | undefined;
  /**
   * Body `hash` only: the canonical string the receiver built from the body (no secret
   * in it). Show it only where the secret is public (the sandbox): it is not needed to
   * fix a recognised mistake.
   */
  canonicalString: string | undefined;
}

/** Which mistakes to try: those a caller can only make with the secret, or also those without it (sandbox). */
export type DiagnosisScope = "with-secret" | "all";

/** What a mistake's recomputation may read: the request and the partner's secret. */
export interface DiagnosisInput {
  /** The body bytes as received. */
  rawBody: Uint8Array;
  /** The body as text (UTF-8). */
  text: string;
  /** The parsed body when it is a JSON object, else undefined. */
  body: JsonObject | undefined;
  secret: string;
  /** The canonical entries of the body (computed once), or undefined when it cannot be signed (not an object, or a nested value). */
  entries(): Array<[string, string]> | undefined;
  /** The correct canonical string of the body (computed once), or undefined when it cannot be signed. */
  canonical(): string | undefined;
}

/** One usual mistake: what it produces from the input, and the hint that names it. */
export interface SignatureMistake {
  /** Stable name, for tests and logs. */
  id: string;
  /** True when the mistaken value needs the secret, so that recognising it proves the caller holds the secret. */
  needsSecret: boolean;
  /** The values a signer making this mistake sends; none when the mistake cannot apply to this body. */
  recompute(input: DiagnosisInput): Array<string | undefined>;
  /** Partner-facing: what went wrong and what to do (after "Could not authenticate: "). */
  hint: string;
}

const md5 = (text: string | Uint8Array) => createHash("md5").update(text).digest("hex");
const sha256 = (text: string | Uint8Array) => createHash("sha256").update(text).digest("hex");
const hmac = (algorithm: "sha256" | "md5", key: string | Uint8Array, message: string | Uint8Array) =>
  createHmac(algorithm, key).update(message).digest("hex");

/** The body bytes followed by the secret's UTF-8 bytes. */
const withSecret = (input: DiagnosisInput) => Buffer.concat([input.rawBody, Buffer.from(input.secret, "utf8")]);
/** Bytes to sign, unless they are the bytes received (whose HMAC already failed). */
const otherThan = (input: DiagnosisInput, text: string | undefined) => (text === undefined || text === input.text ? undefined : text);
/** The HMAC-SHA256 with the partner secret of a variant of the body text. */
const hmacOf = (input: DiagnosisInput, text: string | undefined) => {
  const other = otherThan(input, text);
  return other === undefined ? undefined : requestSignature(other, input.secret);
};

/** Every key of every object sorted (UTF-16 order, as `sort()` and most libraries do). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedKeys((value as JsonObject)[key])]),
  );
}

/** JSON text with every non-ASCII character as a `\u` escape (Python's `ensure_ascii`, PHP's default); `slashes` escapes `/` too (PHP). */
function escapeNonAscii(text: string, slashes: boolean): string {
  const escaped = text.replace(/[\u0080-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return slashes ? escaped.replace(/\//g, "\\/") : escaped;
}

/** JSON text with its `\u` escapes of non-ASCII characters and its `\/` decoded, everything else as it is. */
function unescapeNonAscii(text: string): string {
  return text.replace(/\\(\\|\/|u([0-9a-fA-F]{4}))/g, (whole, escaped: string, hex: string | undefined) => {
    if (escaped === "/") return "/";
    if (hex !== undefined && parseInt(hex, 16) >= 0x80) return String.fromCharCode(parseInt(hex, 16));
    return whole;
  });
}

/** JSON text with `, ` and `: ` between items (Python's `json.dumps` default separators). */
function spacedSeparators(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedSeparators).join(", ")}]`;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  return `{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}: ${spacedSeparators(item)}`)
    .join(", ")}}`;
}

/** `application/x-www-form-urlencoded` as URLSearchParams and Java's URLEncoder write it (space as `+`). */
const formEncoded = (text: string) => new URLSearchParams([["", text]]).toString().slice(1);
/** The same as PHP's `urlencode` and `http_build_query` write it: `*` encoded too. */
const phpUrlencode = (text: string) => formEncoded(text).replace(/\*/g, "%2A");

/** Canonical-string entries sorted by the UTF-8 bytes of the key (the rule's order). */
const byKeyBytes = (entries: Array<[string, string]>) =>
  entries
    .map((entry) => [Buffer.from(entry[0], "utf8"), entry] as const)
    .sort(([a], [b]) => Buffer.compare(a, b))
    .map(([, entry]) => entry);
const joined = (entries: Array<[string, string]>, encode: (text: string) => string = (text) => text) =>
  entries.map(([key, value]) => `${encode(key)}=${encode(value)}`).join("&");

/** The canonical entries of a body, or undefined when it cannot be signed (not an object, or a nested value). */
function entriesOf(body: JsonObject | undefined): Array<[string, string]> | undefined {
  if (body === undefined) return undefined;
  try {
    return canonicalEntries(body);
  } catch {
    return undefined;
  }
}

/** Computes `make()` once, on first use. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/** A body-hash mistake made in the canonical string: MD5 of the mistaken canonical string followed by the secret. */
function canonicalMistake(
  id: string,
  hint: string,
  build: (entries: Array<[string, string]>, input: DiagnosisInput) => string | undefined,
): SignatureMistake {
  return {
    id,
    needsSecret: true,
    hint,
    recompute: (input) => {
      const entries = input.entries();
      const canonical = entries && build(entries, input);
      return [canonical === undefined || canonical === input.canonical() ? undefined : md5(canonical + input.secret)];
    },
  };
}

/** A mistake in the digest of the correct canonical string (the secret, the algorithm, the case). */
function digestMistake(id: string, hint: string, digest: (canonical: string, secret: string) => string): SignatureMistake {
  return {
    id,
    needsSecret: true,
    hint,
    recompute: (input) => {
      const canonical = input.canonical();
      return [canonical === undefined ? undefined : digest(canonical, input.secret)];
    },
  };
}

/** A `HASH` over other bytes than those sent: `what` they were, and what to do instead. */
function bytesMistake(
  id: string,
  what: string,
  variant: (input: DiagnosisInput) => string | undefined,
  advice = "compute HASH over exactly the bytes you send, and send them unchanged",
): SignatureMistake {
  return {
    id,
    needsSecret: true,
    hint: `HASH covers other bytes than those sent (${what}): ${advice}`,
    recompute: (input) => [hmacOf(input, variant(input))],
  };
}

/** The same digest written in base64 and base64url, without padding. */
const base64Forms = (hex: string) => {
  const bytes = Buffer.from(hex, "hex");
  return [bytes.toString("base64"), bytes.toString("base64url")].map((text) => text.replace(/=+$/, ""));
};

/**
 * The usual mistakes with `HASH`, tried in this order; the first that reproduces the
 * value received is named (the narrow byte changes before the re-serialisations, which
 * also undo them). Upper-case hex is recognised on every entry (the comparison
 * ignores the case of hex), and named on its own when the value is otherwise right.
 */
export const hashMistakes: readonly SignatureMistake[] = [
  {
    id: "upper-case-hex",
    needsSecret: true,
    hint: "HASH is upper-case hex: send the 64 lower-case hex characters",
    recompute: (input) => [requestSignature(input.rawBody, input.secret)],
  },
  {
    id: "base64",
    needsSecret: true,
    hint: "HASH is base64: send the HMAC-SHA256 as 64 lower-case hex characters",
    recompute: (input) => base64Forms(requestSignature(input.rawBody, input.secret)),
  },
  bytesMistake("trailing-newline-signed", "the body followed by a newline that was not sent", (input) => `${input.text}\n`),
  bytesMistake("trailing-newline-sent", "the body without the trailing newline that was sent", (input) => input.text.replace(/\r?\n$/, "")),
  bytesMistake("escaped-unicode", "the body with non-ASCII characters written as \\u escapes", (input) =>
    escapeNonAscii(input.text, false),
  ),
  bytesMistake(
    "escaped-unicode-and-slashes",
    "the body with non-ASCII characters and / escaped, as PHP's json_encode does by default",
    (input) => escapeNonAscii(input.text, true),
  ),
  bytesMistake("unescaped-unicode", "the body with its \\u escapes decoded", (input) => unescapeNonAscii(input.text)),
  bytesMistake("compact-json", "the body re-serialised as compact JSON", (input) => input.body && JSON.stringify(input.body)),
  bytesMistake("pretty-printed-2", "the body pretty-printed with 2 spaces", (input) => input.body && JSON.stringify(input.body, null, 2)),
  bytesMistake("pretty-printed-4", "the body pretty-printed with 4 spaces", (input) => input.body && JSON.stringify(input.body, null, 4)),
  bytesMistake(
    "spaced-separators",
    'the body re-serialised with ", " and ": " between items',
    (input) => input.body && spacedSeparators(input.body),
  ),
  bytesMistake("sorted-keys", "the body with its keys sorted", (input) => input.body && JSON.stringify(sortedKeys(input.body))),
  bytesMistake(
    "before-body-hash",
    "the body without its hash field",
    (input) => {
      if (input.body === undefined || !("hash" in input.body)) return undefined;
      const { hash: _hash, ...rest } = input.body;
      return JSON.stringify(rest);
    },
    "put hash into the body first, then serialise once and compute HASH over those bytes",
  ),
  {
    id: "md5-body-and-secret",
    needsSecret: true,
    hint: "HASH is an MD5 of the body and the secret: use HMAC-SHA256 of the body bytes, keyed with the secret",
    recompute: (input) => [md5(withSecret(input))],
  },
  {
    id: "sha256-body-and-secret",
    needsSecret: true,
    hint: "HASH is a plain SHA-256 of the body and the secret: use HMAC-SHA256 of the body bytes, keyed with the secret",
    recompute: (input) => [sha256(withSecret(input))],
  },
  {
    id: "hmac-key-and-message-swapped",
    needsSecret: true,
    hint: "HASH is an HMAC keyed with the body: key the HMAC with the secret and hash the body (PHP: hash_hmac('sha256', $body, $secret))",
    recompute: (input) => [hmac("sha256", input.rawBody, input.secret)],
  },
  {
    id: "hmac-hex-decoded-secret",
    needsSecret: true,
    hint: "HASH is an HMAC keyed with the hex-decoded secret: use the secret's UTF-8 bytes as the key",
    // Computed for every secret, and kept only for a hex one: the cost of a diagnosis must not
    // depend on the secret's form, or the decoy secret of unknown partners (hex) would stand out.
    recompute: (input) => {
      const hex = /^(?:[0-9a-fA-F]{2})+$/.test(input.secret);
      const signature = hmac("sha256", hex ? Buffer.from(input.secret, "hex") : input.secret, input.rawBody);
      return [hex ? signature : undefined];
    },
  },
  digestMistake(
    "hmac-of-canonical-string",
    "HASH is an HMAC of the canonical string: HASH covers the body bytes as sent; the canonical string is only for the body hash",
    (canonical, secret) => hmac("sha256", secret, canonical),
  ),

  {
    id: "md5-body",
    needsSecret: false,
    hint: "HASH is an MD5 of the body: use HMAC-SHA256 of the body bytes, keyed with the secret",
    recompute: (input) => [md5(input.rawBody)],
  },
  {
    id: "sha256-body",
    needsSecret: false,
    hint: "HASH is a plain SHA-256 of the body: use HMAC-SHA256 of the body bytes, keyed with the secret",
    recompute: (input) => [sha256(input.rawBody)],
  },
];

/** The usual mistakes with the body `hash`, tried in this order, as `hashMistakes`. */
export const bodyHashMistakes: readonly SignatureMistake[] = [
  digestMistake("upper-case-hex", "the body hash is upper-case hex: send the 32 lower-case hex characters", (canonical, secret) =>
    md5(canonical + secret),
  ),

  canonicalMistake(
    "url-encoded",
    "the body hash was computed over a URL-encoded canonical string: write keys and values as they are, with no URL-encoding",
    (entries) => joined(entries, encodeURIComponent),
  ),
  canonicalMistake(
    "form-encoded",
    "the body hash was computed over a form-encoded canonical string (+ for spaces): write keys and values as they are, with no URL-encoding",
    (entries) => joined(entries, formEncoded),
  ),
  canonicalMistake(
    "form-encoded-php",
    "the body hash was computed over a form-encoded canonical string (PHP http_build_query or urlencode): write keys and values as they are, with no URL-encoding",
    (entries) => joined(entries, phpUrlencode),
  ),
  canonicalMistake(
    "unsorted-keys",
    "the body hash was computed with the keys in body order: sort the keys in ascending byte order",
    (entries, input) => {
      const position = new Map(Object.keys(input.body!).map((key, index) => [key, index]));
      return joined([...entries].sort(([a], [b]) => position.get(a)! - position.get(b)!));
    },
  ),
  canonicalMistake("hash-included", "the body hash was computed with hash= in the canonical string: leave the hash field out", (entries) =>
    joined(byKeyBytes([...entries, ["hash", ""]])),
  ),
  canonicalMistake(
    "null-included",
    "the body hash was computed with null fields as key=: leave out fields that are null",
    (entries, input) => {
      const nulls = Object.keys(input.body!).filter((key) => key !== "hash" && input.body![key] === null);
      return nulls.length === 0 ? undefined : joined(byKeyBytes([...entries, ...nulls.map((key): [string, string] => [key, ""])]));
    },
  ),
  canonicalMistake(
    "php-booleans",
    "the body hash was computed with PHP-style booleans (1 and an empty string): write true and false",
    (entries, input) =>
      joined(
        entries.map(([key, value]): [string, string] =>
          typeof input.body![key] === "boolean" ? [key, input.body![key] ? "1" : ""] : [key, value],
        ),
      ),
  ),
  canonicalMistake(
    "json-quoted-strings",
    "the body hash was computed with string values in JSON quotes: write strings as they are, without quotes or escapes",
    (entries, input) =>
      joined(
        entries.map(([key, value]): [string, string] =>
          typeof input.body![key] === "string" ? [key, JSON.stringify(value)] : [key, value],
        ),
      ),
  ),
  digestMistake(
    "secret-not-appended",
    "the body hash was computed without the secret: append the secret to the canonical string, with no separator",
    (canonical) => md5(canonical),
  ),

  digestMistake(
    "secret-prepended",
    "the body hash was computed with the secret in front: append the secret to the end of the canonical string",
    (canonical, secret) => md5(secret + canonical),
  ),

  digestMistake("sha256", "the body hash is a SHA-256: use MD5 of the canonical string followed by the secret", (canonical, secret) =>
    sha256(canonical + secret),
  ),

  digestMistake(
    "hmac-sha256",
    "the body hash is an HMAC-SHA256: use a plain MD5 of the canonical string followed by the secret",
    (canonical, secret) => hmac("sha256", secret, canonical),
  ),

  digestMistake(
    "hmac-md5",
    "the body hash is an HMAC-MD5: use a plain MD5 of the canonical string followed by the secret",
    (canonical, secret) => hmac("md5", secret, canonical),
  ),
];

/** A received value in a comparable form: hex ignores case; base64 ignores padding, and `+` read as a space from the query string. */
function comparable(value: string): string {
  return /^[0-9a-fA-F]+$/.test(value) ? value.toLowerCase() : value.replace(/ /g, "+").replace(/=+$/, "");
}

/** The first mistake of `table` that reproduces `received`, with " Send lower-case hex." added when it was also upper case. */
function firstMistake(
  table: readonly SignatureMistake[],
  input: DiagnosisInput,
  received: string,
  scope: DiagnosisScope,
): { id: string; hint: string } | undefined {
  const wanted = comparable(received);
  const upperCase = /^[0-9a-fA-F]+$/.test(received) && /[A-F]/.test(received);
  for (const mistake of table) {
    if (!mistake.needsSecret && scope !== "all") continue;
    const candidates = mistake.recompute(input).filter((candidate): candidate is string => candidate !== undefined);
    if (!candidates.some((candidate) => safeEqual(comparable(candidate), wanted))) continue;
    const alsoUpper = upperCase && mistake.id !== "upper-case-hex" ? "; also send lower-case hex" : "";
    return { id: mistake.id, hint: mistake.hint + alsoUpper };
  }
  return undefined;
}

/**
 * Deepest nesting a body may have for the re-serialising mistakes to be tried. This API's
 * bodies are at most 3 deep (ENTER's `player.session`); pretty-printing grows with the
 * square of the depth (4 KiB of nested brackets became 16 MB, 80 ms of CPU per request
 * that anyone could send), so deeper bodies get no guess of that kind.
 */
export const MAX_DIAGNOSED_DEPTH = 4;

/** Whether `value` nests objects or arrays deeper than `limit` (a linear walk, stopping at the first). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The parsed body when it is a JSON object no deeper than `MAX_DIAGNOSED_DEPTH`. */
function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value) || deeperThan(value, MAX_DIAGNOSED_DEPTH)) return undefined;
    return value as JsonObject;
  } catch {
    return undefined;
  }
}

/** The parts of a signed request the diagnosis reads. */
export interface DiagnosisRequest {
  /** The body bytes exactly as received. */
  rawBody: Uint8Array;
  /** The `HASH` received. */
  HASH: string;
  /** The secret of the partner named by `MEMB_ID` (a known partner only). */
  secret: string;
  /** True when the operation's body carries `hash` (closeSession, sessionExpired). */
  withBodyHash: boolean;
}

/**
 * Diagnoses a failed signature of a known partner: if `HASH` does not match the bytes,
 * which usual `HASH` mistake reproduces it (`hashMistakes`); if `HASH` matches, which
 * usual body `hash` mistake reproduces the body's `hash` (`bodyHashMistakes`), with the
 * canonical string of the body. Call it only after the signature failed: it recomputes.
 *
 * @param request the request as received and the partner's secret
 * @param scope `with-secret` (default, safe in production: a recognised mistake proves the
 *   caller holds the secret) or `all` (also mistakes that need no secret; sandbox only, as
 *   they would tell anyone that the partner exists)
 * @returns the diagnosis (with `hint` undefined when no mistake is recognised), or
 *   undefined when there is nothing to diagnose (both signatures match, or the body has
 *   no string `hash` where one is needed)
 */
export function diagnoseSignature(request: DiagnosisRequest, scope: DiagnosisScope = "with-secret"): SignatureDiagnosis | undefined {
  const rawBody = Buffer.from(request.rawBody);
  if (!safeEqual(requestSignature(rawBody, request.secret), request.HASH)) {
    const found =
      rawBody.length <= DIAGNOSED_HASH_BODY_BYTES
        ? firstMistake(hashMistakes, diagnosisInput(rawBody, request.secret), request.HASH, scope)
        : undefined;
    return { signature: "HASH", mistake: found?.id, hint: found?.hint, canonicalString: undefined };
  }
  const input = diagnosisInput(rawBody, request.secret);
  const received = input.body?.hash;
  const expected = input.canonical();
  if (!request.withBodyHash || typeof received !== "string" || expected === undefined) return undefined;
  if (safeEqual(md5(expected + request.secret), received)) return undefined;
  const found = firstMistake(bodyHashMistakes, input, received, scope);
  return { signature: "hash", mistake: found?.id, hint: found?.hint, canonicalString: expected };
}

/** What the mistakes read of a request: the bytes, the text, the parsed body, and its canonical string once it is needed. */
function diagnosisInput(rawBody: Buffer, secret: string): DiagnosisInput {
  const text = rawBody.toString("utf8");
  const body = parseObject(text);
  const entries = once(() => entriesOf(body));
  const canonical = once(() => {
    const signed = entries();
    return signed && joined(signed);
  });
  return { rawBody, text, body, secret, entries, canonical };
}
