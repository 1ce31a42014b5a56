/**
 * In-process servers for tests, on 127.0.0.1 and a port the OS picks: the reference
 * server on an in-memory (or given) SQLite store with the sandbox partner, and the
 * operator receiver. Always `close()` them.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { repoRoot } from "../../src/build/spec.js";
import { partnerDirectory, type Partner } from "../../src/http/partners.js";
import { buildOperatorReceiver, type OperatorReceiver } from "../../src/operator/receiver.js";
import { buildServer } from "../../src/server/app.js";
import { launchTokens, type LaunchTokens } from "../../src/server/launch-tokens.js";
import { sandboxPartner } from "../../src/server/partners-file.js";
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

/** Starts the reference server with the sandbox partner (or `partners`) on a fresh in-memory store. */
export async function startTestServer(options: { partners?: Partner[]; store?: SessionStore; now?: () => number; requestTimeoutMs?: number } = {}): Promise<TestServer> {
  const store = options.store ?? (await openSqliteStore({ location: ":memory:" }));
  await store.migrate();
  const tokens = launchTokens(randomBytes(32), "https://games.luckymonaco.example");
  const app = await buildServer({
    spec: bundledSpec,
    docsDir: join(repoRoot, "dist/docs"),
    store,
    partners: partnerDirectory(options.partners ?? [sandboxPartner]),
    launchTokens: tokens,
    logger: false,
    now: options.now,
    requestTimeoutMs: options.requestTimeoutMs,
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

/** Starts the example session expired receiver trusting the sandbox partner (or `partners`). */
export async function startTestReceiver(partners: Partner[] = [sandboxPartner]): Promise<TestReceiver> {
  const receiver = await buildOperatorReceiver({ spec: bundledSpec, partners: partnerDirectory(partners), logger: false });
  const baseUrl = await receiver.app.listen({ host: "127.0.0.1", port: 0 });
  return { ...receiver, baseUrl, close: () => receiver.app.close() };
}

/** Both ends at once, for suites that call the provider and the operator receiver. */
export async function startServerAndReceiver(): Promise<{ server: TestServer; receiver: TestReceiver; close(): Promise<void> }> {
  const [server, receiver] = await Promise.all([startTestServer(), startTestReceiver()]);
  return { server, receiver, close: async () => void (await Promise.all([server.close(), receiver.close()])) };
}
