/**
 * The configuration of a contract run from the environment, beyond the targets
 * (`target.ts`: CONTRACT_BASE_URL, CONTRACT_MEMBER_ID, CONTRACT_SECRET,
 * CONTRACT_KYREN_TOKEN, CONTRACT_OPERATOR_URL):
 *
 *   CONTRACT_SEED        integer seed of the generated requests; default: random, printed
 *                        at the start so that the run can be repeated
 *   CONTRACT_CASES       generated requests per operation and check (default 100;
 *                        stateful sequences and unknown paths get a tenth, at least one)
 *   CONTRACT_REPORT_DIR  where report.html and junit.xml go (default test-results/contract)
 *   CONTRACT_CHECKS      comma-separated checks to run (default: all; see `checkGroups`);
 *                        every answer is held to the answer checks whatever is selected
 *   CONTRACT_TOLERANCE_SECONDS  the freshness tolerance of the targets (default 300, the
 *                        spec's default; "unless agreed otherwise"), seconds
 */
import { randomInt } from "node:crypto";
import { join } from "node:path";
import { repoRoot } from "../spec-document.js";
import { DEFAULT_TOLERANCE_SECONDS } from "./boundaries/context.js";

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

/** A contract run's configuration. */
export interface ContractConfig {
  seed: number;
  cases: number;
  reportDir: string;
  checks: Set<CheckGroup>;
  /** The targets' freshness tolerance, seconds. */
  toleranceSeconds: number;
}

/** The default budget of the CLI: generated requests per operation and check. */
export const DEFAULT_CASES = 100;

/**
 * Reads the configuration.
 *
 * @throws Error naming the variable when a value is not valid (not an integer, not a known check)
 */
export function contractConfig(env: NodeJS.ProcessEnv = process.env): ContractConfig {
  const integer = (name: string, fallback: number, min: number) => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    if (!/^-?\d+$/.test(text.trim()) || Number(text) < min || !Number.isSafeInteger(Number(text))) throw new Error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(text)}`);
    return Number(text);
  };
  const selected = (env.CONTRACT_CHECKS ?? "").split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = selected.filter((name) => !(checkGroups as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`CONTRACT_CHECKS names unknown checks: ${unknown.join(", ")} (known: ${checkGroups.join(", ")})`);
  return {
    seed: integer("CONTRACT_SEED", randomInt(0, 2 ** 31 - 1), -(2 ** 31)),
    cases: integer("CONTRACT_CASES", DEFAULT_CASES, 0),
    reportDir: env.CONTRACT_REPORT_DIR || join(repoRoot, "test-results/contract"),
    checks: new Set(selected.length ? (selected as CheckGroup[]) : checkGroups),
    toleranceSeconds: integer("CONTRACT_TOLERANCE_SECONDS", DEFAULT_TOLERANCE_SECONDS, 1),
  };
}
