/**
 * A `SessionStore` that stores nothing, for the pipeline benchmark only (never in src/):
 * every ENTER is "created", every close closes nothing, so that the benchmark measures
 * the request path (HTTP, authentication, validation, the handler, the answer) and no
 * database. The methods no request of the benchmark reaches throw.
 */
import type { SessionStore } from "../../src/store/session-store.js";

/** What the benchmark's requests call; the rest of the interface throws. */
type Reached = Pick<SessionStore, "openSession" | "closeSessions" | "closeSessionsOnce" | "migrate" | "close">;

const reached: Reached = {
  migrate: async () => ({ applied: [], version: 0 }),
  close: async () => undefined,
  openSession: async (_key, session) => ({ outcome: "created", value: { sessionId: session.id } }),
  closeSessions: async () => 0,
  closeSessionsOnce: async () => ({ outcome: "created", value: undefined }),
};

/**
 * The no-op store. Any method other than those of `Reached` rejects (or throws) with
 * "not part of the benchmark", so a benchmark that reaches one fails loudly.
 */
export function noOpStore(): SessionStore {
  return new Proxy(reached, {
    get(target, name) {
      if (name in target) return target[name as keyof Reached];
      if (name === "then" || typeof name === "symbol") return undefined;
      return () => {
        throw new Error(`the no-op store of the benchmark has no ${String(name)}: not part of the benchmark`);
      };
    },
  }) as unknown as SessionStore;
}
