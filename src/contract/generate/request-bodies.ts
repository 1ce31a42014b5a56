/**
 * Valid and invalid request bodies of an operation, drawn from its request schema in the
 * bundle with fast-check, reproducibly from a seed.
 *
 * Valid bodies honour every keyword of the schema (`schema-arbitrary.ts`) and get their
 * role fields right (`body-roles.ts`); each is checked with Ajv before use. Invalid bodies
 * are valid ones with one thing broken (`invalid-bodies.ts`), each checked to be invalid.
 */
import fc from "fast-check";
import type { OperationFacts } from "../../shared/spec-types.js";
import { requestSchema } from "../bundle.js";
import { validateRequestBody } from "../response-validator.js";
import type { Body, Credentials } from "../signed-requests.js";
import { withRoles } from "./body-roles.js";
import { schemaArbitrary } from "./schema-arbitrary.js";

const arbitraries = new Map<string, fc.Arbitrary<Body>>();

/** The arbitrary of an operation's request bodies, role fields not yet set. */
export function bodyArbitrary(operation: OperationFacts): fc.Arbitrary<Body> {
  let arbitrary = arbitraries.get(operation.operationId);
  if (!arbitrary) {
    arbitrary = schemaArbitrary(requestSchema(operation), `${operation.operationId} request`) as fc.Arbitrary<Body>;
    arbitraries.set(operation.operationId, arbitrary);
  }
  return arbitrary;
}

/** A seed for one check of one operation, derived from the run's seed (budgets of one check never shift another's values). */
export function derivedSeed(seed: number, ...names: string[]): number {
  let hash = seed | 0;
  for (const character of names.join("/")) hash = (Math.imul(hash ^ character.charCodeAt(0), 0x9e3779b1) + 0x7f4a7c15) | 0;
  return hash;
}

/** A body as a signer sees it for validation: role fields set, a placeholder body `hash` where the operation has one. */
function forValidation(operation: OperationFacts, body: Body): Body {
  return operation.bodyHash ? { ...body, hash: "0".repeat(32) } : body;
}

/**
 * Draws `count` valid bodies of `operation` with their role fields set.
 *
 * @throws Error when a drawn body breaks the schema (a generator bug), naming the violation
 */
export function validBodies(operation: OperationFacts, credentials: Credentials, count: number, seed: number): Body[] {
  if (count <= 0) return [];
  return fc.sample(bodyArbitrary(operation), { seed, numRuns: count }).map((drawn) => {
    const body = withRoles(operation, drawn, credentials);
    const violations = validateRequestBody(operation, forValidation(operation, body));
    if (violations.length > 0)
      throw new Error(
        `generator bug: a drawn ${operation.operationId} body breaks its schema (${violations[0]!.message}): ${JSON.stringify(body)}`,
      );
    return body;
  });
}

/** True when `body` (role fields set) is valid against the operation's request schema. */
export function isValidBody(operation: OperationFacts, body: unknown): boolean {
  return (
    validateRequestBody(
      operation,
      typeof body === "object" && body !== null && !Array.isArray(body) ? forValidation(operation, body as Body) : body,
    ).length === 0
  );
}
