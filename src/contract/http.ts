/**
 * Sending contract cases over HTTP with fetch, with the body bytes exactly as signed; a
 * request whose body must stop short (408) goes over a raw socket instead.
 */
import { rawExchange } from "./raw-http.js";
import type { CaseRequest, CaseRequests } from "./cases.js";

/** `<baseUrl><path>?<query>`; `baseUrl` may carry a path prefix. */
export function requestUrl(baseUrl: string, request: CaseRequest): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + request.path);
  for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * POSTs one request, the body as bytes (so fetch adds no Content-Type of its own: the
 * case's headers are all there is); rejects on network errors or after 10 s.
 */
export function send(baseUrl: string, request: CaseRequest): Promise<Response> {
  if (request.incompleteBody) return sendIncomplete(baseUrl, request);
  return fetch(requestUrl(baseUrl, request), { method: "POST", headers: request.headers, body: Buffer.from(request.body, "utf8"), signal: AbortSignal.timeout(10_000) });
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
  const body = Buffer.from(request.body, "utf8");
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`);
  const head = [`POST ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, ...headers, `Content-Length: ${body.length}`, "Connection: close"].join("\r\n");
  const answer = await rawExchange(url.origin, Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), body.subarray(0, Math.floor(body.length / 2))]), 30_000);
  const contentType = answer.headers["content-type"];
  return new Response(answer.text, { status: answer.status, headers: contentType === undefined ? {} : { "content-type": contentType } });
}
