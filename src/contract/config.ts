/**
 * The configuration of a contract run: its environment variables, defined once in
 * `contractEnv` (src/shared/env.ts), which gives the defaults, the bounds and the table in
 * docs/operations.md (`npm run docs:tables`). The targets and credentials among them are
 * read by `target.ts`; the rest here.
 */
import { randomInt } from "node:crypto";
import { join } from "node:path";
import { repoRoot } from "../shared/spec-document.js";
import { allowedValues, type EnvValues, InvalidEnvError, readEnv } from "../shared/env.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";

/** The checks that can be selected with CONTRACT_CHECKS, in the order they run. */
export const checkGroups = [
  "dredd",
  "documented_responses",
  "positive_data_acceptance",
  "negative_data_rejection",
  "ignored_auth",
  "stateful_sequences",
  "unsupported_method",
  "unknown_path",
  "freshness_tolerance",
  "credential_variants",
  "order_of_checks",
  "boundary_values",
  "media_types",
  "serialisation_variants",
] as const;

/** A check that CONTRACT_CHECKS can select. */
export type CheckGroup = (typeof checkGroups)[number];

/** The default budget of the CLI: generated requests per operation and check. */
export const DEFAULT_CASES = 100;

/** Where the reports go when CONTRACT_REPORT_DIR is unset, relative to the repository. */
const DEFAULT_REPORT_DIR = "test-results/contract";

const url = { type: "string", format: "uri", pattern: "^https?://" } as const;

/** The contract tester's environment variables, in the order of the docs table. */
export const contractEnv = {
  type: "object",
  properties: {
    CONTRACT_BASE_URL: {
      ...url,
      description: "the provider to test (ENTER, V4 close, Kyren); unset: the reference server, started in-process",
    },
    CONTRACT_OPERATOR_URL: {
      ...url,
      description: "the operator receiver to test (session expired); unset: the example receiver, in-process, trusting the partner below",
    },
    CONTRACT_MEMBER_ID: {
      type: "string",
      description: "the test partner's `MEMB_ID` (required with a remote target; a local run uses the sandbox partner)",
    },
    CONTRACT_SECRET: { type: "string", description: "that partner's secret (required with a remote target)" },
    CONTRACT_KYREN_TOKEN: { type: "string", description: "that partner's Kyren token (required with a remote provider)" },
    CONTRACT_SEED: {
      type: "integer",
      minimum: -(2 ** 31),
      maximum: 2 ** 31 - 1,
      description: "seed of the generated requests; unset: random, printed at the start (the same seed draws the same bodies again)",
    },
    CONTRACT_CASES: {
      type: "integer",
      minimum: 0,
      default: DEFAULT_CASES,
      description: "generated requests per operation and check (stateful sequences, unknown paths: a tenth, at least one)",
    },
    CONTRACT_REPORT_DIR: {
      type: "string",
      minLength: 1,
      default: DEFAULT_REPORT_DIR,
      description: "where `report.html` and `junit.xml` go",
    },
    CONTRACT_CHECKS: {
      type: "string",
      description: `comma-separated checks to run; unset: all: ${checkGroups.join(", ")}`,
    },
    CONTRACT_TOLERANCE_SECONDS: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_TOLERANCE_SECONDS,
      description: "the targets' freshness tolerance, seconds (the spec's default, \"unless agreed otherwise\")",
    },
  },
} as const;

/** A contract run's configuration. */
export interface ContractConfig {
  seed: number;
  cases: number;
  reportDir: string;
  checks: Set<CheckGroup>;
  /** The targets' freshness tolerance, seconds. */
  toleranceSeconds: number;
}

/**
 * Reads the configuration.
 *
 * @throws Error naming the variable when a value is not valid, e.g.
 *   `CONTRACT_CASES must be an integer of at least 0, not "many"`, or a check that is not known
 */
export function contractConfig(env: NodeJS.ProcessEnv = process.env): ContractConfig {
  let values: EnvValues<typeof contractEnv>;
  try {
    values = readEnv(contractEnv, env);
  } catch (error) {
    if (!(error instanceof InvalidEnvError)) throw error;
    const lines = error.problems.map(({ name, variable, raw }) => `${name} must be ${allowedValues(variable)}, not ${JSON.stringify(raw)}`);
    throw new Error(lines.join("; "));
  }
  const selected = (values.contractChecks ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = selected.filter((name) => !(checkGroups as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`CONTRACT_CHECKS names unknown checks: ${unknown.join(", ")} (known: ${checkGroups.join(", ")})`);
  return {
    seed: values.contractSeed ?? randomInt(0, 2 ** 31 - 1),
    cases: values.contractCases,
    // The default is the repository's folder wherever the run starts; a given folder is taken as given.
    reportDir: env.CONTRACT_REPORT_DIR ? values.contractReportDir : join(repoRoot, DEFAULT_REPORT_DIR),
    checks: new Set(selected.length ? (selected as CheckGroup[]) : checkGroups),
    toleranceSeconds: values.contractToleranceSeconds,
  };
}
