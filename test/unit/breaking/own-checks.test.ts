// The breaking-change gate's own checks (src/breaking/), in-process and
// without openapi-diff: every case changes a copy of the bundle in one way and asserts how
// the change is classified by the versioning policy (openapi/docs/versioning.md). Cases are
// enumerated from the spec: every operation, documented status, response field, request
// field and enum. The full gate, with openapi-diff and the CLI: test/integration/breaking/.
import { describe, expect, it } from "vitest";
import type { Change, Classification } from "../../../src/breaking/changes.js";
import { ownChecks } from "../../../src/breaking/gate.js";
import type { OperationFacts } from "../../../src/codegen/spec.js";
import {
  addErrorStatus,
  addProperty,
  catalogSchema,
  copyOfBundle,
  isRequired,
  messageSchema,
  nodeAt,
  operationIn,
  minorReleaseLike,
  propertyNames,
  removeProperty,
  requireProperty,
  schemaNodesWith,
} from "../../support/contract-changes.js";
import { allOperations, bundledSpec } from "../../support/spec-views.js";

type Doc = ReturnType<typeof copyOfBundle>;

/** The changes the gate's own checks find after `change` is applied to a copy of the bundle. */
function changesAfter(change: (doc: Doc) => void): Change[] {
  const current = copyOfBundle();
  change(current);
  return ownChecks(copyOfBundle(), current).all();
}

const label = (operation: OperationFacts) => `${operation.operationId} (${operation.method.toUpperCase()} ${operation.path})`;
const pointerOfOperation = (operation: OperationFacts) =>
  `#/paths/${operation.path.replace(/~/g, "~0").replace(/\//g, "~1")}/${operation.method}`;
const met = (change: Change, operation: OperationFacts, part: string) =>
  change.usages.some((usage) => usage.operation === label(operation) && usage.part === part);
const classes = (changes: Change[]) => [...new Set(changes.map((change) => change.classification))];

const providerOperations = allOperations.filter((operation) => operation.implementedBy === "provider");
const callbackOperations = allOperations.filter((operation) => operation.implementedBy === "operator");

it("finds the operations of both directions it enumerates", () => {
  expect(providerOperations.length).toBeGreaterThan(0);
  expect(callbackOperations.length).toBeGreaterThan(0);
});

it("finds no change between the bundle and a copy of it", () => {
  expect(changesAfter(() => {})).toEqual([]);
});

it("leaves both documents as they were", () => {
  const [baseline, current] = [copyOfBundle(), copyOfBundle("2.0.0")];
  removeProperty(
    current,
    messageSchema(current, providerOperations[0]!, 200),
    propertyNames(current, messageSchema(current, providerOperations[0]!, 200))[0]!,
  );
  const [baselineBefore, currentBefore] = [structuredClone(baseline), structuredClone(current)];
  ownChecks(baseline, current);
  expect(baseline).toEqual(baselineBefore);
  expect(current).toEqual(currentBefore);
});

