/**
 * The data checks (Schemathesis' positive_data_acceptance and negative_data_rejection):
 * valid bodies drawn from each request schema must be accepted with a 2xx, or refused
 * with the catalog code the schema documents for a value it allows (`x-refused-values`);
 * invalid ones must be refused with 400 `V.02` (`V.01` when the body is not a JSON
 * object) in the operation's envelope. Every request is correctly signed and carries the
 * current `timestamp` and a fresh `uuid`.
 */
import fc from "fast-check";
import { errorCatalog } from "../../../generated/error-catalog.js";
import { refusalOf, refusals, withRoles } from "../generate/body-roles.js";
import { invalidBody } from "../generate/invalid-bodies.js";
import { bodyArbitrary, derivedSeed, validBodies } from "../generate/request-bodies.js";
import type { Probe } from "../types.js";
import { signed, signedRaw } from "../signed-requests.js";
import { generatedOperations, type GenerationContext } from "./context.js";

/** positive_data_acceptance: `cases` valid bodies per operation. */
export function positiveProbes(context: GenerationContext): Probe[] {
  return generatedOperations().flatMap((operation) => {
    const refused = refusals(operation);
    return validBodies(operation, context.credentials, context.cases, derivedSeed(context.seed, "positive", operation.operationId)).map(
      (body, index): Probe => {
        const refusal = refusalOf(body, refused);
        return {
          check: "positive_data_acceptance",
          kind: refusal ? "data/refused-value" : "data/valid",
          subject: operation.operationId,
          title: refusal
            ? `valid body #${index + 1} with ${refusal.pointer} ${JSON.stringify(refusal.value)}: documented refusal ${refusal.code}`
            : `valid body #${index + 1}`,
          steps: [
            {
              side: operation.implementedBy,
              operationId: operation.operationId,
              request: signed(operation, body, context.credentials),
              expect: refusal ? { status: errorCatalog[refusal.code].status, code: refusal.code } : { status: "2xx" },
            },
          ],
        };
      },
    );
  });
}

/** negative_data_rejection: `cases` invalid bodies per operation, each a valid one with one defect. */
export function negativeProbes(context: GenerationContext): Probe[] {
  return generatedOperations().flatMap((operation) => {
    const draws = fc.sample(fc.tuple(bodyArbitrary(operation), fc.nat()), {
      seed: derivedSeed(context.seed, "negative", operation.operationId),
      numRuns: Math.max(context.cases, 1),
    });
    return draws.slice(0, context.cases).map(([drawn, pick], index): Probe => {
      const invalid = invalidBody(operation, withRoles(operation, drawn, context.credentials), pick);
      const request =
        invalid.raw !== undefined
          ? signedRaw(operation, invalid.raw, context.credentials)
          : signed(operation, invalid.body!, context.credentials);
      return {
        check: "negative_data_rejection",
        kind: invalid.raw !== undefined ? "data/not-an-object" : "data/invalid",
        subject: operation.operationId,
        title: `invalid body #${index + 1}: ${invalid.what}`,
        steps: [
          {
            side: operation.implementedBy,
            operationId: operation.operationId,
            request,
            expect: { status: errorCatalog[invalid.code].status, code: invalid.code },
          },
        ],
      };
    });
  });
}
