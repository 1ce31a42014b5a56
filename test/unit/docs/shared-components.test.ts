// No text leaks between operations: a response, parameter or example
// component that several operations `$ref` is shown in each of them, so its text must be
// true in each. V4 close session's 200 once said "Session expired: the operator has
// recorded the expiry", and the shared HASH parameter "the HASH of ENTER's request
// example". Two rules, checked on every shared component of the bundle:
//   1. its text names none of the operations that use it, or all of them, and no other;
//   2. a field its examples name (`body.<field>` in a message) is in the request schema of
//      every operation that uses it.
import { describe, expect, it } from "vitest";
import type { OperationId } from "../../../generated/operations.js";
import { allOperations } from "../../support/spec-views.js";
import { deref, operationObject, requestSchema } from "../../../src/contract/bundle.js";

/** How the docs name each operation in running text. A new operation needs its entry (the first test says so). */
const namedAs: Record<OperationId, RegExp[]> = {
  enterGameSession: [/\bENTER\b/, /\benterGameSession\b/],
  closeSession: [/\bV4 close\b/i, /\bclose session\b/i, /\bcloseSession\b/],
  closeSessionKyren: [/\bKyren\b/, /\bcloseSessionKyren\b/],
  sessionExpired: [/\bsession expired\b/i, /\bcallback/i, /\bsessionExpired\b/],
};

/** The component kinds whose text is shown as is inside each operation that uses them. */
const kinds = ["responses", "parameters", "examples"] as const;

/** The `#/components/...` refs reachable from a node, following refs transitively. */
function reachableRefs(node: unknown, seen = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) reachableRefs(item, seen);
  else if (node && typeof node === "object") {
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string" && ref.startsWith("#/components/") && !seen.has(ref)) {
      seen.add(ref);
      reachableRefs(deref(node), seen);
    }
    for (const [key, value] of Object.entries(node)) if (key !== "$ref") reachableRefs(value, seen);
  }
  return seen;
}

/** Every shared component of the kinds above, with the operations that use it. */
const users = new Map<string, OperationId[]>();
for (const operation of allOperations) {
  for (const ref of reachableRefs(operationObject(operation))) {
    if (!kinds.some((kind) => ref.startsWith(`#/components/${kind}/`))) continue;
    users.set(ref, [...(users.get(ref) ?? []), operation.operationId as OperationId]);
  }
}
const shared = [...users].filter(([, operations]) => operations.length > 1);

/** The text a component shows: its description, summaries and the descriptions of its examples (refs followed; not its schema's, which describe the data). */
function textOf(node: unknown): string {
  if (Array.isArray(node)) return node.map(textOf).join("\n");
  if (!node || typeof node !== "object") return "";
  const resolved = "$ref" in node ? deref(node) : node;
  return Object.entries(resolved as Record<string, unknown>)
    .map(([key, value]) =>
      (key === "description" || key === "summary") && typeof value === "string"
        ? value
        : ["value", "example", "schema"].includes(key)
          ? ""
          : textOf(value),
    )
    .join("\n");
}

/** The `body.<field>` paths the example values of a component name as fields of the body, by top-level field (not those they call unknown). */
function fieldsNamedByExamples(node: unknown): string[] {
  const values = JSON.stringify(collectExampleValues(node));
  return [...new Set([...values.matchAll(/\bbody\.([A-Za-z_]\w*)(?![\w.]* is an unknown field)/g)].map((match) => match[1]!))];
}

function collectExampleValues(node: unknown): unknown[] {
  if (Array.isArray(node)) return node.flatMap(collectExampleValues);
  if (!node || typeof node !== "object") return [];
  const resolved = ("$ref" in node ? deref(node) : node) as Record<string, unknown>;
  return Object.entries(resolved).flatMap(([key, value]) =>
    key === "value" || key === "example" ? [value] : key === "schema" ? [] : collectExampleValues(value),
  );
}

const named = (text: string) =>
  (Object.keys(namedAs) as OperationId[]).filter((operationId) => namedAs[operationId].some((pattern) => pattern.test(text)));

describe("components shared by several operations", () => {
  it("knows how the docs name every operation, and finds the shared components", () => {
    expect(Object.keys(namedAs).sort()).toEqual(allOperations.map((operation) => operation.operationId).sort());
    const names = shared.map(([ref]) => ref);
    expect(names).toEqual(
      expect.arrayContaining(["#/components/parameters/Hash", "#/components/parameters/MembId", "#/components/responses/V4RequestTimeout"]),
    );
  });

  it.each(shared)("%s names none of its operations or all of them, and no other", (ref, operations) => {
    const text = textOf(deref({ $ref: ref }));
    const mentioned = named(text);
    const strays = mentioned.filter((operationId) => !operations.includes(operationId));
    expect(strays, `${ref} is used by ${operations.join(", ")} but names ${strays.join(", ")}`).toEqual([]);
    if (mentioned.length > 0)
      expect(
        [...mentioned].sort(),
        `${ref} names only some of the operations that use it (${operations.join(", ")}): give each its own component, or say it for all`,
      ).toEqual([...operations].sort());
  });

  it.each(shared)("%s shows in its examples only fields that every one of its operations has", (ref, operations) => {
    const fields = fieldsNamedByExamples(deref({ $ref: ref }));
    for (const operationId of operations) {
      const properties = Object.keys(
        requestSchema(allOperations.find((operation) => operation.operationId === operationId)!).properties ?? {},
      );
      expect(
        fields.filter((field) => !properties.includes(field)),
        `${ref} in ${operationId}`,
      ).toEqual([]);
    }
  });
});

describe("the texts that used to leak", () => {
  const responseOf = (operationId: OperationId, status: number) =>
    deref(operationObject(allOperations.find((operation) => operation.operationId === operationId)!).responses[String(status)]);

  it("gives V4 close session and the session expired callback each its own 200, 400, 401 and 500", () => {
    for (const status of [200, 400, 401, 500]) expect(responseOf("closeSession", status)).not.toBe(responseOf("sessionExpired", status));
    expect(responseOf("closeSession", 200).description).not.toMatch(/expir/i);
    expect(responseOf("sessionExpired", 200).description).not.toMatch(/close/i);
  });

  it("describes the shared HASH parameter's example for no single operation", () => {
    const parameter = deref({ $ref: "#/components/parameters/Hash" }) as { description: string };
    expect(named(parameter.description)).toEqual([]);
  });
});
