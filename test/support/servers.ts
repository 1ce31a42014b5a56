/**
 * In-process servers for tests, on 127.0.0.1 and a port the OS picks: the reference
 * server on an in-memory (or given) SQLite store with the sandbox partner, and the
 * operator receiver. Always `close()` them.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import type { Registry } from "prom-client";
import { afterAll, beforeAll } from "vitest";
import { repoRoot } from "../../src/codegen/spec.js";
import { partnerDirectory, type Partner } from "../../src/partners/directory.js";
import { buildOperatorReceiver, type OperatorReceiver, type OperatorReceiverOptions } from "../../src/operator/receiver.js";
import { buildServer } from "../../src/server/app.js";
import { launchTokens, type LaunchTokens } from "../../src/server/launch-tokens.js";
import { sandboxPartner } from "../../src/partners/sandbox.js";
import { openSqliteStore } from "../../src/store/sqlite/store.js";
import type { SessionStore } from "../../src/store/session-store.js";
import { bundledSpec } from "./spec-views.js";

/** A running reference server. */
export interface TestServer {
  app: FastifyInstance;
  baseUrl: string;
  store: SessionStore;
  launchTokens: LaunchTokens;
  close(): Promise<void>;
}

/** Options of `startTestServer`. */
export interface TestServerOptions {
  /** Default: the sandbox partner. */
  partners?: Partner[];
  /** Default: true exactly when `partners` is not given (as main.ts: no PARTNERS_FILE). */
  sandbox?: boolean;
  store?: SessionStore;
  now?: () => number;
  requestTimeoutMs?: number;
  signatureToleranceSeconds?: number;
  /** Fastify logger option; default `false`. */
  logger?: FastifyServerOptions["logger"];
  /** Served at /metrics when given. */
  metrics?: Registry;
}

/** Starts the reference server with the sandbox partner (or `partners`) on a fresh in-memory store. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? (await openSqliteStore({ location: ":memory:" }));
  await store.migrate();
  const tokens = launchTokens(randomBytes(32), "https://games.luckymonaco.example");
  const app = await buildServer({
    spec: bundledSpec,
    docsDir: join(repoRoot, "dist/docs"),
    store,
    partners: partnerDirectory(options.partners ?? [sandboxPartner]),
    sandbox: options.sandbox ?? options.partners === undefined,
    launchTokens: tokens,
    logger: options.logger ?? false,
    now: options.now,
    requestTimeoutMs: options.requestTimeoutMs,
    signatureToleranceSeconds: options.signatureToleranceSeconds,
    metrics: options.metrics,
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    app,
    baseUrl: address,
    store,
    launchTokens: tokens,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A running operator receiver. */
export interface TestReceiver extends OperatorReceiver {
  baseUrl: string;
  close(): Promise<void>;
}

/** Options of `startTestReceiver` beyond its partners. */
export type TestReceiverOptions = Partial<Pick<OperatorReceiverOptions, "sandbox" | "now" | "toleranceSeconds" | "requestTimeoutMs" | "logger">>;

/**
 * Starts the example session expired receiver trusting the sandbox partner (or
 * `partners`); a sandbox exactly when `partners` is not given, unless `options.sandbox`.
 */
export async function startTestReceiver(partners?: Partner[], options: TestReceiverOptions = {}): Promise<TestReceiver> {
  const receiver = await buildOperatorReceiver({
    spec: bundledSpec,
    partners: partnerDirectory(partners ?? [sandboxPartner]),
    sandbox: options.sandbox ?? partners === undefined,
    logger: options.logger ?? false,
    now: options.now,
    toleranceSeconds: options.toleranceSeconds,
    requestTimeoutMs: options.requestTimeoutMs,
  });
  const baseUrl = await receiver.app.listen({ host: "127.0.0.1", port: 0 });
  return { ...receiver, baseUrl, close: () => receiver.app.close() };
}

/** Both ends of the contract, as a suite sees them once its `beforeAll` has run. */
export interface BothEnds {
  server: TestServer;
  receiver: TestReceiver;
}

/**
 * For suites that call the provider and the operator receiver: starts both (sandbox
 * partner, in-memory store) in `beforeAll` and stops them in `afterAll`.
 *
 * @returns an object whose `server` and `receiver` are set once the suite starts
 */
export function useServerAndReceiver(): BothEnds {
  const ends = {} as BothEnds;
  beforeAll(async () => {
    [ends.server, ends.receiver] = await Promise.all([startTestServer(), startTestReceiver()]);
  });
  afterAll(async () => void (await Promise.all([ends.server?.close(), ends.receiver?.close()])));
  return ends;
}