describe("operations and statuses", () => {
  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))("removing %s is breaking", (_id, operation) => {
    const changes = changesAfter((doc) => delete (doc.paths[operation.path] as any)[operation.method]);
    expect(changes).toEqual([
      expect.objectContaining({ classification: "breaking", rule: "operation-removed", pointer: pointerOfOperation(operation) }),
    ]);
  });

  it("a new operation is compatible", () => {
    const changes = changesAfter(
      (doc) => ((doc.paths as any)["/V4/newoperation"] = structuredClone(doc.paths[providerOperations[0]!.path])),
    );
    expect(changes.map((change) => [change.classification, change.rule])).toEqual([["compatible", "operation-added"]]);
  });

  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))(
    "renaming the operationId of %s is breaking",
    (_id, operation) => {
      const changes = changesAfter((doc) => (operationIn(doc, operation).operationId = `${operation.operationId}Renamed`));
      expect(changes).toEqual([expect.objectContaining({ classification: "breaking", rule: "operation-id-changed" })]);
    },
  );

  const statuses = allOperations.flatMap((operation) =>
    operation.statuses.map((status) => [operation.operationId, status, operation] as const),
  );
  it.each(statuses)("removing documented status %s %s is breaking", (_id, status, operation) => {
    const changes = changesAfter((doc) => delete operationIn(doc, operation).responses[String(status)]);
    expect(changes).toEqual([
      expect.objectContaining({
        classification: "breaking",
        rule: "status-removed",
        pointer: `${pointerOfOperation(operation)}/responses/${status}`,
      }),
    ]);
  });

  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))(
    "%s: a new error status in the operation's failure envelope is compatible; a new success status or another body is breaking",
    (_id, operation) => {
      const unavailable = changesAfter((doc) => addErrorStatus(doc, operation, 429));
      expect(unavailable).toEqual([
        expect.objectContaining({
          classification: "compatible",
          rule: "error-status-added",
          pointer: `${pointerOfOperation(operation)}/responses/429`,
        }),
      ]);
      const created = changesAfter(
        (doc) => (operationIn(doc, operation).responses["201"] = structuredClone(operationIn(doc, operation).responses["200"])),
      );
      expect(created).toEqual([expect.objectContaining({ classification: "breaking", rule: "status-added" })]);
      const otherBody = {
        description: "x",
        content: { "application/json": { schema: { type: "object", description: "Another shape." } } },
      };
      const unprocessable = changesAfter((doc) => (operationIn(doc, operation).responses["422"] = otherBody));
      expect(unprocessable).toEqual([expect.objectContaining({ classification: "breaking", rule: "status-added" })]);
    },
  );

  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))(
    "%s: answering a new catalog code is compatible, no longer answering one is breaking",
    (_id, operation) => {
      const added = changesAfter((doc) => operationIn(doc, operation)["x-error-codes"].push("G.99"));
      expect(added).toEqual([expect.objectContaining({ classification: "compatible", rule: "error-code-added" })]);
      const removed = changesAfter((doc) => operationIn(doc, operation)["x-error-codes"].shift());
      expect(removed).toEqual([expect.objectContaining({ classification: "breaking", rule: "error-code-removed" })]);
    },
  );
});

describe("calls partners make (the provider implements them)", () => {
  const responseFields = providerOperations.flatMap((operation) =>
    operation.statuses.flatMap((status) =>
      propertyNames(bundledSpec, messageSchema(bundledSpec, operation, status)).map(
        (name) => [operation.operationId, status, name, operation] as const,
      ),
    ),
  );
  it.each(responseFields)("removing response field %s %s `%s` is breaking", (_id, status, name, operation) => {
    const changes = changesAfter((doc) => removeProperty(doc, messageSchema(doc, operation, status), name));
    const removal = changes.find((change) => change.rule === "field-removed" && met(change, operation, `response ${status}`));
    expect(removal, JSON.stringify(changes, null, 1)).toMatchObject({
      classification: "breaking",
      message: expect.stringMatching(new RegExp(`\`${name}\`.*rely on receiving it`)),
    });
  });

  it.each(providerOperations.map((operation) => [operation.operationId, operation] as const))(
    "%s: a new field in the success response is breaking (responses are closed)",
    (_id, operation) => {
      const changes = changesAfter((doc) => addProperty(doc, messageSchema(doc, operation, 200), "addedField", { type: "string" }, false));
      expect(changes.find((change) => met(change, operation, "response 200"))).toMatchObject({
        classification: "breaking",
        rule: "field-added-to-closed-message",
      });
    },
  );

  it.each(providerOperations.map((operation) => [operation.operationId, operation] as const))(
    "%s: a new optional request field is compatible, a new required one breaking",
    (_id, operation) => {
      const optional = changesAfter((doc) =>
        addProperty(doc, messageSchema(doc, operation, "request"), "traceId", { type: "integer" }, false),
      );
      expect(optional).toEqual([
        expect.objectContaining({
          classification: "compatible",
          rule: "optional-field-added",
          usages: [{ operation: label(operation), part: "request" }],
        }),
      ]);
      const required = changesAfter((doc) =>
        addProperty(doc, messageSchema(doc, operation, "request"), "traceId", { type: "integer" }, true),
      );
      expect(required).toEqual([expect.objectContaining({ classification: "breaking", rule: "required-field-added" })]);
    },
  );

  const optionalRequestFields = providerOperations.flatMap((operation) => {
    const schema = messageSchema(bundledSpec, operation, "request");
    return propertyNames(bundledSpec, schema)
      .filter((name) => !isRequired(bundledSpec, schema, name))
      .map((name) => [operation.operationId, name, operation] as const);
  });
  it("finds optional request fields to make required", () => expect(optionalRequestFields.length).toBeGreaterThan(0));
  it.each(optionalRequestFields)("making request field %s `%s` required is breaking", (_id, name, operation) => {
    const changes = changesAfter((doc) => requireProperty(doc, messageSchema(doc, operation, "request"), name));
    expect(changes).toEqual([expect.objectContaining({ classification: "breaking", rule: "field-now-required" })]);
  });

  const signed = providerOperations.filter((operation) => operation.signedWithHash);
  it.each(signed.map((operation) => [operation.operationId, operation] as const))(
    "%s: a new required query parameter or a removed one is breaking, a new optional one compatible",
    (_id, operation) => {
      const parameter = (required: boolean) => ({ name: "traceId", in: "query", required, description: "x", schema: { type: "string" } });
      expect(classes(changesAfter((doc) => operationIn(doc, operation).parameters.push(parameter(true))))).toEqual(["breaking"]);
      expect(classes(changesAfter((doc) => operationIn(doc, operation).parameters.push(parameter(false))))).toEqual(["compatible"]);
      expect(changesAfter((doc) => operationIn(doc, operation).parameters.pop())).toEqual([
        expect.objectContaining({ classification: "breaking", rule: "parameter-removed" }),
      ]);
    },
  );
});

