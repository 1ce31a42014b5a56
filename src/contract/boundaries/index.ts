/**
 * The boundary probes, by check: fixed probes (no budget, no seed) at the edges of every
 * rule the spec states, for the operations of a context, on both sides of the contract.
 * The contract tester runs them against providers and operators; the certification kit
 * runs those of the operator's operations (`src/certify/checks.ts`).
 */
import type { Probe } from "../types.js";
import type { BoundaryContext } from "./context.js";
import { credentialProbes } from "./credentials.js";
import { freshnessProbes } from "./freshness.js";
import { mediaTypeProbes } from "./media-types.js";
import { orderOfChecksProbes } from "./order-of-checks.js";
import { sequenceProbes } from "./sequences.js";
import { serialisationProbes } from "./serialisation.js";
import { boundaryValueProbes } from "./values.js";

export type { BoundaryContext } from "./context.js";

/** The builders of the boundary checks (the fixed stateful sequences run with `stateful_sequences`). */
export const boundaryBuilders = {
  freshness_tolerance: freshnessProbes,
  credential_variants: credentialProbes,
  order_of_checks: orderOfChecksProbes,
  boundary_values: boundaryValueProbes,
  media_types: mediaTypeProbes,
  serialisation_variants: serialisationProbes,
  stateful_sequences: sequenceProbes,
} as const satisfies Record<string, (context: BoundaryContext) => Probe[]>;

/** A check with boundary probes. */
export type BoundaryCheck = keyof typeof boundaryBuilders;

/** Every boundary probe of the given checks (default: all), for the context's operations. */
export function boundaryProbes(
  context: BoundaryContext,
  checks: readonly BoundaryCheck[] = Object.keys(boundaryBuilders) as BoundaryCheck[],
): Probe[] {
  return checks.flatMap((check) => boundaryBuilders[check](context));
}
