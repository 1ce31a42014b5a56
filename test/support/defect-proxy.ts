/**
 * A node:http proxy in front of a real server that breaks one rule of the contract: the
 * deliberately broken providers and receivers of the contract tester's and the
 * certification kit's tests. A defect changes the request on its way in, answers it
 * itself, or rewrites the answer; everything else is the real server's.
 */
import { createServer, request, type Server } from "node:http";

/** A request on its way to the server: path, query, Content-Type and body bytes, all changeable. */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The Content-Type header as received (undefined when absent). */
  contentType: string | undefined;
  body: Buffer;
}

/** One defect. */
export interface ProxyDefect {
  /** Changes the request in place, or answers it itself (the server never sees it). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a defect that only changes the request returns nothing.
  request?(proxied: ProxiedRequest): { status: number; body: unknown; headers?: Record<string, string> } | void;
  /** The status sent instead of the server's. */
  status?(status: number): number;
  /** The body sent instead of the server's. */
  answer?(status: number, body: string): string;
  /** Changes the server's answer headers in place (lower-case names); a `date` deleted is not sent at all. */
  headers?(status: number, headers: Record<string, string | string[] | undefined>): void;
  /** The Content-Type sent instead of the server's. */
  contentType?(status: number, contentType: string | undefined): string;
  /** Sees the server's answer to a request the defect let through (e.g. to remember it). */
  answered?(proxied: ProxiedRequest, status: number, body: string): void;
}

/** A running proxy. */
export interface DefectProxy {
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts `defect` in front of `targetUrl` on 127.0.0.1 and a port the OS picks. */
export async function startDefectProxy(targetUrl: string, defect: ProxyDefect): Promise<DefectProxy> {
  const target = new URL(targetUrl);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://proxy");
      const proxied: ProxiedRequest = {
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        contentType: incoming.headers["content-type"],
        body: Buffer.concat(chunks),
      };
      const own = defect.request?.(proxied);
      if (own) {
        outgoing.writeHead(own.status, { "content-type": "application/json", ...own.headers }).end(JSON.stringify(own.body));
        return;
      }
      const query = proxied.query.toString();
      const headers: Record<string, string | string[] | undefined> = {
        ...incoming.headers,
        host: target.host,
        "content-length": String(proxied.body.length),
      };
      if (proxied.contentType === undefined) delete headers["content-type"];
      else headers["content-type"] = proxied.contentType;
      const upstream = request(
        { host: target.hostname, port: target.port, method: proxied.method, path: `${proxied.path}${query ? `?${query}` : ""}`, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => parts.push(chunk));
          answer.on("end", () => {
            const status = answer.statusCode ?? 502;
            const original = Buffer.concat(parts).toString("utf8");
            defect.answered?.(proxied, status, original);
            const text = defect.answer ? defect.answer(status, original) : original;
            const headers = { ...answer.headers, "content-length": String(Buffer.byteLength(text)) };
            if (defect.contentType) headers["content-type"] = defect.contentType(status, answer.headers["content-type"]);
            defect.headers?.(status, headers);
            if (headers.date === undefined) outgoing.sendDate = false;
            outgoing.writeHead(defect.status?.(status) ?? status, headers).end(text);
          });
        },
      );
      upstream.on("error", (error) => outgoing.writeHead(502, { "content-type": "text/plain" }).end(String(error)));
      upstream.end(proxied.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
