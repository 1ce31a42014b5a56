/**
 * openapi-diff (Atlassian, npm `openapi-diff`), the maintained diff tool the gate is built
 * on (why this tool: `gate.ts`). It compares the sets of bodies that each
 * request and response schema allows (json-schema-diff: `type`, `properties`, `required`,
 * `additionalProperties`, `allOf`/`oneOf`/`anyOf`, lengths, ranges and item counts),
 * operations and documented statuses, and labels each difference breaking or not for a
 * client of the API.
 *
 * Two corrections make its findings follow the versioning policy:
 * - For an operation that operators implement (the callback, `x-implemented-by: operator`)
 *   partners are the server, so its body findings are mirrored: a request that now allows
 *   more bodies breaks receivers, a response that allows fewer breaks them.
 * - Findings the gate's own checks report with the policy applied (added or removed
 *   operations and statuses, root extensions such as `x-max-request-body-bytes`) are
 *   shown once, as the gate's; a finding of the tool that the gate did not report is kept.
 */
import openapiDiff, { type DiffOutcome, type DiffResult, type DiffResultType } from "openapi-diff";
import type { OpenApiDocument } from "../shared/spec-document.js";
import { escapePointerToken, pointerOf, type ChangeList, type Classification } from "./changes.js";
import { operationsOf, type OperationRef } from "./operation-diff.js";
import { resolve, type Located } from "./schema-diff.js";

/** What each openapi-diff code means, said for partners. */
const meaning: Record<string, string> = {
  "request.body.scope.add": "the request body schema now allows bodies the released one refused",
  "request.body.scope.remove": "the request body schema now refuses bodies the released one allowed",
  "response.body.scope.add": "the response body schema now allows bodies the released one did not",
  "response.body.scope.remove": "the response body schema no longer allows some bodies the released one did",
  "response.optional.header.add": "new optional response header",
  "response.optional.header.remove": "optional response header removed",
  "response.required.header.add": "new required response header",
  "response.required.header.remove": "required response header removed",
};

/** Codes of findings that the gate's own checks also report, with the policy applied. */
const alsoReportedByTheGate = /^(path|method|response\.status-code|unclassified)\./;

/**
 * Splits openapi-diff's dotted location (`paths./api/session.post.responses.200…`) on the
 * operation it names, and gives the JSON pointer of the place (`literal`) and of the
 * component it resolves to (`resolved`, following `$ref`s on the way), so that a schema
 * that many responses share is reported once.
 */
function locate(
  location: string,
  operations: OperationRef[],
  doc: OpenApiDocument,
): { operation?: OperationRef; literal: string; resolved: string; part: string } {
  const operation = operations.find(
    (candidate) =>
      location === `paths.${candidate.path}.${candidate.method}` || location.startsWith(`paths.${candidate.path}.${candidate.method}.`),
  );
  const path =
    operation?.path ??
    operations
      .map((candidate) => candidate.path)
      .find((candidate) => location === `paths.${candidate}` || location.startsWith(`paths.${candidate}.`));
  const tokens =
    path === undefined ? location.split(".") : ["paths", path, ...location.slice(`paths.${path}.`.length).split(".").filter(Boolean)];
  const rest = operation ? tokens.slice(3) : [];
  const part = rest[0] === "requestBody" ? "request" : rest[0] === "responses" && rest[1] ? `response ${rest[1]}` : "";
  let resolved: Located = { node: doc, pointer: "#" };
  for (const token of tokens) {
    const next = resolve(doc, { node: resolved.node?.[token], pointer: `${resolved.pointer}/${escapePointerToken(token)}` });
    if (next.node === undefined) break;
    resolved = next;
  }
  return { operation, literal: pointerOf(tokens), resolved: resolved.pointer, part };
}

/**
 * Runs openapi-diff on the two bundles and adds its findings to `changes`, after the
 * gate's own checks have run (so that what they report is not repeated).
 *
 * @throws Error naming the bundle when openapi-diff cannot read or validate it
 */
export async function addToolChanges(baseline: OpenApiDocument, current: OpenApiDocument, changes: ChangeList): Promise<void> {
  let outcome: DiffOutcome;
  try {
    outcome = await openapiDiff.diffSpecs({
      sourceSpec: { content: JSON.stringify(baseline), location: "baseline", format: "openapi3" },
      destinationSpec: { content: JSON.stringify(current), location: "current", format: "openapi3" },
    });
  } catch (error) {
    throw new Error(`openapi-diff could not compare the bundles: ${(error as Error).message}`);
  }
  const operations = [...operationsOf(baseline).values(), ...operationsOf(current).values()];
  const reportedByGate = changes.all().map((change) => change.pointer);
  const differences: Array<DiffResult<DiffResultType>> = [
    ...(outcome.breakingDifferencesFound ? outcome.breakingDifferences : []),
    ...outcome.nonBreakingDifferences,
    ...outcome.unclassifiedDifferences,
  ];
  for (const difference of differences) {
    const location = (difference.destinationSpecEntityDetails[0] ?? difference.sourceSpecEntityDetails[0])?.location ?? "";
    const { operation, literal, resolved, part } = locate(
      location,
      operations,
      difference.destinationSpecEntityDetails.length > 0 ? current : baseline,
    );
    if (alsoReportedByTheGate.test(difference.code) && reportedByGate.some((other) => other === literal || other.startsWith(`${literal}/`)))
      continue;
    const pointer = /^(request|response)\.body\./.test(difference.code) ? resolved : literal;
    if (difference.code.startsWith("unclassified.")) {
      // Root extensions (x-tagGroups, x-generated…): documentation, not part of any message.
      changes.add({
        classification: "compatible",
        rule: "unclassified",
        pointer,
        message: `document extension ${location} changed: not part of any message`,
        source: "openapi-diff",
      });
      continue;
    }
    let classification: Classification = difference.type === "breaking" || difference.type === "unclassified" ? "breaking" : "compatible";
    let message = meaning[difference.code] ?? difference.code;
    const mirrored = operation?.requestRole === "received" && /^(request|response)\./.test(difference.code);
    if (mirrored) {
      classification = classification === "breaking" ? "compatible" : "breaking";
      message += "; operators implement this operation, so it is classified for them";
    }
    changes.add(
      { classification, rule: difference.code, pointer, message, source: "openapi-diff" },
      operation ? { operation: operation.label, part } : undefined,
    );
  }
}
