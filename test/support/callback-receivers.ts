/**
 * Stand-in receivers of the session expired callback for tests of its delivery: a
 * scripted one (answers a list of statuses, then 200), a black hole (accepts the TCP
 * connection and never answers), and a gate in front of the example receiver (answers
 * 503 while "down", can hold requests, and otherwise forwards the exact bytes). Each
 * listens on 127.0.0.1 and a port the OS picks; always `close()` it.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";

/** What a stand-in saw of one request. */
export interface SeenRequest {
  url: string;
  body: Record<string, unknown>;
}

/** A running HTTP stand-in. */
export interface StandIn {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse, raw: Buffer) => void | Promise<void>,
  seen: SeenRequest[],
): Promise<StandIn & { sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createHttpServer(async (request, response) => {
    const raw = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      /* not JSON: kept empty */
    }
    seen.push({ url: request.url ?? "", body });
    await handler(request, response, raw);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  response.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

/** One scripted answer: a status (with the catalog's body) or a full answer. */
export type ScriptedAnswer = number | { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * Answers the scripted answers in order, then 200 `{"error":0,…}`. It checks no
 * signature: for tests of the retry policy.
 */
export async function startScriptedReceiver(script: ScriptedAnswer[] = []): Promise<StandIn & { script: ScriptedAnswer[] }> {
  const seen: SeenRequest[] = [];
  let state: { script: ScriptedAnswer[] } = { script };
  const standIn = await listen((_request, response) => {
    const next = state.script.shift() ?? 200;
    const answer = typeof next === "number" ? { status: next } : next;
    const body =
      answer.body ?? (answer.status === 200 ? { error: 0, description: "Success" } : { error: { code: "G.01", message: "System error" } });
    json(response, answer.status, body, answer.headers);
  }, seen);
  return (state = Object.assign(standIn, { script }));
}

/** A receiver that accepts TCP connections and reads, but never answers. */
export interface BlackHole {
  url: string;
  /** Connections open now (each is a request that got no answer). */
  openConnections(): number;
  /** Connections it accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("data", () => undefined);
    socket.on("error", () => undefined);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    openConnections: () => sockets.size,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A gate in front of a receiver. */
export interface Gate extends StandIn {
  /** While true, every request is answered 503 at once. */
  down: boolean;
  /** While true, requests are held (not answered) until `release()`. */
  hold: boolean;
  /** Requests held now. */
  held(): number;
  /** Forwards the held requests and answers them with the receiver's answer. */
  release(): void;
}

/**
 * Forwards each request's exact bytes and query to `target` (the example receiver) and
 * answers what it answered; 503 while `down`; holds requests while `hold`.
 */
export async function startGate(target: string): Promise<Gate> {
  const seen: SeenRequest[] = [];
  const waiting: Array<() => void> = [];
  let gate: { down: boolean; hold: boolean } = { down: false, hold: false };
  const standIn = await listen(async (request, response, raw) => {
    if (gate.down) return void json(response, 503, { error: { code: "G.01", message: "System error" } });
    if (gate.hold) await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      const answer = await fetch(`${target}${request.url}`, {
        method: "POST",
        headers: { "content-type": String(request.headers["content-type"]) },
        body: new Uint8Array(raw),
      });
      response
        .writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
        .end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      response.destroy();
    }
  }, seen);
  const result: Gate = Object.assign(standIn, {
    down: false,
    hold: false,
    held: () => waiting.length,
    release() {
      result.hold = false;
      for (const resume of waiting.splice(0)) resume();
    },
  });
  gate = result;
  return result;
}
