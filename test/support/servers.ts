/**
 * In-process servers for tests, on 127.0.0.1 and a port the OS picks: the reference
 * server on an in-memory (or given) SQLite store with the sandbox partner, and the
 * operator receiver. Always `close()` them. They are started the way the contract
 * tester starts its local targets (`src/contract/local-target.ts`).
 */
import { afterAll, beforeAll } from "vitest";
import {
  startLocalProvider,
  startLocalReceiver,
  type LocalProvider,
  type LocalProviderOptions,
  type LocalReceiver,
  type LocalReceiverOptions,
} from "../../src/contract/local-target.js";

/** A running reference server. */
export type TestServer = LocalProvider;

/** Options of `startTestServer`. */
export type TestServerOptions = LocalProviderOptions;

/** Starts the reference server with the sandbox partner (or `partners`) on a fresh in-memory store. */
export const startTestServer: (options?: TestServerOptions) => Promise<TestServer> = startLocalProvider;

/** A running operator receiver. */
export type TestReceiver = LocalReceiver;

/** Options of `startTestReceiver` beyond its partners. */
export type TestReceiverOptions = LocalReceiverOptions;

/**
 * Starts the example session expired receiver trusting the sandbox partner (or
 * `partners`); a sandbox exactly when `partners` is not given, unless `options.sandbox`.
 */
export const startTestReceiver: (
  partners?: Parameters<typeof startLocalReceiver>[0],
  options?: TestReceiverOptions,
) => Promise<TestReceiver> = startLocalReceiver;

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
