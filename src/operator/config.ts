/**
 * Configuration of the example receiver (`npm run operator`, main.ts): its environment
 * variables, defined once in `operatorEnv` (src/shared/env.ts), which gives the defaults,
 * the bounds, the types and the table in docs/operations.md (`npm run docs:tables`).
 */
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { allowedValues, type EnvValues, InvalidEnvError, readEnv } from "../shared/env.js";

/** The receiver's environment variables, in the order of the docs table. */
export const operatorEnv = {
  type: "object",
  properties: {
    HOST: { type: "string", minLength: 1, default: "127.0.0.1", description: "interface to listen on" },
    PORT: { type: "integer", minimum: 0, maximum: 65535, default: 3100, description: "TCP port (0 picks a free one)" },
    PARTNERS_FILE: {
      type: "string",
      minLength: 1,
      description: "the partners it trusts, in the server's format, re-read on SIGHUP; unset: the sandbox partner",
    },
    SIGNATURE_TOLERANCE_SECONDS: {
      type: "integer",
      minimum: 1,
      maximum: 86400,
      default: DEFAULT_TOLERANCE_SECONDS,
      description: "largest distance of a callback's `timestamp` from the receiver's clock (401 `G.04` beyond)",
    },
    LOG_LEVEL: {
      type: "string",
      enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"],
      default: "info",
      description: "pino log level",
    },
  },
} as const;

/** The receiver's configuration, by camel-case name. */
export type OperatorConfig = EnvValues<typeof operatorEnv>;

/**
 * Reads the configuration from `env`.
 *
 * @throws Error naming each invalid variable with what it accepts and what it got, e.g.
 *   `PORT must be a whole number from 0 to 65535, not abc`
 */
export function operatorConfig(env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  try {
    return readEnv(operatorEnv, env);
  } catch (error) {
    if (!(error instanceof InvalidEnvError)) throw error;
    const lines = error.problems.map((problem) => `${problem.name} must be ${allowedValues(problem.variable)}, not ${problem.raw}`);
    throw new Error(lines.join("; "));
  }
}
