/**
 * The front of the onboarding mock (`npm run mock`): a thin HTTP layer in front of Prism
 * (which answers the documented examples, and `Prefer: code=<status>`) that takes the
 * spec's order of checks as far as a mock can, and answers every failure in the
 * operation's own envelope (`x-error-envelope`) with a catalog code, as the API does.
 * Prism alone answered a body that is not JSON with its own `invalid_json`, an upper-case
 * `HASH` with the canned 400 example about unrelated fields, and took a `timestamp` in
 * milliseconds.
 *
 * What it checks, in the introduction's order: the path (404 `G.05`) and the method (405
 * `G.06`); the media type (415 `V.04`) and the size (413 `V.03`); `MEMB_ID` and `HASH`
 * present, `HASH` as 64 lower-case hex characters (401 `G.00`); the body a JSON object
 * in UTF-8 (400 `V.01`); the body `hash` present as 32 lower-case hex characters where
 * the operation has one (401 `G.00`); `timestamp` within the tolerance of the mock's
 * clock (401 `G.04`: a `timestamp` in milliseconds is named as such); then Prism checks
 * the schema, and its violations become one 400 `V.02` naming each field.
 *
 * What it cannot check: any signature (it knows no partner and no secret, so a `HASH` or
 * body `hash` of the right form passes), Kyren tokens, and anything with state (the
 * idempotency of `uuid`, sessions, launch URLs): the sandbox does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { defaultErrorEnvelope, maxRequestBodyBytes, operationsById } from "../../generated/operations.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { clip, messageMaxLength } from "../shared/message-limit.js";
import { setAtPointer } from "../shared/json-pointer.js";
import type { OpenApiDocument } from "../shared/spec-document.js";

/** Distance of a `timestamp` from the mock's clock that it accepts, seconds (the API's default tolerance). */
export const MOCK_TOLERANCE_SECONDS = DEFAULT_TOLERANCE_SECONDS;

type Operation = (typeof operationsById)[keyof typeof operationsById];
type Envelope = { schema: string; code: string; message: string };

/** Options of `createMockFront`. */
export interface MockFrontOptions {
  /** The bundle, for the messages' `maxLength`. */
  spec: OpenApiDocument;
  /** Base URL of the Prism mock behind the front (`http://127.0.0.1:<port>`). */
  upstream: string;
  /** The mock's clock, epoch milliseconds (default `Date.now`). */
  now?: () => number;
}

/** A failure the front answers itself: its message is the catalog title, then the detail. */
class Refusal {
  readonly message: string;
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    this.message = `${errorCatalog[code].title}: ${detail}`;
  }
}

const operations = Object.values(operationsById) as Operation[];
const LOWER_HEX = (length: number) => new RegExp(`^[0-9a-f]{${length}}$`);

/** What is wrong with a hex signature's form, or undefined when it has the form. */
function hexProblem(value: unknown, length: number, name: string, what: string): string | undefined {
  if (typeof value !== "string" || value === "") return `${name} is missing`;
  if (LOWER_HEX(length).test(value)) return undefined;
  if (LOWER_HEX(length).test(value.toLowerCase())) return `${name} is upper-case hex: send the ${what} in lower-case hex`;
  return `${name} must be ${length} lower-case hex characters (the ${what}), not ${value.length} characters`;
}

/** Reads the body, at most `limit` + 1 bytes: a longer one is cut there (and refused). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}

/** Prism's `sl-violations` as the detail of the API's `V.02` message: `body.gameid is required; body.uuid must match …`. */
export function violationsDetail(header: string): string {
  const violations = JSON.parse(header) as Array<{ location?: string[]; code?: string; message?: string }>;
  const parts = violations.map((violation) => {
    const where = (violation.location ?? []).slice(1).join(".");
    const required = violation.code === "required" ? /property '([^']+)'/.exec(violation.message ?? "") : null;
    if (required) return `${where}.${required[1]} is required`;
    return `${where} ${(violation.message ?? "is invalid").replace(/^Request (body|query|header)s?( property \S+| parameter \S+)? /, "")}`;
  });
  return [...new Set(parts)].join("; ");
}

/**
 * The checks of one request that the front makes before Prism sees it.
 *
 * @throws Refusal with the catalog code and message of the first check that fails
 */
