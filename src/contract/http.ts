/**
 * Sending contract cases over HTTP, with the body bytes exactly as signed; a request
 * whose body must stop short (408) goes over a raw socket instead.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { withDeadline } from "@luckymonaco/session-api-client";
import { rawExchange } from "./raw-http.js";
import type { CaseRequest, CaseRequests } from "./cases.js";
import { bodyBytesOf } from "./signed-requests.js";

/** `<baseUrl><path>?<query>`; `baseUrl` may carry a path prefix. The query is `queryPairs` in order when the request has them. */
export function requestUrl(baseUrl: string, request: CaseRequest): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + request.path);
  if (request.queryPairs) {
    for (const [name, value] of request.queryPairs)
      url.searchParams.append(
        name,
        typeof value === "string" ? value : "HASH" in value ? (request.query.HASH ?? "") : (request.query.MEMB_ID ?? ""),
      );
  } else for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
  return url.toString();
}

/** Keep-alive agents: one connection pool per protocol for the whole run. */
const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };

/** An answer as read off the connection: status, headers (lower-case names, repeats joined with ", ") and body bytes. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends one request (POST unless `request.method` says otherwise) with node:http (about
 * twice the rate of fetch here), the body bytes exactly as given and only the case's
 * headers (plus `Host`, `Content-Length` and `Connection`); rejects on network errors
 * or when no complete answer arrives within `timeoutMs` (default 10 s). A request whose
 * body must stop short goes over a raw socket (`sendIncomplete`).
 *
 * A request sent on a kept-alive connection that the target closed meanwhile (it closes
 * idle connections after its own timeout, and may do so just as the request leaves)
 * fails with no answer at all: it is sent once more on a new connection. The target
 * cannot have read it: the connection was reset before any answer.
 */
export async function exchange(baseUrl: string, request: CaseRequest, timeoutMs = 10_000): Promise<HttpAnswer> {
  if (request.incompleteBody) {
    const response = await sendIncomplete(baseUrl, request);
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
  }
  try {
    return await sendOnce(baseUrl, request, timeoutMs);
  } catch (error) {
    if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
    return sendOnce(baseUrl, request, timeoutMs);
  }
}

/** A connection reset before any answer: the kept-alive connection was closed by the target. */
const closedBeforeAnswer = (error: NodeJS.ErrnoException) => error.code === "ECONNRESET" || error.message === "socket hang up";

/**
 * One attempt of `exchange`, under the client package's `withDeadline` (which destroys the
 * request at the deadline); an error on a reused connection closed before any answer
 * carries `reusedSocket: true`.
 */
function sendOnce(baseUrl: string, request: CaseRequest, timeoutMs: number): Promise<HttpAnswer> {
  const url = new URL(requestUrl(baseUrl, request));
  const body = bodyBytesOf(request);
  const method = request.method ?? "POST";
  const withBody = body.length > 0 || method === "POST";
  const protocol = url.protocol === "https:" ? "https:" : "http:";
  const attempt = (signal: AbortSignal) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      let answered = false;
      const outgoing = (protocol === "https:" ? httpsRequest : httpRequest)(
        url,
        {
          method,
          agent: agents[protocol],
          signal,
          headers: { ...request.headers, ...(withBody ? { "Content-Length": String(body.length) } : {}) },
        },
        (incoming) => {
          answered = true;
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("error", reject);
          incoming.on("end", () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(incoming.headers))
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
            resolve({ status: incoming.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.on("error", (error: NodeJS.ErrnoException) => {
        reject(outgoing.reusedSocket && !answered && closedBeforeAnswer(error) ? Object.assign(error, { reusedSocket: true }) : error);
      });
      outgoing.end(withBody ? body : undefined);
    });
  return withDeadline(attempt, timeoutMs, () => new Error(`no answer within ${timeoutMs} ms`));
}

/** `exchange`, the answer as a fetch `Response` (for `checkFetchResponse`). */
export async function send(baseUrl: string, request: CaseRequest, timeoutMs = 10_000): Promise<Response> {
  const answer = await exchange(baseUrl, request, timeoutMs);
  const noBody = answer.status === 204 || answer.status === 205 || answer.status === 304;
  return new Response(noBody ? null : new Uint8Array(answer.body), { status: answer.status, headers: answer.headers });
}

/** Closes the idle keep-alive connections (call at the end of a run so the process can exit). */
export function closeConnections(): void {
  agents["http:"].destroy();
  agents["https:"].destroy();
}

/**
 * Sends a case's setup requests in order, each of which must answer 200 (e.g. the first
 * use of a uuid before the 409 case reuses it).
 *
 * @returns the response bodies, in order
 * @throws Error naming the status and body when a setup request does not answer 200
 */
export async function sendSetup(baseUrl: string, requests: CaseRequests): Promise<string[]> {
  const bodies: string[] = [];
  for (const request of requests.setup) {
    const response = await send(baseUrl, request);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`setup request ${request.path} answered ${response.status}, not 200: ${text}`);
    bodies.push(text);
  }
  return bodies;
}

/**
 * Sends the head of `request` with the Content-Length of its whole body, then only half
 * of the body, and waits (up to 30 s) for the server to give up on it: the answer must be
 * 408 `G.07`. Over plain TCP or TLS, as the base URL says.
 */
async function sendIncomplete(baseUrl: string, request: CaseRequest): Promise<Response> {
  const url = new URL(requestUrl(baseUrl, request));
  const body = bodyBytesOf(request);
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`);
  const head = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    ...headers,
    `Content-Length: ${body.length}`,
    "Connection: close",
  ].join("\r\n");
  const answer = await rawExchange(
    url.origin,
    Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), body.subarray(0, Math.floor(body.length / 2))]),
    30_000,
  );
  const contentType = answer.headers["content-type"];
  return new Response(answer.text, { status: answer.status, headers: contentType === undefined ? {} : { "content-type": contentType } });
}
