// failureOf (src/failure-of.ts): one { code, message, status } from every failure example
// the spec documents, in each operation's own envelope (ENTER's errors, V4's error
// object, Kyren's error and description); nothing from a body in no envelope, or in
// another operation's.
import { describe, expect, it } from "vitest";
import { operationsById, type OperationId } from "../../../generated/operations.js";
import bundle from "../../../generated/openapi.json" with { type: "json" };
import { failureOf } from "../src/failure-of.js";

type Response = { $ref?: string; content?: Record<string, { examples?: Record<string, { value: unknown }> }> };
const componentResponses = (bundle as unknown as { components: { responses: Record<string, Response> } }).components.responses;
/** A response object, through its `$ref` to the components if it has one. */
const resolved = (response: Response): Response => (response.$ref ? componentResponses[response.$ref.split("/").at(-1)!]! : response);
/** Every failure example of the bundle: operation, status and body. */
const examples = (Object.keys(operationsById) as OperationId[]).flatMap((operationId) => {
  const { path, method } = operationsById[operationId];
  const responses = (bundle.paths as unknown as Record<string, Record<string, { responses: Record<string, Response> }>>)[path]![method]!
    .responses;
  return Object.entries(responses)
    .filter(([status]) => Number(status) >= 400)
    .flatMap(([status, response]) =>
      Object.values(resolved(response).content?.["application/json"]?.examples ?? {}).map((example) => ({
        operationId,
        status: Number(status),
        body: example.value,
      })),
    );
});

describe("failureOf", () => {
  it("reads every failure example of the spec in its operation's envelope, with or without the operation named", () => {
    expect(examples.length).toBeGreaterThan(20);
    for (const { operationId, status, body } of examples) {
      const expected = { code: expect.stringMatching(/^[GV]\.\d\d$/), message: expect.any(String), status };
      expect(failureOf(body, status, operationId), `${operationId} ${status}`).toEqual(expected);
      expect(failureOf(body, status), `${operationId} ${status}`).toEqual(failureOf(body, status, operationId));
    }
  });

  it("reads the three envelopes the same way", () => {
    expect(failureOf({ errors: { code: "G.03", message: "Duplicate request id" } }, 409)).toEqual({
      code: "G.03",
      message: "Duplicate request id",
      status: 409,
    });
    expect(failureOf({ error: { code: "G.00", message: "Could not authenticate" } }, 401)).toEqual({
      code: "G.00",
      message: "Could not authenticate",
      status: 401,
    });
    expect(failureOf({ error: "G.04", description: "Request expired" }, 401)).toEqual({
      code: "G.04",
      message: "Request expired",
      status: 401,
    });
  });

  it("finds nothing in a body in none of the envelopes, or in another operation's", () => {
    expect(failureOf({ error: 0, description: "Success" }, 200)).toBeUndefined();
    expect(failureOf("<html>502 Bad Gateway</html>", 502)).toBeUndefined();
    expect(failureOf({ errors: { code: "G.01", message: "System error" } }, 500, "closeSession")).toBeUndefined();
  });
});
