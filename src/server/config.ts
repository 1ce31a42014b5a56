/**
 * Configuration of the reference server: its environment variables, defined once in
 * `serverEnv` (a JSON Schema read by env-schema, src/shared/env.ts). That definition
 * gives the defaults, the bounds, the type `ServerConfig` and the table in
 * docs/operations.md, "Configuration" (`npm run docs:tables`). A bad value stops
 * start-up with one line naming every invalid variable.
 *
 * `DATABASE_URL` picks the store (src/store/open-store.ts): a file path, a `file:` URL or
 * `:memory:` is SQLite; `postgres://…` (or `postgresql://`) is PostgreSQL; any other
 * scheme stops start-up naming it. The password never appears in a log line or an error.
 *
 * The launch-token secret does not depend on the database (launch-secret.ts): on
 * PostgreSQL the server refuses to start without `LAUNCH_TOKEN_SECRET`, unless
 * `LAUNCH_TOKEN_SECRET_FILE` is set explicitly to a file every instance shares.
 */
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { type EnvValues, InvalidEnvError, readEnv } from "../shared/env.js";
import { defaultDatabaseUrl } from "../store/database-url.js";
import { defaultRetrySchedule, parseRetrySchedule } from "./delivery/retry-policy.js";

/** Where the sandbox keeps its generated launch-token secret when LAUNCH_TOKEN_SECRET_FILE is not set. */
export const defaultLaunchTokenSecretFile = "./data/launch-token.secret";

