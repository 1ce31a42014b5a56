/**
 * What the generated checks are built from: the partner's credentials, the run's seed,
 * the budget and what a local run can inspect.
 */
import type { OperationFacts } from "../../shared/spec-types.js";
import { allOperations } from "../bundle.js";
import type { StoreInspector } from "../local-target.js";
import type { Credentials } from "../signed-requests.js";

/** The inputs of the generated checks. */
export interface GenerationContext {
  credentials: Credentials;
  /** The run's seed (`CONTRACT_SEED`): the same seed draws the same bodies (uuids and timestamps excepted). */
  seed: number;
  /** Generated requests per operation and check (`CONTRACT_CASES`); stateful sequences get a tenth, at least one. */
  cases: number;
  /** The local provider's store, when the provider is local. */
  inspector?: StoreInspector;
}

/** The operations whose requests the generated checks send: every operation with a JSON request body. */
export function generatedOperations(): OperationFacts[] {
  return allOperations.filter((operation) => operation.method === "post");
}

/** The number of stateful sequences per operation for a budget: a tenth, at least one. */
export const sequencesFor = (cases: number) => Math.max(1, Math.ceil(cases / 10));