describe("the callback (operators implement it, so the directions turn round)", () => {
  it.each(callbackOperations.map((operation) => [operation.operationId, operation] as const))(
    "%s: a new request field, even required, is compatible (receivers ignore unknown fields)",
    (_id, operation) => {
      for (const required of [false, true]) {
        const changes = changesAfter((doc) =>
          addProperty(doc, messageSchema(doc, operation, "request"), "reason", { type: "string" }, required),
        );
        expect(changes).toEqual([expect.objectContaining({ classification: "compatible", rule: "field-added-to-open-message" })]);
      }
    },
  );

  const callbackFields = callbackOperations.flatMap((operation) =>
    propertyNames(bundledSpec, messageSchema(bundledSpec, operation, "request")).map(
      (name) => [operation.operationId, name, operation] as const,
    ),
  );
  it.each(callbackFields)("removing callback request field %s `%s` is breaking", (_id, name, operation) => {
    const changes = changesAfter((doc) => removeProperty(doc, messageSchema(doc, operation, "request"), name));
    expect(changes.find((change) => change.rule === "field-removed" && met(change, operation, "request"))).toMatchObject({
      classification: "breaking",
    });
  });

  it.each(callbackOperations.map((operation) => [operation.operationId, operation] as const))(
    "%s: a new field the receiver must answer with is breaking",
    (_id, operation) => {
      const changes = changesAfter((doc) => addProperty(doc, messageSchema(doc, operation, 200), "receivedAt", { type: "string" }, true));
      expect(changes.filter((change) => met(change, operation, "response 200")).map((change) => change.classification)).toContain(
        "breaking",
      );
    },
  );
});