/** The reference server's environment variables, in the order of the docs table. */
export const serverEnv = {
  type: "object",
  properties: {
    HOST: { type: "string", minLength: 1, default: "127.0.0.1", description: "interface to listen on" },
    PORT: {
      type: "integer",
      minimum: 0,
      maximum: 65535,
      default: 3000,
      description: "TCP port of the API and the docs (0 picks a free one)",
    },
    DATABASE_URL: {
      type: "string",
      minLength: 1,
      default: defaultDatabaseUrl,
      description: "the store: a file path, a `file:` URL or `:memory:` is SQLite; `postgres://…` is PostgreSQL (see Storage)",
    },
    DATABASE_POOL_SIZE: {
      type: "integer",
      minimum: 1,
      maximum: 1000,
      default: 10,
      description: "PostgreSQL only: connections per instance",
    },
    SQLITE_SYNCHRONOUS: {
      type: "string",
      enum: ["NORMAL", "FULL"],
      default: "NORMAL",
      description: "SQLite only: `NORMAL` survives a crash of the process, `FULL` a power failure too, at a cost per commit",
    },
    PARTNERS_FILE: {
      type: "string",
      minLength: 1,
      description: "YAML or JSON file of partners (`src/partners/partners-file.ts`), re-read on SIGHUP; unset: the sandbox partner",
    },
    SANDBOX_CALLBACK_URL: {
      type: "string",
      format: "uri",
      pattern: "^https?://",
      description:
        "without `PARTNERS_FILE` only: the sandbox partner's callback base URL, so that its sessions' session expired callbacks go to `<url>/V4/sessionexpired`, signed with `sandbox-secret`; unset: the sandbox sends none",
    },
    GAME_BASE_URL: {
      type: "string",
      format: "uri",
      pattern: "^https?://",
      default: "https://games.luckymonaco.example",
      description: "base of the launch URLs: `GAME_BASE_URL/index.html?token=…`",
    },
    LAUNCH_TOKEN_SECRET: {
      type: "string",
      minLength: 32,
      description: "keys the launch tokens; every instance needs the same (required on PostgreSQL, see below)",
    },
    LAUNCH_TOKEN_SECRET_FILE: {
      type: "string",
      minLength: 1,
      description: `without \`LAUNCH_TOKEN_SECRET\`: a file holding it, made if missing; unset: \`${defaultLaunchTokenSecretFile}\``,
    },
    PROVIDER_ID: {
      type: "string",
      minLength: 1,
      maxLength: 64,
      default: "luckymonaco",
      description: "`providerId` of the session expired callbacks",
    },
    SESSION_IDLE_TIMEOUT_SECONDS: {
      type: "number",
      exclusiveMinimum: 0,
      default: 1800,
      description: "a session with no activity for this long expires (counted from ENTER or close)",
    },
    // At most a day: a timer of more than 2^31 - 1 ms fires at once, in a loop.
    EXPIRY_SWEEP_SECONDS: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 86400,
      default: 30,
      description: "how often the background jobs run (expiry, then retention), each in short batches",
    },
    BACKGROUND_WARM_UP_SECONDS: {
      type: "integer",
      minimum: 0,
      maximum: 600,
      default: 10,
      description:
        "after start, background work (expiry, retention, the callbacks' pace) rises from a tenth of its pace to all of it over this long, so that requests come first while the new process warms; `0`: all of it at once",
    },
    CALLBACK_RETRY_SCHEDULE: {
      type: "string",
      default: defaultRetrySchedule.join(","),
      description: "pauses between callback attempts, comma-separated seconds (each at most 7 days, ±20 % jitter)",
    },
    CALLBACK_TIMEOUT_MS: {
      type: "integer",
      minimum: 100,
      maximum: 120_000,
      default: 5000,
      description: "hard deadline of one callback attempt (connect, send, answer), milliseconds",
    },
    CALLBACK_CONCURRENCY: {
      type: "integer",
      minimum: 1,
      maximum: 4096,
      default: 256,
      description: "most callback attempts at once per instance, shared fairly by the partners",
    },
    CALLBACK_MAX_PER_SECOND: {
      type: "integer",
      minimum: 0,
      maximum: 100_000,
      default: 1000,
      description:
        "most callback attempts started a second per instance, so that a backlog leaves the CPU to requests; `0`: as fast as the receivers answer",
    },
    CALLBACK_PARTNER_CONCURRENCY: {
      type: "integer",
      minimum: 1,
      maximum: 4096,
      default: 64,
      description: "ceiling of each partner's adaptive limit per instance (≤ `CALLBACK_CONCURRENCY`): the most connections to a receiver",
    },
    CALLBACK_ADAPTIVE_CONCURRENCY: {
      type: "boolean",
      default: true,
      description: "`false`: every partner's limit is `CALLBACK_PARTNER_CONCURRENCY`, fixed",
    },
    CALLBACK_BREAKER_THRESHOLD: {
      type: "integer",
      minimum: 1,
      maximum: 1000,
      default: 5,
      description: "failed attempts in a row that open a partner's circuit breaker",
    },
    CALLBACK_BREAKER_COOLDOWN_SECONDS: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 3600,
      default: 5,
      description: "how long an open breaker waits before one probe",
    },
    CALLBACK_LEASE_MARGIN_SECONDS: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 3600,
      default: 10,
      description: "a claimed callback's lease is `CALLBACK_TIMEOUT_MS` plus this: when another instance may take it over",
    },
    CALLBACK_RETENTION_DAYS: {
      type: "number",
      minimum: 0,
      maximum: 3650,
      default: 30,
      description: "a delivered callback is deleted this long after its delivery (0: kept forever)",
    },
    SESSION_RETENTION_DAYS: {
      type: "number",
      minimum: 0,
      maximum: 36500,
      default: 90,
      description: "an ended session is deleted this long after it ended, once the outbox holds no callback of it (0: never)",
    },
    METRICS_PORT: {
      type: "integer",
      minimum: 0,
      maximum: 65535,
      description: "serve `/metrics` on its own listener at this port; unset: see Metrics (its labels name partner ids)",
    },
    METRICS_HOST: {
      type: "string",
      minLength: 1,
      default: "127.0.0.1",
      description: "interface of the `/metrics` listener: keep it internal",
    },
    SIGNATURE_TOLERANCE_SECONDS: {
      type: "integer",
      minimum: 1,
      maximum: 86400,
      default: DEFAULT_TOLERANCE_SECONDS,
      description: "largest distance of a request's `timestamp` from the server's clock (401 `G.04` beyond)",
    },
    LOG_LEVEL: {
      type: "string",
      enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      default: "info",
      description: "pino log level",
    },
    SHUTDOWN_DRAIN_SECONDS: {
      type: "number",
      minimum: 0,
      maximum: 600,
      default: 5,
      description: "on SIGTERM, how long it serves on while `/health/ready` answers 503 (below `SHUTDOWN_TIMEOUT_SECONDS`)",
    },
    MAX_CONNECTIONS: {
      type: "integer",
      minimum: 10,
      maximum: 1_000_000,
      default: 4096,
      description: "most connections open at once; near it, idle ones are closed to make room",
    },
    OVERLOAD_EVENT_LOOP_DELAY_MS: {
      type: "integer",
      minimum: 0,
      maximum: 60_000,
      default: 1000,
      description: "while the event loop is further behind than this, new requests get 503 `G.08` at once (0: never)",
    },
    OVERLOAD_RETRY_AFTER_SECONDS: { type: "integer", minimum: 1, maximum: 3600, default: 2, description: "the `Retry-After` of that 503" },
    SHUTDOWN_TIMEOUT_SECONDS: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 3600,
      default: 25,
      description: "the longest a stop may take, drain included; then the process exits with status 1",
    },
    VALIDATE_RESPONSES: {
      type: "boolean",
      default: false,
      description:
        "`true`: every response body is validated against the spec before it is sent, a mismatch answered 500 `G.01` and logged (costs CPU per request; the tests always do it)",
    },
  },
} as const;

