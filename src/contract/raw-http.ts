/**
 * Raw HTTP/1.1 over a `node:net` socket, for the requests fetch cannot send: broken
 * framing, bare LF line ends, a body shorter than its Content-Length, huge request lines.
 * Sends the bytes, reads until the server closes the connection (or `waitMs` passes) and
 * parses the one response.
 */
import { createConnection, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** One HTTP response as read off the socket. */
export interface RawHttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

/** `text` parsed as JSON, or undefined when it is not JSON. */
export function jsonOrUndefined(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Parses the first response of `data`. @throws Error when there is no status line */
export function parseRawResponse(data: Buffer): RawHttpResponse {
  const end = data.indexOf("\r\n\r\n");
  const head = data.subarray(0, end < 0 ? data.length : end).toString("latin1");
  const [statusLine, ...lines] = head.split("\r\n");
  const match = /^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? "");
  if (!match) throw new Error(`no HTTP response in: ${JSON.stringify(data.toString("latin1").slice(0, 200))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = end < 0 ? Buffer.alloc(0) : data.subarray(end + 4);
  if (headers["content-length"] !== undefined) body = body.subarray(0, Number(headers["content-length"]));
  const text = body.toString("utf8");
  return { status: Number(match[1]), headers, text, json: jsonOrUndefined(text) };
}

/**
 * Sends `bytes` to the server of `baseUrl` (http: plain TCP; https: TLS) and reads its answer.
 *
 * @param waitMs how long to wait for the server to close the connection (default 15 s);
 *   then the socket is closed and whatever arrived is parsed
 * @throws Error when nothing that parses as a response arrived
 */
export function rawExchange(baseUrl: string, bytes: string | Buffer, waitMs = 15_000): Promise<RawHttpResponse> {
  const { hostname, port, protocol } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket: Socket =
      protocol === "https:"
        ? tlsConnect({ host: hostname, port: Number(port || 443), servername: hostname })
        : createConnection({ host: hostname, port: Number(port || 80) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseRawResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(bytes);
  });
}

/** A request head with CRLF line ends: `POST <target> HTTP/1.1`, `Host`, the given headers and `Connection: close`. */
export function requestHead(method: string, target: string, headers: Record<string, string | number> = {}): string {
  const lines = [
    `${method} ${target} HTTP/1.1`,
    "Host: 127.0.0.1",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "Connection: close",
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}
