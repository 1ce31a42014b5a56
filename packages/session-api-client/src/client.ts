/**
 * Typed client of the Lucky Monaco session API, built on openapi-fetch over the
 * generated `paths` (`generated/schema.d.ts`). A middleware signs every request, so
 * callers never compute `hash` or `HASH` by hand, and puts the current `timestamp` into
 * every body that takes one unless the caller set it (spec: `Timestamp`).
 *
 * Source: the spec's security requirements (`MembId` + `Hash`) and the "Request
 * signing" section; which operation needs which signature comes from
 * `generated/operations.ts`.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../../../generated/schema.js";
import { operationsByPath } from "../../../generated/operations.js";
import { withDeadline } from "./deadline.js";
import { signRequest, type JsonObject } from "./signing.js";

/** Removes the body `hash` from a request body type: the client computes it. */
type WithoutBodyHash<Body> = Body extends { hash: string } ? Omit<Body, "hash"> : Body;

/** An operation as the caller of the signing client sees it: no `MEMB_ID`/`HASH`, no body `hash`. */
type Unsigned<Operation> = Operation extends { requestBody: { content: { "application/json": infer Body } } }
  ? Omit<Operation, "parameters" | "requestBody"> & {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody: { content: { "application/json": WithoutBodyHash<Body> } };
    }
  : Operation;

/** The spec's `paths` with the signing inputs removed from every operation. */
export type UnsignedPaths = {
  [Path in keyof paths]: { [Method in keyof paths[Path]]: Unsigned<paths[Path][Method]> };
};

/** Options of `createSessionApiClient`. */
export interface SessionApiClientOptions {
  /** Base URL of the API, without a trailing slash: e.g. `http://127.0.0.1:3000` (sandbox) or `http://127.0.0.1:4010` (mock). */
  baseUrl: string;
  /** The partner id, sent as `MEMB_ID` (sandbox: `demo`). */
  partnerId: string;
  /** The partner secret that keys `HASH` and the body `hash` (sandbox: `sandbox-secret`). Never sent. */
  secret: string;
  /** A fetch implementation; defaults to the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** The clock of `timestamp`, epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /**
   * Gives up on a request after this many milliseconds, from sending it to the end of the
   * answer's body: the call rejects with a `DOMException` named `TimeoutError`. Default
   * 10000, the timeout the docs recommend (**Getting started**, "Timeouts and retries");
   * 0 waits for ever. Retry a timed-out ENTER or close with the same `uuid`.
   */
  timeoutMs?: number;
}

/** The client's default request timeout, milliseconds (the docs' recommendation). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Statuses whose responses have no body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * `fetchImpl` with a deadline over the whole exchange, headers and body (`withDeadline`,
 * deadline.ts: a timer that rejects the call itself and aborts the fetch, which stays
 * reliable under garbage collection on Node 20). The caller's own signal, if any, is
 * forwarded to the fetch. The body is read within the deadline and handed on as a new
 * `Response`.
 *
 * @param timeoutMs milliseconds; the returned function rejects with a `DOMException` named `TimeoutError` after them
 */
export function fetchWithTimeout(
  fetchImpl: (request: Request) => Promise<Response>,
  timeoutMs: number,
): (request: Request) => Promise<Response> {
  const expired = () => new DOMException(`no complete answer within ${timeoutMs} ms`, "TimeoutError");
  const exchange = async (request: Request, signal: AbortSignal) => {
    const response = await fetchImpl(new Request(request, { signal }));
    const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return (request) => withDeadline((signal) => exchange(request, signal), timeoutMs, expired, { signal: request.signal });
}

/**
 * The signing middleware. For each operation whose body takes `timestamp`, it adds the
 * current Unix time in seconds (from `now`, epoch milliseconds) as the last field,
 * unless the body has one. For each operation that the spec secures with `MEMB_ID` +
 * `HASH`, it then adds the body `hash` where the operation has one, serialises once
 * (compact JSON), computes `HASH` over those bytes and sets both query parameters.
 * Kyren's body is only given its `timestamp`.
 *
 * @throws SigningError (from `signRequest`) if a signed body holds a top-level object or array
 */
export function signingMiddleware(partnerId: string, secret: string, now: () => number = Date.now): Middleware {
  return {
    async onRequest({ request, schemaPath }) {
      const operation = operationsByPath[schemaPath as keyof typeof operationsByPath];
      if (!operation || (!operation.signedWithHash && !operation.timestamp)) return request;
      const text = await request.text();
      const fields = (text === "" ? {} : JSON.parse(text)) as JsonObject;
      if (operation.timestamp && fields.timestamp === undefined) fields.timestamp = Math.floor(now() / 1000);
      const init = { method: request.method, headers: request.headers, signal: request.signal };
      if (!operation.signedWithHash) return new Request(request.url, { ...init, body: JSON.stringify(fields) });
      const signed = signRequest(fields, secret, operation.bodyHash);
      const url = new URL(request.url);
      url.searchParams.set("MEMB_ID", partnerId);
      url.searchParams.set("HASH", signed.HASH);
      return new Request(url, { ...init, body: signed.rawBody });
    },
  };
}

/**
 * Creates a typed client that signs every request.
 *
 * ```ts
 * const client = createSessionApiClient({ baseUrl: "http://127.0.0.1:3000", partnerId: "demo", secret: "sandbox-secret" });
 * const { data, error, response } = await client.POST("/V4/closesession", { body: { secureLogin: "player-1001" } });
 * ```
 *
 * `data` is the typed 200 body; `error` is the typed error body of any documented 4xx
 * or 5xx status, and `response.status` tells which. Network failures reject, and so does
 * a request without a complete answer within `timeoutMs` (default 10 s: `TimeoutError`).
 */
export function createSessionApiClient(options: SessionApiClientOptions): Client<UnsignedPaths> {
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = createClient<UnsignedPaths>({
    baseUrl: options.baseUrl,
    fetch: timeoutMs > 0 ? fetchWithTimeout(fetchImpl, timeoutMs) : fetchImpl,
  });
  client.use(signingMiddleware(options.partnerId, options.secret, options.now));
  return client;
}