/** The validated configuration: each variable of `serverEnv` by its camel-case name, the retry schedule parsed. */
export type ServerConfig = Omit<EnvValues<typeof serverEnv>, "callbackRetrySchedule"> & {
  /** Pauses between callback attempts, seconds. */
  callbackRetrySchedule: number[];
};

/**
 * Reads the configuration from `env`.
 *
 * @throws Error `invalid configuration: …` listing every invalid variable with Ajv's
 *   message (e.g. `PORT must be <= 65535`), or naming the bad entry of
 *   CALLBACK_RETRY_SCHEDULE, or two variables that contradict each other
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let values: EnvValues<typeof serverEnv>;
  try {
    values = readEnv(serverEnv, env);
  } catch (error) {
    throw error instanceof InvalidEnvError ? new Error(`invalid configuration: ${error.message}`) : error;
  }
  let callbackRetrySchedule: number[];
  try {
    callbackRetrySchedule = parseRetrySchedule(values.callbackRetrySchedule);
  } catch (error) {
    throw new Error(`invalid configuration: ${(error as Error).message}`);
  }
  const { shutdownDrainSeconds: drain, shutdownTimeoutSeconds: timeout } = values;
  if (drain >= timeout) {
    throw new Error(`invalid configuration: SHUTDOWN_DRAIN_SECONDS (${drain}) must be < SHUTDOWN_TIMEOUT_SECONDS (${timeout})`);
  }
  const { callbackPartnerConcurrency: partner, callbackConcurrency: total } = values;
  if (partner > total) {
    throw new Error(`invalid configuration: CALLBACK_PARTNER_CONCURRENCY (${partner}) must be <= CALLBACK_CONCURRENCY (${total})`);
  }
  if (values.sandboxCallbackUrl !== undefined && values.partnersFile !== undefined) {
    throw new Error(
      "invalid configuration: SANDBOX_CALLBACK_URL is for the sandbox partner, without PARTNERS_FILE: give the partners in the file their callbackUrl instead",
    );
  }
  return { ...values, callbackRetrySchedule };
}
