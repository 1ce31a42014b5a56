/**
 * Configuration of the reference server, from environment variables, validated by a
 * JSON schema. A bad value stops start-up with a message that names the variable.
 *
 * | Variable | Default | Meaning |
 * |---|---|---|
 * | HOST | 127.0.0.1 | interface to listen on |
 * | PORT | 3000 | TCP port (0 picks a free one) |
 * | DATABASE_URL | ./data/sessions.db | where sessions are stored (below) |
 * | DATABASE_POOL_SIZE | 10 | PostgreSQL only: connections per instance |
 * | SQLITE_SYNCHRONOUS | NORMAL | SQLite only: NORMAL (survives a process crash) or FULL (also a power failure, slower) |
 * | PARTNERS_FILE | (sandbox partner) | YAML or JSON file of partners, see partners-file.ts |
 * | GAME_BASE_URL | https://games.luckymonaco.example | base of the launch URLs |
 * | LAUNCH_TOKEN_SECRET | (see below) | at least 32 characters; keys the launch tokens |
 * | LAUNCH_TOKEN_SECRET_FILE | ./data/launch-token.secret | without LAUNCH_TOKEN_SECRET: a file holding the secret, created with a random one if missing |
 * | PROVIDER_ID | luckymonaco | `providerId` sent in session expired callbacks |
 * | SESSION_IDLE_TIMEOUT_SECONDS | 1800 | a session with no activity for this long expires |
 * | EXPIRY_SWEEP_SECONDS | 30 | how often the background jobs run: expiry of idle sessions, then the retention of keys, callbacks and sessions, each in short batches until done (delivery runs on its own) |
 * | CALLBACK_RETRY_SCHEDULE | 5,30,120,600,1800,3600,10800,21600,43200,43200 | pauses between attempts of a session expired callback, seconds (±20 % jitter); given up after the last (src/server/delivery/retry-policy.ts) |
 * | CALLBACK_TIMEOUT_MS | 5000 | hard deadline of one attempt (connect, send, answer) |
 * | CALLBACK_CONCURRENCY | 256 | most attempts at once per instance; partners that have callbacks to send share it fairly (src/server/delivery/slot-plan.ts). 256 lets four partners run at the ceiling at once; an attempt in flight costs a socket, not CPU |
 * | CALLBACK_PARTNER_CONCURRENCY | 64 | most attempts at once to one partner, per instance (at most CALLBACK_CONCURRENCY): the ceiling of its adaptive limit, which starts at 8 (or this, if lower), doubles each round trip while the receiver answers with the whole limit in flight, then grows by one, and halves on timeouts and retryable failures (src/server/delivery/concurrency-limit.ts). 64 drains 21 callbacks/s per instance from a receiver that answers in 3 s (8: 2.7/s), and is the most connections one instance opens to a receiver |
 * | CALLBACK_ADAPTIVE_CONCURRENCY | true | false: every partner's limit is CALLBACK_PARTNER_CONCURRENCY, fixed (no adaptation) |
 * | CALLBACK_BREAKER_THRESHOLD | 5 | consecutive failed attempts that open a partner's circuit breaker |
 * | CALLBACK_BREAKER_COOLDOWN_SECONDS | 5 | how long an open breaker waits before one probe (src/server/delivery/circuit-breaker.ts) |
 * | CALLBACK_RETENTION_DAYS | 30 | a delivered callback is deleted this long after its delivery (0: kept forever); pending and failed ones are never deleted |
 * | SESSION_RETENTION_DAYS | 90 | a closed or expired session is deleted this long after it ended, once no callback of it is left in the outbox (0: kept forever); active sessions are never deleted |
 * | CALLBACK_LEASE_MARGIN_SECONDS | 10 | a claimed callback's lease is CALLBACK_TIMEOUT_MS plus this: how soon another instance takes over the callbacks of one that died |
 * | METRICS_PORT | (unset) | serve `/metrics` on its own listener at this port (0 picks a free one); unset: on the API port in the sandbox, not at all with a partners file (its labels name partner ids) |
 * | METRICS_HOST | 127.0.0.1 | interface of that listener: keep it on the internal network |
 * | SIGNATURE_TOLERANCE_SECONDS | 300 | largest distance of a request's `timestamp` from the server's clock (401 `G.04` beyond) |
 * | LOG_LEVEL | info | pino level |
 * | MAX_CONNECTIONS | 4096 | most connections open at once; near it, idle ones are closed to make room (src/http/connection-limits.ts) |
 * | OVERLOAD_EVENT_LOOP_DELAY_MS | 1000 | while the event loop runs further behind than this, new requests get 503 `G.08` with `Retry-After` at once instead of a late answer (0: never; src/http/load-shedding.ts) |
 * | OVERLOAD_RETRY_AFTER_SECONDS | 2 | the `Retry-After` of that 503 |
 * | SHUTDOWN_DRAIN_SECONDS | 5 | on SIGTERM, how long the server keeps serving while `/health/ready` says 503, so that a load balancer stops routing to it first (Ctrl-C skips it) |
 * | SHUTDOWN_TIMEOUT_SECONDS | 25 | the longest a stop may take, drain included; then the process exits with status 1 |
 *
 * `DATABASE_URL` picks the store (src/store/open-store.ts):
 * - SQLite, the zero-configuration default: a file path (relative to the working
 *   directory), a `file:` URL, or `:memory:` (nothing kept). One instance per file.
 * - PostgreSQL: `postgres://user:password@host:port/database` (or `postgresql://`; other
 *   libpq parameters such as `?sslmode=require` are understood). Several instances may
 *   share one database and behave as one service. The password never appears in a log
 *   line or an error message.
 * - Any other scheme stops start-up with a message naming it.
 *
 * The launch-token secret does not depend on the database. `LAUNCH_TOKEN_SECRET` is used
 * when set (production). Otherwise the secret is read from `LAUNCH_TOKEN_SECRET_FILE`,
 * created with 32 random bytes if missing, with a warning (the sandbox). On PostgreSQL,
 * all instances must use the same secret, or each would issue URLs the others cannot
 * replay: so there the server refuses to start without `LAUNCH_TOKEN_SECRET`, unless
 * `LAUNCH_TOKEN_SECRET_FILE` is set explicitly (to a file that every instance shares).
 */
