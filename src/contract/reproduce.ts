/**
 * Ready-to-run reproductions of a request: a shell script (bash) that sends the exact
 * body bytes with the exact signatures, recomputed with `openssl` from the partner
 * secret in an environment variable. No `HASH`, body `hash`, secret or Kyren token is
 * printed (house rule: none of them in logs), yet the bytes on the wire are the same.
 *
 * The body's `timestamp` is a variable, `TS`: as printed it is the one that was sent,
 * which a target refuses with 401 `G.04` once it is older than its tolerance (300 s by
 * default). The comment next to it says how to re-sign the request for now, at the same
 * distance from the clock (a stale-timestamp case stays stale).
 */
import type { CaseRequest, RequestSigning, SigningKey } from "./signed-requests.js";

/** Where a reproduction sends and which variables hold the credentials. */
export interface ReproductionContext {
  /** Base URL as a shell word inside double quotes: a URL, or e.g. `${BASE_URL:-http://127.0.0.1:3000}`. */
  baseUrl: string;
  /** Variable holding the partner secret, e.g. `CONTRACT_SECRET`. */
  secretVariable: string;
  /** Variable holding the Kyren token, e.g. `CONTRACT_KYREN_TOKEN`. */
  kyrenTokenVariable: string;
}

/** A literal in single quotes for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Escapes a literal for use inside double quotes. */
const inDoubleQuotes = (text: string) => text.replace(/[\\"$`]/g, (character) => `\\${character}`);

/** One part of a shell word: literal text or a variable. */
type Part = { literal: string } | { variable: string };

/** Cuts `text` into literal parts and variables wherever one of the `replacements` occurs. */
function parts(text: string, replacements: Array<{ find: string; variable: string; keepPrefix?: number }>): Part[] {
  const hits: Array<{ at: number; length: number; variable: string }> = [];
  for (const { find, variable, keepPrefix = 0 } of replacements) {
    if (!find) continue;
    let at = text.indexOf(find);
    while (at >= 0) {
      hits.push({ at: at + keepPrefix, length: find.length - keepPrefix, variable });
      at = text.indexOf(find, at + find.length);
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

/** Parts as one shell word: literals single-quoted, variables double-quoted. */
const word = (list: Part[]) => (list.length === 0 ? "''" : list.map((part) => ("literal" in part ? shellQuote(part.literal) : `"$${part.variable}"`)).join(""));

function keyExpression(key: SigningKey, context: ReproductionContext): string {
  return key === "secret" ? `"$${context.secretVariable}"` : `"$${context.secretVariable}-not-the-secret"`;
}

/** The replacements that turn signed bytes into shell words with variables. */
function replacementsFor(signing: RequestSigning) {
  const list: Array<{ find: string; variable: string; keepPrefix?: number }> = [];
  if (signing.bodyHash) list.push({ find: `"${signing.bodyHash.value}"`, variable: "BODY_HASH", keepPrefix: 0 });
  if (signing.timestamp !== undefined) list.push({ find: `"timestamp":${signing.timestamp}`, variable: "TS", keepPrefix: `"timestamp":`.length });
  if (signing.kyrenToken) list.push({ find: `"token":"${signing.kyrenToken}`, variable: "KYREN_TOKEN", keepPrefix: `"token":"`.length });
  return list;
}

/** `"$BODY_HASH"` in the body stands for the quoted hash: put the quotes back around the variable. */
function bodyWord(text: string, signing: RequestSigning): string {
  const list = parts(text, replacementsFor(signing)).flatMap((part): Part[] =>
    "variable" in part && part.variable === "BODY_HASH" ? [{ literal: '"' }, part, { literal: '"' }] : [part],
  );
  // Merge neighbouring literals so the word stays readable.
  const merged: Part[] = [];
  for (const part of list) {
    const last = merged.at(-1);
    if (last && "literal" in last && "literal" in part) last.literal += part.literal;
    else merged.push({ ...part });
  }
  return word(merged);
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
  if (signing.timestamp !== undefined) {
    const offset = signing.timestamp - sentAtSeconds;
    const now = offset === 0 ? "$(date +%s)" : `$(( $(date +%s) ${offset < 0 ? "-" : "+"} ${Math.abs(offset)} ))`;
    lines.push(`TS=${signing.timestamp}  # the timestamp sent; refused with 401 G.04 once older than the target's tolerance (300 s by default): TS=${now} re-signs it for now`);
  }
  if (signing.kyrenToken) lines.push(`KYREN_TOKEN="$${context.kyrenTokenVariable}"`);
  if (signing.bodyHash) {
    const canonical = word(parts(signing.bodyHash.canonical, signing.timestamp === undefined ? [] : [{ find: `timestamp=${signing.timestamp}`, variable: "TS", keepPrefix: "timestamp=".length }]));
    lines.push(`BODY_HASH=$(printf '%s%s' ${canonical} ${keyExpression(signing.bodyHash.key, context)} | openssl md5 -r | cut -c1-32)`);
  }
  const method = request.method ?? "POST";
  const hasBody = request.body !== "" || method === "POST";
  if (hasBody) lines.push(`BODY=${bodyWord(request.body, signing)}`);
  if (signing.HASH) {
    const over = signing.HASH.over === undefined ? `"$BODY"` : bodyWord(signing.HASH.over, signing);
    lines.push(`HASH=$(printf '%s' ${over} | openssl dgst -sha256 -hmac ${keyExpression(signing.HASH.key, context)} -r | cut -c1-64)`);
  }
  const query = Object.entries(request.query)
    .map(([name, value]) => (name === "HASH" && signing.HASH ? "HASH=$HASH" : inDoubleQuotes(new URLSearchParams({ [name]: value }).toString())))
    .join("&");
  const url = `"${context.baseUrl}${inDoubleQuotes(request.path)}${query ? `?${query}` : ""}"`;
  const headers = Object.entries(request.headers).map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`);
  if (hasBody && !Object.keys(request.headers).some((name) => name.toLowerCase() === "content-type")) headers.push(`-H 'Content-Type:'`);
  lines.push(["curl -sS -i -X", method, url, ...headers, ...(hasBody ? [`--data-binary "$BODY"`] : [])].join(" "));
  return lines.join("\n");
}

/** ANSI-C quoting (`$'…'`) of raw bytes, CR and LF written as escapes. */
function ansiC(text: string): string {
  return `$'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\r/g, "\\r").replace(/\n/g, "\\n")}'`;
}

/** The bash line that sends raw HTTP bytes (a request curl cannot send) to `baseUrl` and prints the answer. */
export function rawReproduction(bytes: string, baseUrl: string): string {
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  if (url.protocol === "https:") return `printf '%s' ${ansiC(bytes)} | openssl s_client -quiet -connect ${url.hostname}:${port}`;
  // bash's own TCP client: no nc needed.
  return `{ printf '%s' ${ansiC(bytes)} >&3; timeout 15 cat <&3; } 3<>/dev/tcp/${url.hostname}/${port}`;
}
