/**
 * Ready-to-run reproductions of a request: a shell script (bash) that sends the exact
 * body bytes with the exact signatures, recomputed with `openssl` from the partner
 * secret in an environment variable. No `HASH`, body `hash`, secret or Kyren token is
 * printed (house rule: none of them in logs), nor a near miss of one (a `HASH` cut
 * short is most of a signature): those are made in the shell from the recomputed value
 * (`signature-variants.ts`). Yet the bytes on the wire are the same.
 *
 * The body's `timestamp` is a variable, `TS`: as printed it is the one that was sent,
 * which a target refuses with 401 `G.04` once it is older than its tolerance (300 s by
 * default). The comment next to it says how to re-sign the request for now, at the same
 * distance from the clock (a stale-timestamp case stays stale).
 *
 * No line is long: a run of one character (the padding of a 16 KiB body, a 100 KB query)
 * is written as a shell expression, `$(printf 'x%.0s' {1..16000})`.
 */
import { bodyBytesOf, type CaseRequest, type QueryValue, type RequestSigning, type SigningKey } from "./signed-requests.js";

/** Where a reproduction sends and which variables hold the credentials. */
export interface ReproductionContext {
  /** Base URL as a shell word inside double quotes: a URL, or e.g. `${BASE_URL:-http://127.0.0.1:3000}`. */
  baseUrl: string;
  /** Variable holding the partner secret, e.g. `CONTRACT_SECRET`. */
  secretVariable: string;
  /** Variable holding the Kyren token, e.g. `CONTRACT_KYREN_TOKEN`. */
  kyrenTokenVariable: string;
}

/** A run of one character at least this long is written as a shell expression. */
export const LONG_RUN = 32;