import { createAjv } from "../ajv.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { defaultRetrySchedule, parseRetrySchedule } from "./delivery/retry-policy.js";
import { defaultDatabaseUrl } from "../store/database-url.js";

/** Where the sandbox keeps its generated launch-token secret when LAUNCH_TOKEN_SECRET_FILE is not set. */
export const defaultLaunchTokenSecretFile = "./data/launch-token.secret";

/** The validated configuration (see the table above). */
export interface ServerConfig {
  host: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  sqliteSynchronous: "NORMAL" | "FULL";
  partnersFile: string | undefined;
  gameBaseUrl: string;
  launchTokenSecret: string | undefined;
  /** Set only when LAUNCH_TOKEN_SECRET_FILE is given (the default applies otherwise). */
  launchTokenSecretFile: string | undefined;
  providerId: string;
  sessionIdleTimeoutSeconds: number;
  expirySweepSeconds: number;
  /** Pauses between callback attempts, seconds. */
  callbackRetrySchedule: number[];
  /** Deadline of one callback attempt, milliseconds. */
  callbackTimeoutMs: number;
  callbackConcurrency: number;
  /** Ceiling of each partner's adaptive concurrency limit. */
  callbackPartnerConcurrency: number;
  /** Whether partners' limits adapt (false: fixed at the ceiling). */
  callbackAdaptiveConcurrency: boolean;
  callbackBreakerThreshold: number;
  callbackBreakerCooldownSeconds: number;
  callbackLeaseMarginSeconds: number;
  /** How long a delivered callback is kept, days (0: forever). */
  callbackRetentionDays: number;
  /** How long an ended session is kept, days (0: forever). */
  sessionRetentionDays: number;
  /** The port of the internal `/metrics` listener, or undefined (see the table). */
  metricsPort: number | undefined;
  /** Its interface. */
  metricsHost: string;
  /** Freshness tolerance of `timestamp`, seconds (spec: `Timestamp`, catalog `G.04`). */
  signatureToleranceSeconds: number;
  logLevel: string;
  shutdownDrainSeconds: number;
  shutdownTimeoutSeconds: number;
  maxConnections: number;
  overloadEventLoopDelayMs: number;
  overloadRetryAfterSeconds: number;
}

