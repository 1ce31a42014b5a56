/**
 * A clean stop of the reference server, for orchestrators (SIGTERM) and people (Ctrl-C,
 * SIGINT). No request that reached the server is cut off:
 *
 * 1. **Not ready.** `/health/ready` and `/health` answer 503 `draining`, so a load
 *    balancer stops sending requests; for `drainMs` (SIGTERM: `SHUTDOWN_DRAIN_SECONDS`,
 *    SIGINT: none) everything else is served as usual, kept-alive connections included.
 * 2. **Stop accepting.** The listener closes; connections already open stay. From here
 *    every answer carries `Connection: close`, so each client's connection ends after the
 *    answer to the request it sent, never under one. Connections that send nothing are
 *    closed after `IDLE_GRACE_MS` (at once without a drain).
 * 3. **Finish.** The requests in progress are answered, the background jobs stop after
 *    their current batch, the delivery loop waits for its attempts in flight (their
 *    outcomes recorded; an attempt cut short is retried after its lease, at least once),
 *    and the store closes (SQLite: the last group commits, the log is checkpointed).
 *
 * The whole stop is bounded by `timeoutMs` (`SHUTDOWN_TIMEOUT_SECONDS`): past it the process
 * logs what it was waiting for and exits with status 1. A second SIGINT exits at once.
 * Node's own `server.close()` closes idle kept-alive connections at once, which resets a
 * request the client is sending on one at that moment; step 2 avoids that.
 */
import { Server as NetServer } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Readiness } from "./readiness.js";

/** How long a connection may stay open without a request once the listener closed, milliseconds. */
export const IDLE_GRACE_MS = 1000;

/** Options of `installShutdown`. */
export interface ShutdownOptions {
  app: FastifyInstance;
  readiness: Readiness;
  /** How long a SIGTERM keeps serving while not ready, milliseconds. */
  drainMs: number;
  /** The longest a stop may take, milliseconds. */
  timeoutMs: number;
  /** Ends the process (default `process.exit`). */
  exit?: (code: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stops = new WeakMap<FastifyInstance, Promise<void>>();

/**
 * Runs the stop described above; resolves once the app is closed. Calling it again joins
 * the stop in progress.
 *
 * @param drainMs step 1's length (0 for Ctrl-C)
 */
export function shutdownSequence(app: FastifyInstance, readiness: Readiness, drainMs: number): Promise<void> {
  let stop = stops.get(app);
  if (!stop) {
    stop = (async () => {
      readiness.draining = true;
      await sleep(drainMs);
      // Before Fastify sees the request, so every answer from here on ends its connection.
      app.server.prependListener("request", (_request, response) => response.setHeader("connection", "close"));
      // net.Server's close stops accepting and keeps open connections (http.Server's would
      // drop the idle kept-alive ones at once); its callback runs when the last one ended.
      const allClosed = new Promise<void>((resolve) => NetServer.prototype.close.call(app.server, () => resolve()));
      // After a drain, a kept-alive client gets a moment to send its next request; with none
      // (Ctrl-C, or SHUTDOWN_DRAIN_SECONDS=0), idle connections close at once.
      if (drainMs > 0) await sleep(IDLE_GRACE_MS);
      app.server.closeIdleConnections();
      await allClosed;
      await app.close(); // the listener is closed already: this runs the onClose hooks (jobs, delivery, store)
    })();
    stops.set(app, stop);
  }
  return stop;
}

/**
 * Installs the stop on SIGTERM and SIGINT (see the file comment) and logs each step.
 * The answers of requests that arrive before the listener closes carry `Connection: close`
 * only from step 2, so kept-alive clients keep their connection while a load balancer
 * still routes to the instance.
 */
export function installShutdown(options: ShutdownOptions): void {
  const { app, readiness } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      if (signal === "SIGINT") {
        app.log.warn("SIGINT again: exiting at once");
        exit(130);
      }
      return;
    }
    signalled = signal;
    const drainMs = signal === "SIGTERM" ? options.drainMs : 0;
    app.log.info(
      { signal, drainMs, timeoutMs: options.timeoutMs },
      `${signal}: shutting down: not ready now, ${drainMs > 0 ? `serving for ${drainMs} ms more, then ` : ""}closing the listener and finishing the requests in progress`,
    );
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs: options.timeoutMs }, `shutdown did not finish within ${options.timeoutMs} ms; exiting`);
      exit(1);
    }, options.timeoutMs);
    deadline.unref();
    shutdownSequence(app, readiness, drainMs).then(
      () => {
        app.log.info("shut down cleanly");
        exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
