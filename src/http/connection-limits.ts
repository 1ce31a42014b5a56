/**
 * Bounds on open connections, so that a flood of connections that send nothing (or too
 * little) cannot use up the server's memory or keep real clients out:
 *
 * - **A cap.** At most `max` connections are open (`MAX_CONNECTIONS`); Node closes any
 *   connection beyond it as it is accepted.
 * - **Idle ones make room.** When a new connection brings the count to `max` × 0.9, the
 *   connections with no request in progress (a kept-alive connection between two
 *   requests, or one that has sent nothing yet) are closed, idle the longest first, down
 *   to `max` × 0.8: a client that sends requests gets a connection even while thousands
 *   sit idle, and a kept-alive client that loses its idle connection opens a new one.
 * - **Nothing is held for long.** A connection with no traffic is closed after
 *   `idleTimeoutMs` (one that never sent a byte included; Node's request timeout counts
 *   only once a request has begun), a kept-alive one `keepAliveTimeoutMs` after its last
 *   answer, and a request that does not arrive in full within the request timeout is
 *   answered 408 `G.07` and closed (transport-answers.ts). A connection that trickles
 *   bytes is so cut at the request timeout.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger } from "fastify";

/** Limits of `limitConnections`. */
export interface ConnectionLimits {
  /** Most connections open at once. */
  max: number;
  /** Close a connection with no traffic for this long, milliseconds. */
  idleTimeoutMs: number;
}

/** Share of `max` at which idle connections are closed to make room, and the share they are brought down to. */
const MAKE_ROOM_AT = 0.9;
const ROOM_DOWN_TO = 0.8;

/**
 * Applies the limits of the file comment to `server` and logs (at most once a minute)
 * when it closes idle connections to make room: the connections idle the longest go
 * first, so the one just accepted (about to send its request) is the last to go.
 */
export function limitConnections(server: Server, limits: ConnectionLimits, log: FastifyBaseLogger): void {
  server.maxConnections = limits.max;
  server.timeout = limits.idleTimeoutMs;
  let open = 0;
  /** Connections with no request in progress, idle the longest first (a Map keeps insertion order). */
  const idle = new Map<Socket, true>();
  let loggedAt = Number.NEGATIVE_INFINITY;
  // One listener function for every response (no closure per request); a response finishes once.
  function onFinish(this: ServerResponse): void {
    const socket = this.req.socket;
    if (!socket.destroyed) idle.set(socket, true);
  }
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    idle.delete(request.socket);
    response.on("finish", onFinish);
  });
  server.on("connection", (socket: Socket) => {
    open += 1;
    idle.set(socket, true);
    socket.once("close", () => {
      open -= 1;
      idle.delete(socket);
    });
    if (open < limits.max * MAKE_ROOM_AT) return;
    let closing = open - Math.floor(limits.max * ROOM_DOWN_TO);
    for (const candidate of idle.keys()) {
      if (closing <= 0 || candidate === socket) break;
      idle.delete(candidate);
      candidate.destroy();
      closing -= 1;
    }
    if (Date.now() - loggedAt > 60_000) {
      loggedAt = Date.now();
      log.warn(
        { open, max: limits.max },
        `${open} connections open, near MAX_CONNECTIONS (${limits.max}): closed the longest idle ones to make room`,
      );
    }
  });
}