describe("enums", () => {
  const catalog = catalogSchema(bundledSpec);
  const enums = schemaNodesWith(bundledSpec, "enum").map(({ pointer, node }) => [pointer, node.enum as unknown[]] as const);
  it("finds the enums, the error catalog among them", () =>
    expect(enums.map(([pointer]) => pointer)).toContain(`#/components/schemas/${catalog.name}`));

  /** Whether partners send the message of a usage: requests to the provider, answers to the callback. */
  const partnerSends = (change: Change, usageIndex: number) => {
    const usage = change.usages[usageIndex]!;
    const operation = allOperations.find((candidate) => label(candidate) === usage.operation)!;
    const isRequest = usage.part === "request" || usage.part.startsWith("parameter");
    return isRequest === (operation.implementedBy === "provider");
  };

  it.each(enums)("%s: a removed value is breaking wherever partners meet it", (pointer, values) => {
    const changes = changesAfter((doc) => {
      const node = nodeAt(doc, pointer);
      node.enum = values.length > 1 ? values.slice(0, -1) : [typeof values[0] === "number" ? 12345 : "replaced"];
      if (node.default !== undefined && !node.enum.includes(node.default)) delete node.default;
    }).filter((change) => change.rule === "enum-value-removed");
    expect(changes.length).toBeGreaterThan(0);
    expect(classes(changes)).toEqual(["breaking"]);
    expect(changes.every((change) => change.pointer === `${pointer}/enum`)).toBe(true);
  });

  it.each(enums)(
    "%s: an added value is breaking in what partners receive (except catalog codes), compatible in what they send",
    (pointer, values) => {
      const changes = changesAfter((doc) => nodeAt(doc, pointer).enum.push(typeof values[0] === "number" ? 12345 : "Z.99"));
      expect(changes.length).toBeGreaterThan(0);
      for (const change of changes) {
        change.usages.forEach((_usage, index) => {
          const expected: Classification =
            partnerSends(change, index) || pointer === `#/components/schemas/${catalog.name}` ? "compatible" : "breaking";
          expect({ usage: change.usages[index], classification: change.classification }).toEqual({
            usage: change.usages[index],
            classification: expected,
          });
        });
      }
    },
  );
});

describe("contract-wide facts and value constraints", () => {
  it("a lower request body limit is breaking; a higher one too, because callback receivers enforce it", () => {
    const lower = changesAfter((doc) => (doc["x-max-request-body-bytes"] = (doc["x-max-request-body-bytes"] as number) - 1));
    expect(lower).toEqual([expect.objectContaining({ classification: "breaking", rule: "body-limit-lowered" })]);
    const higher = changesAfter((doc) => (doc["x-max-request-body-bytes"] = (doc["x-max-request-body-bytes"] as number) * 2));
    expect(higher).toEqual([
      expect.objectContaining({
        classification: "breaking",
        rule: "body-limit-raised",
        message: expect.stringContaining(label(callbackOperations[0]!)),
      }),
    ]);
  });

  it("moving a catalog code to another status is breaking", () => {
    const changes = changesAfter((doc) => (catalogSchema(doc).schema["x-error-catalog"][0].status = 418));
    expect(changes).toEqual([expect.objectContaining({ classification: "breaking", rule: "catalog-status-changed" })]);
  });

  it.each(["pattern", "format", "default"])("a changed `%s` is breaking", (keyword) => {
    const target = schemaNodesWith(bundledSpec, keyword).find(({ node }) => typeof node[keyword] === "string")!;
    expect(target, `a schema with a string ${keyword}`).toBeDefined();
    const changes = changesAfter((doc) => {
      const node = nodeAt(doc, target.pointer);
      node[keyword] =
        keyword === "default" && node.enum ? node.enum.find((value: unknown) => value !== node.default) : `${node[keyword]}-changed`;
    });
    expect(changes.length).toBeGreaterThan(0);
    expect(
      changes.every(
        (change) =>
          change.classification === "breaking" && change.rule === `${keyword}-changed` && change.pointer === `${target.pointer}/${keyword}`,
      ),
    ).toBe(true);
  });

  it("a changed type is breaking", () => {
    const target = schemaNodesWith(bundledSpec, "type").find(({ node }) => node.type === "string")!;
    const changes = changesAfter((doc) => (nodeAt(doc, target.pointer).type = "integer"));
    expect(changes.filter((change) => change.rule === "type-changed").length).toBeGreaterThan(0);
    expect(classes(changes.filter((change) => change.rule === "type-changed"))).toEqual(["breaking"]);
  });
});

it("a minor release like 1.1.0 (a new optional field in every request and the callback, new codes, a new error status everywhere) is compatible", () => {
  const changes = changesAfter((doc) => minorReleaseLike(doc, allOperations));
  expect(changes.filter((change) => change.classification === "breaking")).toEqual([]);
  expect(new Set(changes.map((change) => change.rule))).toEqual(
    new Set([
      "optional-field-added",
      "field-added-to-open-message",
      "error-status-added",
      "error-code-added",
      "catalog-code-added",
      "enum-value-added",
    ]),
  );
});
