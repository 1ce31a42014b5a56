/**
 * Configuration of the reference server, from environment variables, validated by a
 * JSON schema. A bad value stops start-up with a message that names the variable.
 *
 * | Variable | Default | Meaning |
 * |---|---|---|
 * | HOST | 127.0.0.1 | interface to listen on |
 * | PORT | 3000 | TCP port (0 picks a free one) |
 * | DATABASE_URL | ./data/sessions.db | SQLite file path or `file:` URL |
 * | SQLITE_SYNCHRONOUS | NORMAL | NORMAL (survives a process crash) or FULL (also a power failure, slower) |
 * | PARTNERS_FILE | (sandbox partner) | YAML or JSON file of partners, see partners-file.ts |
 * | GAME_BASE_URL | https://games.luckymonaco.example | base of the launch URLs |
 * | LAUNCH_TOKEN_SECRET | (sandbox: a file next to the database) | at least 32 characters; keys the launch tokens |
 * | PROVIDER_ID | luckymonaco | `providerId` sent in session expired callbacks |
 * | SESSION_IDLE_TIMEOUT_SECONDS | 1800 | a session with no activity for this long expires |
 * | EXPIRY_SWEEP_SECONDS | 30 | how often expiry and callback delivery run |
 * | SIGNATURE_TOLERANCE_SECONDS | 300 | largest distance of a request's `timestamp` from the server's clock (401 `G.04` beyond) |
 * | LOG_LEVEL | info | pino level |
 */
import { createAjv } from "../ajv.js";

/** The validated configuration. */
export interface ServerConfig {
  host: string;
  port: number;
  databaseUrl: string;
  sqliteSynchronous: "NORMAL" | "FULL";
  partnersFile: string | undefined;
  gameBaseUrl: string;
  launchTokenSecret: string | undefined;
  providerId: string;
  sessionIdleTimeoutSeconds: number;
  expirySweepSeconds: number;
  /** Freshness tolerance of `timestamp`, seconds (spec: `Timestamp`, catalog `G.04`). */
  signatureToleranceSeconds: number;
  logLevel: string;
}

const schema = {
  type: "object",
  properties: {
    HOST: { type: "string", minLength: 1, default: "127.0.0.1" },
    PORT: { type: "integer", minimum: 0, maximum: 65535, default: 3000 },
    DATABASE_URL: { type: "string", minLength: 1, default: "./data/sessions.db" },
    SQLITE_SYNCHRONOUS: { type: "string", enum: ["NORMAL", "FULL"], default: "NORMAL" },
    PARTNERS_FILE: { type: "string", minLength: 1 },
    GAME_BASE_URL: { type: "string", format: "uri", pattern: "^https?://", default: "https://games.luckymonaco.example" },
    LAUNCH_TOKEN_SECRET: { type: "string", minLength: 32 },
    PROVIDER_ID: { type: "string", minLength: 1, maxLength: 64, default: "luckymonaco" },
    SESSION_IDLE_TIMEOUT_SECONDS: { type: "number", exclusiveMinimum: 0, default: 1800 },
    EXPIRY_SWEEP_SECONDS: { type: "number", exclusiveMinimum: 0, default: 30 },
    SIGNATURE_TOLERANCE_SECONDS: { type: "integer", minimum: 1, maximum: 86400, default: 300 },
    LOG_LEVEL: { type: "string", enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"], default: "info" },
  },
} as const;

const validate = createAjv({ coerceTypes: true, useDefaults: true, allErrors: true }).compile(schema);

/**
 * Reads the configuration from `env`.
 *
 * @throws Error listing every invalid variable, e.g. "PORT must be <= 65535"
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const names = Object.keys(schema.properties);
  const values: Record<string, unknown> = Object.fromEntries(names.filter((name) => env[name] !== undefined && env[name] !== "").map((name) => [name, env[name]]));
  if (!validate(values)) {
    const problems = validate.errors!.map((error) => `${error.instancePath.slice(1)} ${error.message}`);
    throw new Error(`invalid configuration: ${problems.join("; ")}`);
  }
  return {
    host: values.HOST as string,
    port: values.PORT as number,
    databaseUrl: values.DATABASE_URL as string,
    sqliteSynchronous: values.SQLITE_SYNCHRONOUS as "NORMAL" | "FULL",
    partnersFile: values.PARTNERS_FILE as string | undefined,
    gameBaseUrl: values.GAME_BASE_URL as string,
    launchTokenSecret: values.LAUNCH_TOKEN_SECRET as string | undefined,
    providerId: values.PROVIDER_ID as string,
    sessionIdleTimeoutSeconds: values.SESSION_IDLE_TIMEOUT_SECONDS as number,
    expirySweepSeconds: values.EXPIRY_SWEEP_SECONDS as number,
    signatureToleranceSeconds: values.SIGNATURE_TOLERANCE_SECONDS as number,
    logLevel: values.LOG_LEVEL as string,
  };
}