/** A literal in single quotes for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Characters a run of which `printf '<c>%.0s'` can repeat: not a quote, `%`, `\` or a line end (command substitution eats trailing newlines). */
const repeatable = (character: string) => !/['%\\\r\n]/.test(character);

/** `$(printf 'c%.0s' {1..n})`: n copies of `character`, in bash. */
const repeated = (character: string, count: number) => `"$(printf -- '${character}%.0s' {1..${count}})"`;

/**
 * Cuts text into literal pieces and runs of one repeated character (at least `LONG_RUN`).
 *
 * @returns pieces in order; a run is `{ character, count }`
 */
function runs(text: string): Array<string | { character: string; count: number }> {
  const pieces: Array<string | { character: string; count: number }> = [];
  const pattern = new RegExp(`(.)\\1{${LONG_RUN - 1},}`, "gsu");
  let from = 0;
  for (const match of text.matchAll(pattern)) {
    const character = match[1]!;
    if (!repeatable(character)) continue;
    if (match.index! > from) pieces.push(text.slice(from, match.index));
    pieces.push({ character, count: [...match[0]].length });
    from = match.index! + match[0].length;
  }
  if (from < text.length) pieces.push(text.slice(from));
  return pieces;
}

/** A literal as a shell word: single-quoted, long runs as `printf` expressions. */
function literalWord(text: string): string {
  return runs(text)
    .map((piece) => (typeof piece === "string" ? shellQuote(piece) : repeated(piece.character, piece.count)))
    .join("");
}

/** Escapes a literal for use inside double quotes. */
const inDoubleQuotes = (text: string) => text.replace(/[\\"$`]/g, (character) => `\\${character}`);

/** One part of a shell word: literal text or a variable. */
type Part = { literal: string } | { variable: string };

/** A place in a text where a variable stands: the whole match, less `keepPrefix` characters kept literal (and `keepSuffix` at the end). */
interface Replacement {
  find: string | RegExp;
  variable: string;
  keepPrefix?: number | ((match: string) => number);
  keepSuffix?: number;
}

/** Cuts `text` into literal parts and variables wherever one of the `replacements` occurs. */
function parts(text: string, replacements: Replacement[]): Part[] {
  const hits: Array<{ at: number; length: number; variable: string }> = [];
  for (const { find, variable, keepPrefix = 0, keepSuffix = 0 } of replacements) {
    if (find === "") continue;
    const pattern = typeof find === "string" ? new RegExp(find.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g") : new RegExp(find.source, "g");
    for (const match of text.matchAll(pattern)) {
      const prefix = typeof keepPrefix === "function" ? keepPrefix(match[0]) : keepPrefix;
      hits.push({ at: match.index! + prefix, length: match[0].length - prefix - keepSuffix, variable });
    }
  }
  hits.sort((a, b) => a.at - b.at);
  const result: Part[] = [];
  let from = 0;
  for (const hit of hits) {
    if (hit.at < from) continue;
    result.push({ literal: text.slice(from, hit.at) }, { variable: hit.variable });
    from = hit.at + hit.length;
  }
  result.push({ literal: text.slice(from) });
  return result.filter((part) => !("literal" in part) || part.literal !== "");
}

/** Parts as one shell word: literals single-quoted (long runs as expressions), variables double-quoted. */
function word(list: Part[]): string {
  if (list.length === 0) return "''";
  // Merge neighbouring literals so the word stays readable.
  const merged: Part[] = [];
  for (const part of list) {
    const last = merged.at(-1);
    if (last && "literal" in last && "literal" in part) last.literal += part.literal;
    else merged.push({ ...part });
  }
  return merged.map((part) => ("literal" in part ? literalWord(part.literal) : `"$${part.variable}"`)).join("");
}

function keyExpression(key: SigningKey, context: ReproductionContext): string {
  return key === "secret" ? `"$${context.secretVariable}"` : `"$${context.secretVariable}-not-the-secret"`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `"key"` then `:` with any white space around it, as a pattern (pretty-printed bodies have spaces). */
const keyPattern = (key: string) => `"${escapeRegExp(key)}"\\s*:\\s*`;

/** How many characters of a match stand before its value (the key, the colon, white space, an opening quote). */
const valueStart = (quoted: boolean) => (match: string) => {
  let at = match.indexOf(":") + 1;
  while (/\s/.test(match[at] ?? "")) at += 1;
  return at + (quoted ? 1 : 0);
};

/** The replacements that turn signed bytes into shell words with variables. */
function replacementsFor(signing: RequestSigning): Replacement[] {
  const list: Replacement[] = [];
  if (signing.bodyHash)
    list.push({
      find: new RegExp(`${keyPattern("hash")}"${escapeRegExp(signing.bodyHash.value)}"`),
      variable: "BODY_HASH",
      keepPrefix: valueStart(true),
      keepSuffix: 1,
    });
  if (signing.timestamp !== undefined)
    list.push({
      find: new RegExp(`${keyPattern("timestamp")}${signing.timestamp}(?![0-9.eE])`),
      variable: "TS",
      keepPrefix: valueStart(false),
    });
  if (signing.kyrenToken) {
    const sent = signing.kyrenTokenVariant ? signing.kyrenTokenVariant.apply(signing.kyrenToken) : signing.kyrenToken;
    // A variant is the whole value; otherwise the token starts the value (a wrong one has a suffix).
    if (sent !== "")
      list.push({
        find: new RegExp(`${keyPattern("token")}"${escapeRegExp(sent)}${signing.kyrenTokenVariant ? '"' : ""}`),
        variable: "KYREN_TOKEN",
        keepPrefix: valueStart(true),
        keepSuffix: signing.kyrenTokenVariant ? 1 : 0,
      });
  }
  return list;
}

/** The body as a shell word, its signatures, timestamp and token as variables. */
function bodyWord(text: string, signing: RequestSigning): string {
  return word(parts(text, replacementsFor(signing)));
}

/** Bytes that are not UTF-8 as a bash word: `$(printf '…\xe9…')`. */
function bytesWord(bytes: Buffer): string {
  let format = "";
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    format += byte >= 0x20 && byte < 0x7f && !/['%\\]/.test(character) ? character : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `"$(printf '${format}')"`;
}

const queryText = (name: string, value: string) => inDoubleQuotes(new URLSearchParams({ [name]: value }).toString());

/** The query of a reproduction: the signature as `$HASH`, literals URL-encoded, in the request's order. */
function queryOf(request: CaseRequest, signing: RequestSigning): string {
  const pairText = (name: string, value: QueryValue): string => {
    if (typeof value !== "string")
      return "HASH" in value
        ? signing.HASH
          ? "HASH=$HASH"
          : queryText(name, request.query.HASH ?? "")
        : queryText(name, request.query.MEMB_ID ?? "");
    return name === "HASH" && signing.HASH && value === request.query.HASH ? "HASH=$HASH" : queryText(name, value);
  };
  const pairs: Array<[string, QueryValue]> = request.queryPairs ?? Object.entries(request.query);
  return pairs.map(([name, value]) => pairText(name, value)).join("&");
}

/**
 * The bash lines that send `request` again (curl), with the exact body bytes and
 * signatures recomputed from `$<secretVariable>`.
 *
 * @param sentAtSeconds when it was sent, Unix seconds: keeps a re-signed `timestamp` at the same distance from the clock
 * @returns the script, with a comment line first; for a body that stops short (408), a
 *   note instead, since curl always sends the whole body
 */
export function reproduction(request: CaseRequest, context: ReproductionContext, sentAtSeconds: number): string {
  if (request.incompleteBody) {
    return "# This request announces more body bytes than it sends; curl cannot do that. Re-run with the printed CONTRACT_SEED instead.";
  }
  const signing = request.signing ?? {};
  const lines: string[] = [];
  const method = request.method ?? "POST";
  const hasBody = request.body !== "" || method === "POST";
  const body = request.bodyBytes ? bytesWord(bodyBytesOf(request)) : bodyWord(request.body, signing);
  if (signing.timestamp !== undefined) {
    const offset = signing.timestamp - sentAtSeconds;
    const now = offset === 0 ? "$(date +%s)" : `$(( $(date +%s) ${offset < 0 ? "-" : "+"} ${Math.abs(offset)} ))`;
    const resign = body.includes('"$TS"') ? `: TS=${now} re-signs it for now` : "";
    lines.push(
      `TS=${signing.timestamp}  # the timestamp sent; refused with 401 G.04 once older than the target's tolerance (300 s by default)${resign}`,
    );
  }
  if (signing.kyrenToken) {
    lines.push(`KYREN_TOKEN="$${context.kyrenTokenVariable}"`);
    if (signing.kyrenTokenVariant)
      lines.push(`KYREN_TOKEN=${signing.kyrenTokenVariant.shell("KYREN_TOKEN")}  # ${signing.kyrenTokenVariant.what}`);
  }
  if (signing.bodyHash) {
    const canonical = word(
      parts(
        signing.bodyHash.canonical,
        signing.timestamp === undefined
          ? []
          : [{ find: `timestamp=${signing.timestamp}`, variable: "TS", keepPrefix: "timestamp=".length }],
      ),
    );
    lines.push(`BODY_HASH=$(printf '%s%s' ${canonical} ${keyExpression(signing.bodyHash.key, context)} | openssl md5 -r | cut -c1-32)`);
    if (signing.bodyHash.variant)
      lines.push(`BODY_HASH=${signing.bodyHash.variant.shell("BODY_HASH")}  # the body hash ${signing.bodyHash.variant.what}`);
  }
  if (hasBody) lines.push(`BODY=${body}`);
  if (signing.HASH) {
    const over = signing.HASH.over === undefined ? `"$BODY"` : bodyWord(signing.HASH.over, signing);
    lines.push(`HASH=$(printf '%s' ${over} | openssl dgst -sha256 -hmac ${keyExpression(signing.HASH.key, context)} -r | cut -c1-64)`);
    if (signing.HASH.variant) lines.push(`HASH=${signing.HASH.variant.shell("HASH")}  # HASH ${signing.HASH.variant.what}`);
  }
  const query = queryOf(request, signing);
  const url = `"${context.baseUrl}${inDoubleQuotes(request.path)}${query ? `?${query}` : ""}"`;
  const headers = Object.entries(request.headers).map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`);
  if (hasBody && !Object.keys(request.headers).some((name) => name.toLowerCase() === "content-type")) headers.push(`-H 'Content-Type:'`);
  lines.push(["curl -sS -i -X", method, url, ...headers, ...(hasBody ? [`--data-binary "$BODY"`] : [])].join(" "));
  return lines.join("\n");
}

/** ANSI-C quoting (`$'…'`) of raw bytes, CR and LF written as escapes; long runs as `printf` expressions. */
function ansiC(text: string): string {
  const quote = (piece: string) => `$'${piece.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\r/g, "\\r").replace(/\n/g, "\\n")}'`;
  return runs(text)
    .map((piece) => (typeof piece === "string" ? quote(piece) : repeated(piece.character, piece.count)))
    .join("");
}

/** The bash line that sends raw HTTP bytes (a request curl cannot send) to `baseUrl` and prints the answer. */
export function rawReproduction(bytes: string, baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  if (url.protocol === "https:") return `printf '%s' ${ansiC(bytes)} | openssl s_client -quiet -connect ${url.hostname}:${port}`;
  // bash's own TCP client: no nc needed.
  return `{ printf '%s' ${ansiC(bytes)} >&3; timeout 15 cat <&3; } 3<>/dev/tcp/${url.hostname}/${port}`;
}
