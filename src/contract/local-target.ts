/**
 * The local targets of a contract run (no `CONTRACT_BASE_URL` / `CONTRACT_OPERATOR_URL`):
 * the reference server on a fresh in-memory SQLite store and the example operator
 * receiver, in this process, on 127.0.0.1 and ports the OS picks. The only module of
 * `src/contract/` that imports the servers; `target.ts` loads it lazily, so a run
 * against remote targets never loads a server. The test helpers
 * (`test/support/servers.ts`) start their servers through it too.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance, FastifyServerOptions } from "fastify";
import { partnerDirectory, type Partner } from "../partners/directory.js";
import { sandboxPartner } from "../partners/sandbox.js";
import { buildOperatorReceiver, type OperatorReceiver, type OperatorReceiverOptions } from "../operator/receiver.js";
import { buildServer, type ServerDependencies } from "../server/app.js";
import { launchTokens, type LaunchTokens } from "../server/launch-tokens.js";
import { repoRoot } from "../shared/spec-document.js";
import { openSqliteStore } from "../store/sqlite/store.js";
import type { SessionStore, SessionStatus } from "../store/session-store.js";
import { bundledSpec } from "./bundle.js";

/** A running reference server. */
export interface LocalProvider {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  store: SessionStore;
  launchTokens: LaunchTokens;
  close(): Promise<void>;
}

/** Options of `startLocalProvider`. */
export interface LocalProviderOptions {
  /** Default: the sandbox partner. */
  partners?: Partner[];
  /** Default: true exactly when `partners` is not given (as `src/server/main.ts`: no PARTNERS_FILE). */
  sandbox?: boolean;
  /** Default: a fresh in-memory SQLite store. */
  store?: SessionStore;
  /** The server's clock, epoch milliseconds. */
  now?: () => number;
  /** Longest time to receive a whole request, milliseconds (then 408 `G.07`). */
  requestTimeoutMs?: number;
  signatureToleranceSeconds?: number;
  /** Fastify logger option; default `false`. */
  logger?: FastifyServerOptions["logger"];
  /** Passed to the server as they are (`ServerDependencies`): readiness, load shedding (default none), the connection cap. */
  readiness?: ServerDependencies["readiness"];
  overload?: ServerDependencies["overload"];
  maxConnections?: number;
}

/** Starts the reference server (spec: every `x-implemented-by: provider` operation), validating every response it sends against the spec. */
export async function startLocalProvider(options: LocalProviderOptions = {}): Promise<LocalProvider> {
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
    readiness: options.readiness,
    overload: options.overload,
    maxConnections: options.maxConnections,
    validateResponses: true,
  });
  const baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    app,
    baseUrl,
    store,
    launchTokens: tokens,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** A running operator receiver. */
export interface LocalReceiver extends OperatorReceiver {
  baseUrl: string;
  close(): Promise<void>;
}

/** Options of `startLocalReceiver` beyond its partners. */
export type LocalReceiverOptions = Partial<
  Pick<OperatorReceiverOptions, "sandbox" | "now" | "toleranceSeconds" | "requestTimeoutMs" | "logger">
>;

/**
 * Starts the example session expired receiver (`src/operator/`) trusting the sandbox
 * partner (or `partners`); a sandbox exactly when `partners` is not given, unless
 * `options.sandbox`. It validates every response it sends against the spec.
 */
export async function startLocalReceiver(partners?: Partner[], options: LocalReceiverOptions = {}): Promise<LocalReceiver> {
  const receiver = await buildOperatorReceiver({
    spec: bundledSpec,
    partners: partnerDirectory(partners ?? [sandboxPartner]),
    sandbox: options.sandbox ?? partners === undefined,
    logger: options.logger ?? false,
    now: options.now,
    toleranceSeconds: options.toleranceSeconds,
    requestTimeoutMs: options.requestTimeoutMs,
    validateResponses: true,
  });
  const baseUrl = await receiver.app.listen({ host: "127.0.0.1", port: 0 });
  return { ...receiver, baseUrl, close: () => receiver.app.close() };
}

/**
 * What a local run can see that a remote one cannot: the provider's store. The stateful
 * checks use it to prove that a close closed the session ENTER opened, and that a
 * replayed close closed nothing new (the API has no read operation).
 */
export interface StoreInspector {
  /**
   * The status of the session a launch URL opens (found by the hash of its `token` query
   * parameter, as the server stores it), or undefined when no session has it.
   */
  sessionStatusOf(launchUrl: string): Promise<SessionStatus | undefined>;
}

/** A store inspector over a local provider's store. */
export function storeInspector(provider: LocalProvider): StoreInspector {
  return {
    async sessionStatusOf(launchUrl) {
      const token = new URL(launchUrl).searchParams.get("token");
      if (!token) return undefined;
      const session = await provider.store.findSessionByTokenHash(provider.launchTokens.hash(token));
      return session?.status;
    },
  };
}