function check(operation: Operation, request: IncomingMessage, url: URL, raw: Buffer, now: number): void {
  if (request.method !== "POST") throw new Refusal("G.06", `${operation.path} takes POST only`, { Allow: "POST" });
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const charset = /charset=([^;]+)/i
    .exec(request.headers["content-type"] ?? "")?.[1]
    ?.trim()
    .replace(/"/g, "")
    .toLowerCase();
  if (mediaType !== "application/json" || (charset !== undefined && charset !== "utf-8"))
    throw new Refusal("V.04", `send Content-Type: application/json (UTF-8), not ${request.headers["content-type"] ?? "none"}`);
  if (raw.length > maxRequestBodyBytes) throw new Refusal("V.03", `a body has at most ${maxRequestBodyBytes} bytes`);
  if (operation.signedWithHash) {
    if (!url.searchParams.get("MEMB_ID")) throw new Refusal("G.00", "MEMB_ID is missing from the query string");
    const problem = hexProblem(url.searchParams.get("HASH") ?? undefined, 64, "HASH", "HMAC-SHA256 of the body bytes");
    if (problem) throw new Refusal("G.00", problem);
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (error) {
    throw new Refusal("V.01", `not JSON in UTF-8 (${(error as Error).message})`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Refusal("V.01", "the body must be a JSON object");
  const fields = body as Record<string, unknown>;
  if (operation.bodyHash) {
    const problem = hexProblem(fields.hash, 32, "the body hash", "MD5 of the canonical string and the secret");
    if (problem) throw new Refusal("G.00", problem);
  }
  if (operation.timestamp && typeof fields.timestamp === "number") {
    const distance = Math.round(fields.timestamp - now / 1000);
    if (Math.abs(distance) > MOCK_TOLERANCE_SECONDS) {
      const unit = fields.timestamp > 1e11 ? " It looks like milliseconds: send Unix time in seconds." : "";
      throw new Refusal(
        "G.04",
        `timestamp ${fields.timestamp} is ${Math.abs(distance)} s ${distance > 0 ? "ahead of" : "behind"} the clock (tolerance ${MOCK_TOLERANCE_SECONDS} s).${unit}`,
      );
    }
  }
}

/**
 * Creates the front (call `listen` on it). Each request either gets the front's own
 * failure, or goes to Prism with its method, path, query, `Content-Type`, `Prefer` and
 * body bytes, and Prism's answer comes back as it is, except a request Prism finds
 * invalid (`sl-violations`), which becomes 400 `V.02` in the operation's envelope.
 */
export function createMockFront(options: MockFrontOptions): Server {
  const now = options.now ?? Date.now;
  const maxMessage = new Map(
    operations.map((operation) => [operation.operationId, messageMaxLength(options.spec, operation.errorEnvelope)]),
  );
  const defaultMax = messageMaxLength(options.spec, defaultErrorEnvelope);

  function fail(response: ServerResponse, envelope: Envelope, max: number, refusal: Refusal, extra: Record<string, string> = {}): void {
    const body = setAtPointer(setAtPointer({}, envelope.code, refusal.code), envelope.message, clip(refusal.message, max));
    response
      .writeHead(errorCatalog[refusal.code].status, { "Content-Type": "application/json", ...refusal.headers, ...extra })
      .end(JSON.stringify(body));
  }

  return createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://mock.invalid");
    const operation = operations.find((candidate) => candidate.path === url.pathname);
    try {
      if (!operation) return fail(response, defaultErrorEnvelope, defaultMax, new Refusal("G.05", `no operation at ${url.pathname}`));
      const raw = await readBody(request, maxRequestBodyBytes);
      const max = maxMessage.get(operation.operationId)!;
      try {
        check(operation, request, url, raw, now());
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        // The rest of an oversized body is not read: close the connection after the answer.
        return fail(response, operation.errorEnvelope, max, error, error.code === "V.03" ? { Connection: "close" } : {});
      }
      const headers: Record<string, string> = { "Content-Type": String(request.headers["content-type"]) };
      if (request.headers.prefer) headers.Prefer = String(request.headers.prefer);
      const answer = await fetch(`${options.upstream}${url.pathname}${url.search}`, { method: "POST", headers, body: new Uint8Array(raw) });
      const text = await answer.text();
      const violations = answer.headers.get("sl-violations");
      if (violations && answer.status === 400)
        return fail(response, operation.errorEnvelope, max, new Refusal("V.02", violationsDetail(violations)), {
          "sl-violations": violations,
        });
      response.writeHead(answer.status, { "Content-Type": answer.headers.get("content-type") ?? "application/json" }).end(text);
    } catch (error) {
      if (!response.headersSent)
        fail(
          response,
          operation?.errorEnvelope ?? defaultErrorEnvelope,
          defaultMax,
          new Refusal("G.01", `the mock failed: ${(error as Error).message}`),
        );
      else response.destroy();
    }
  });
}
