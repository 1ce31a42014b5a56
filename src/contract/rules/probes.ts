/**
 * Every probe the contract tester sends, for the rule inventory: the documented cases,
 * the generated checks at a small budget and a fixed seed (their kinds do not depend on
 * either), the boundary probes and the path variants, for every operation of the bundle.
 */
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { boundaryProbes } from "../boundaries/index.js";
import { allOperations } from "../bundle.js";
import { positiveProbes, negativeProbes } from "../checks/data.js";
import { documentedProbes } from "../checks/documented.js";
import { ignoredAuthProbes } from "../checks/ignored-auth.js";
import { pathVariantProbes, unknownPathProbes, unsupportedMethodProbes } from "../checks/routing.js";
import { statefulProbes } from "../checks/stateful.js";
import type { Credentials } from "../signed-requests.js";
import type { Probe } from "../types.js";
import { sentProbes, type SentProbe } from "./coverage.js";

/** The inventory's credentials: any will do, nothing is sent. */
export const inventoryCredentials: Credentials = { memberId: "demo", secret: "sandbox-secret", kyrenToken: "sandbox-token" };

/** Every probe of the contract tester (budget 8, seed 1). */
export function contractProbes(credentials: Credentials = inventoryCredentials): Probe[] {
  const context = { credentials, seed: 1, cases: 8 };
  return [
    ...documentedProbes(credentials),
    ...positiveProbes(context),
    ...negativeProbes(context),
    ...ignoredAuthProbes(context),
    ...statefulProbes(context),
    ...unsupportedMethodProbes(),
    ...unknownPathProbes(context),
    ...pathVariantProbes(),
    ...boundaryProbes({ credentials, toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, operations: allOperations }),
  ];
}

/**
 * Every probe of both testers as the inventory sees them: the contract tester's and the
 * certification kit's, which the kit hands in (this folder does not import the kit).
 */
export function inventoryProbes(certifyProbes: readonly Probe[]): SentProbe[] {
  return [...sentProbes(contractProbes(), "contract"), ...sentProbes(certifyProbes, "certify")];
}
