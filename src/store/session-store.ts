/**
 * The storage interface of the reference server. Handlers and the background jobs talk to
 * this interface only; `openStore` (open-store.ts) picks the implementation from
 * `DATABASE_URL`: SQLite (`sqlite/`) or PostgreSQL (`postgres/`). Both pass the same
 * conformance suite (test/unit/store/store.test.ts). Times are epoch milliseconds (UTC); ids
 * are strings.
 *
 * `SessionStore` is made of four parts, each in its own module with its types: the sessions
 * (sessions.ts), the idempotency keys (idempotency-keys.ts), the outbox of the session
 * expired callback (callback-outbox.ts) and the maintenance and lifecycle part
 * (store-lifecycle.ts). A caller that needs one part may take that interface alone.
 *
 * Several server instances may share one PostgreSQL database: every operation is then safe
 * to run concurrently from all of them. Expiry ends each session once, and a callback is
 * delivered by one instance at a time (its lease).
 */
import type { CallbackOutbox } from "./callback-outbox.js";
import type { IdempotencyKeys } from "./idempotency-keys.js";
import type { Sessions } from "./sessions.js";
import type { StoreLifecycle } from "./store-lifecycle.js";

export * from "./callback-outbox.js";
export type * from "./idempotency-keys.js";
export type * from "./sessions.js";
export type * from "./store-lifecycle.js";

/** The storage operations of the reference server: its four parts in one. */
export interface SessionStore extends Sessions, IdempotencyKeys, CallbackOutbox, StoreLifecycle {}
