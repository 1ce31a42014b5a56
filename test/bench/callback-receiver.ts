/**
 * The benchmark's receiver of the session expired callback: a bare node:http server, so
 * that the benchmark measures the sender, not a receiver. It checks `HASH` over the raw
 * body (one HMAC, cheap), counts each `callbackId` once, and records when each first
 * arrived. `mode` makes it answer 503 ("down"), or never answer ("black hole"). With
 * `delayMs` it answers each request that long after it arrived (a slow receiver that
 * keeps up: the delay does not grow with the requests it holds), and with `capacity`
 * it answers 503 at once to a request that arrives while it already holds that many (a
 * receiver that overloads). It counts the requests it holds at once (`open`, `peakOpen`).
 */
import { createServer, type ServerResponse } from "node:http";
import { requestSignature } from "@luckymonaco/session-api-client";

/** How the receiver answers. */
export type ReceiverMode = "up" | "down" | "black-hole";

/** A running benchmark receiver. */
export interface BenchReceiver {
  url: string;
  mode: ReceiverMode;
  /** First arrival of each callback id (with `delayMs`: its first 200 answer), `performance.now()` milliseconds, in order. */
  firstArrivals: Map<string, number>;
  /** Requests received, repeats and refused ones included. */
  requests: number;
  /** When the first request arrived, `performance.now()` milliseconds. */
  firstRequestAt: number | undefined;
  /** Requests answered 200. */
  answered: number;
  /** Requests whose HASH did not match. */
  badSignatures: number;
  /** Answer each request this long after it arrived, milliseconds (0: at once). */
  delayMs: number;
  /** Most requests held at once before it answers 503 (0: no limit). */
  capacity: number;
  /** Requests received and not yet answered. */
  open: number;
  /** Most requests it held at once. */
  peakOpen: number;
  /** Requests answered 503 because `capacity` was reached. */
  overloaded: number;
  close(): Promise<void>;
}

const SUCCESS = '{"error":0,"description":"Success"}';
const DOWN = '{"error":{"code":"G.01","message":"System error"}}';

/** Starts a receiver for a partner with `secret` on 127.0.0.1 and a free port. */
export async function startBenchReceiver(secret: string, mode: ReceiverMode = "up"): Promise<BenchReceiver> {
  const held: ServerResponse[] = [];
  const receiver: BenchReceiver = {
    url: "",
    mode,
    firstArrivals: new Map(),
    requests: 0,
    firstRequestAt: undefined,
    answered: 0,
    badSignatures: 0,
    delayMs: 0,
    capacity: 0,
    open: 0,
    peakOpen: 0,
    overloaded: 0,
    close: async () => undefined,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      receiver.requests += 1;
      receiver.firstRequestAt ??= performance.now();
      if (receiver.mode === "black-hole") return void held.push(response);
      if (receiver.mode === "down") return void response.writeHead(503, { "content-type": "application/json" }).end(DOWN);
      if (receiver.capacity > 0 && receiver.open >= receiver.capacity) {
        receiver.overloaded += 1;
        return void response.writeHead(503, { "content-type": "application/json" }).end(DOWN);
      }
      if (receiver.delayMs <= 0) return answer(Buffer.concat(chunks), request.url, response);
      receiver.open += 1;
      receiver.peakOpen = Math.max(receiver.peakOpen, receiver.open);
      const timer = setTimeout(() => {
        timers.delete(timer);
        receiver.open -= 1;
        answer(Buffer.concat(chunks), request.url, response);
      }, receiver.delayMs);
      timers.add(timer);
    });
  });
  /** Checks the signature, counts the callback and answers it. */
  function answer(raw: Buffer, url: string | undefined, response: ServerResponse): void {
    const HASH = new URL(url ?? "/", "http://x").searchParams.get("HASH");
    if (HASH !== requestSignature(raw, secret)) {
      receiver.badSignatures += 1;
      return void response
        .writeHead(401, { "content-type": "application/json" })
        .end('{"error":{"code":"G.00","message":"Could not authenticate"}}');
    }
    const callbackId = (JSON.parse(raw.toString("utf8")) as { callbackId: string }).callbackId;
    if (!receiver.firstArrivals.has(callbackId)) receiver.firstArrivals.set(callbackId, performance.now());
    receiver.answered += 1;
    response.writeHead(200, { "content-type": "application/json" }).end(SUCCESS);
  }
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const response of held) response.destroy();
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
