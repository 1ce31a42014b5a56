/**
 * The benchmark's receiver of the session expired callback: a bare node:http server, so
 * that the benchmark measures the sender, not a receiver. It checks `HASH` over the raw
 * body (one HMAC, cheap), counts each `callbackId` once, and records when each first
 * arrived. `mode` makes it answer 503 ("down"), or never answer ("black hole").
 */
import { createServer, type ServerResponse } from "node:http";
import { requestSignature } from "@luckymonaco/session-api-client";

/** How the receiver answers. */
export type ReceiverMode = "up" | "down" | "black-hole";

/** A running benchmark receiver. */
export interface BenchReceiver {
  url: string;
  mode: ReceiverMode;
  /** First arrival of each callback id, `performance.now()` milliseconds, in order of arrival. */
  firstArrivals: Map<string, number>;
  /** Requests received, repeats and refused ones included. */
  requests: number;
  /** Requests answered 200. */
  answered: number;
  /** Requests whose HASH did not match. */
  badSignatures: number;
  close(): Promise<void>;
}

const SUCCESS = '{"error":0,"description":"Success"}';

/** Starts a receiver for a partner with `secret` on 127.0.0.1 and a free port. */
export async function startBenchReceiver(secret: string, mode: ReceiverMode = "up"): Promise<BenchReceiver> {
  const held: ServerResponse[] = [];
  const receiver: BenchReceiver = { url: "", mode, firstArrivals: new Map(), requests: 0, answered: 0, badSignatures: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      receiver.requests += 1;
      if (receiver.mode === "black-hole") return void held.push(response);
      if (receiver.mode === "down") return void response.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":"G.01","message":"System error"}}');
      const raw = Buffer.concat(chunks);
      const HASH = new URL(request.url ?? "/", "http://x").searchParams.get("HASH");
      if (HASH !== requestSignature(raw, secret)) {
        receiver.badSignatures += 1;
        return void response.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"G.00","message":"Could not authenticate"}}');
      }
      const callbackId = (JSON.parse(raw.toString("utf8")) as { callbackId: string }).callbackId;
      if (!receiver.firstArrivals.has(callbackId)) receiver.firstArrivals.set(callbackId, performance.now());
      receiver.answered += 1;
      response.writeHead(200, { "content-type": "application/json" }).end(SUCCESS);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