const schema = {
  type: "object",
  properties: {
    HOST: { type: "string", minLength: 1, default: "127.0.0.1" },
    PORT: { type: "integer", minimum: 0, maximum: 65535, default: 3000 },
    DATABASE_URL: { type: "string", minLength: 1, default: defaultDatabaseUrl },
    DATABASE_POOL_SIZE: { type: "integer", minimum: 1, maximum: 1000, default: 10 },
    SQLITE_SYNCHRONOUS: { type: "string", enum: ["NORMAL", "FULL"], default: "NORMAL" },
    PARTNERS_FILE: { type: "string", minLength: 1 },
    GAME_BASE_URL: { type: "string", format: "uri", pattern: "^https?://", default: "https://games.luckymonaco.example" },
    LAUNCH_TOKEN_SECRET: { type: "string", minLength: 32 },
    LAUNCH_TOKEN_SECRET_FILE: { type: "string", minLength: 1 },
    PROVIDER_ID: { type: "string", minLength: 1, maxLength: 64, default: "luckymonaco" },
    SESSION_IDLE_TIMEOUT_SECONDS: { type: "number", exclusiveMinimum: 0, default: 1800 },
    // At most a day: a timer of more than 2^31 - 1 ms fires at once, in a loop.
    EXPIRY_SWEEP_SECONDS: { type: "number", exclusiveMinimum: 0, maximum: 86400, default: 30 },
    CALLBACK_RETRY_SCHEDULE: { type: "string", default: defaultRetrySchedule.join(",") },
    CALLBACK_TIMEOUT_MS: { type: "integer", minimum: 100, maximum: 120_000, default: 5000 },
    CALLBACK_CONCURRENCY: { type: "integer", minimum: 1, maximum: 4096, default: 256 },
    CALLBACK_PARTNER_CONCURRENCY: { type: "integer", minimum: 1, maximum: 4096, default: 64 },
    CALLBACK_ADAPTIVE_CONCURRENCY: { type: "boolean", default: true },
    CALLBACK_BREAKER_THRESHOLD: { type: "integer", minimum: 1, maximum: 1000, default: 5 },
    CALLBACK_BREAKER_COOLDOWN_SECONDS: { type: "number", exclusiveMinimum: 0, maximum: 3600, default: 5 },
    CALLBACK_LEASE_MARGIN_SECONDS: { type: "number", exclusiveMinimum: 0, maximum: 3600, default: 10 },
    CALLBACK_RETENTION_DAYS: { type: "number", minimum: 0, maximum: 3650, default: 30 },
    SESSION_RETENTION_DAYS: { type: "number", minimum: 0, maximum: 36500, default: 90 },
    METRICS_PORT: { type: "integer", minimum: 0, maximum: 65535 },
    METRICS_HOST: { type: "string", minLength: 1, default: "127.0.0.1" },
    SIGNATURE_TOLERANCE_SECONDS: { type: "integer", minimum: 1, maximum: 86400, default: DEFAULT_TOLERANCE_SECONDS },
    LOG_LEVEL: { type: "string", enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"], default: "info" },
    SHUTDOWN_DRAIN_SECONDS: { type: "number", minimum: 0, maximum: 600, default: 5 },
    MAX_CONNECTIONS: { type: "integer", minimum: 10, maximum: 1_000_000, default: 4096 },
    OVERLOAD_EVENT_LOOP_DELAY_MS: { type: "integer", minimum: 0, maximum: 60_000, default: 1000 },
    OVERLOAD_RETRY_AFTER_SECONDS: { type: "integer", minimum: 1, maximum: 3600, default: 2 },
    SHUTDOWN_TIMEOUT_SECONDS: { type: "number", exclusiveMinimum: 0, maximum: 3600, default: 25 },
  },
} as const;

const validate = createAjv({ coerceTypes: true, useDefaults: true, allErrors: true }).compile(schema);

/**
 * Reads the configuration from `env`.
 *
 * @throws Error listing every invalid variable, e.g. "PORT must be <= 65535", or naming
 *   the bad entry of CALLBACK_RETRY_SCHEDULE
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const names = Object.keys(schema.properties);
  const values: Record<string, unknown> = Object.fromEntries(names.filter((name) => env[name] !== undefined && env[name] !== "").map((name) => [name, env[name]]));
  if (!validate(values)) {
    const problems = validate.errors!.map((error) => `${error.instancePath.slice(1)} ${error.message}`);
    throw new Error(`invalid configuration: ${problems.join("; ")}`);
  }
  let callbackRetrySchedule: number[];
  try {
    callbackRetrySchedule = parseRetrySchedule(values.CALLBACK_RETRY_SCHEDULE as string);
  } catch (error) {
    throw new Error(`invalid configuration: ${(error as Error).message}`);
  }
  if ((values.SHUTDOWN_DRAIN_SECONDS as number) >= (values.SHUTDOWN_TIMEOUT_SECONDS as number)) {
    throw new Error(`invalid configuration: SHUTDOWN_DRAIN_SECONDS (${values.SHUTDOWN_DRAIN_SECONDS}) must be < SHUTDOWN_TIMEOUT_SECONDS (${values.SHUTDOWN_TIMEOUT_SECONDS})`);
  }
  if ((values.CALLBACK_PARTNER_CONCURRENCY as number) > (values.CALLBACK_CONCURRENCY as number)) {
    throw new Error(`invalid configuration: CALLBACK_PARTNER_CONCURRENCY (${values.CALLBACK_PARTNER_CONCURRENCY}) must be <= CALLBACK_CONCURRENCY (${values.CALLBACK_CONCURRENCY})`);
  }
  return {
    host: values.HOST as string,
    port: values.PORT as number,
    databaseUrl: values.DATABASE_URL as string,
    databasePoolSize: values.DATABASE_POOL_SIZE as number,
    sqliteSynchronous: values.SQLITE_SYNCHRONOUS as "NORMAL" | "FULL",
    partnersFile: values.PARTNERS_FILE as string | undefined,
    gameBaseUrl: values.GAME_BASE_URL as string,
    launchTokenSecret: values.LAUNCH_TOKEN_SECRET as string | undefined,
    launchTokenSecretFile: values.LAUNCH_TOKEN_SECRET_FILE as string | undefined,
    providerId: values.PROVIDER_ID as string,
    sessionIdleTimeoutSeconds: values.SESSION_IDLE_TIMEOUT_SECONDS as number,
    expirySweepSeconds: values.EXPIRY_SWEEP_SECONDS as number,
    callbackRetrySchedule,
    callbackTimeoutMs: values.CALLBACK_TIMEOUT_MS as number,
    callbackConcurrency: values.CALLBACK_CONCURRENCY as number,
    callbackPartnerConcurrency: values.CALLBACK_PARTNER_CONCURRENCY as number,
    callbackAdaptiveConcurrency: values.CALLBACK_ADAPTIVE_CONCURRENCY as boolean,
    callbackBreakerThreshold: values.CALLBACK_BREAKER_THRESHOLD as number,
    callbackBreakerCooldownSeconds: values.CALLBACK_BREAKER_COOLDOWN_SECONDS as number,
    callbackLeaseMarginSeconds: values.CALLBACK_LEASE_MARGIN_SECONDS as number,
    callbackRetentionDays: values.CALLBACK_RETENTION_DAYS as number,
    sessionRetentionDays: values.SESSION_RETENTION_DAYS as number,
    metricsPort: values.METRICS_PORT as number | undefined,
    metricsHost: values.METRICS_HOST as string,
    signatureToleranceSeconds: values.SIGNATURE_TOLERANCE_SECONDS as number,
    logLevel: values.LOG_LEVEL as string,
    shutdownDrainSeconds: values.SHUTDOWN_DRAIN_SECONDS as number,
    shutdownTimeoutSeconds: values.SHUTDOWN_TIMEOUT_SECONDS as number,
    maxConnections: values.MAX_CONNECTIONS as number,
    overloadEventLoopDelayMs: values.OVERLOAD_EVENT_LOOP_DELAY_MS as number,
    overloadRetryAfterSeconds: values.OVERLOAD_RETRY_AFTER_SECONDS as number,
  };
}
