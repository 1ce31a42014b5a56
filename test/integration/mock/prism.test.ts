// The onboarding mock: Prism on the bundle, called through the typed client exactly as a
// partner would. It must return the documented examples, honour `Prefer: code=<status>`
// for every documented status, and reject invalid requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionApiClient } from "../../../src/client.js";
import { allOperations, requestExample, responseExamples } from "../../support/spec-views.js";
import { startProcess, withFreePort, type RunningProcess } from "../../support/processes.js";

let prism: RunningProcess;
let baseUrl: string;

beforeAll(async () => {
  prism = await withFreePort(async (port) => {
    baseUrl = `http://127.0.0.1:${port}`;
    return startProcess("node_modules/.bin/prism", ["mock", "--host", "127.0.0.1", "--port", String(port), "generated/openapi.json"], { readyUrl: `${baseUrl}/` });
  });
});

afterAll(async () => {
  await prism?.stop();
});

function client() {
  return createSessionApiClient({ baseUrl, partnerId: "demo", secret: "sandbox-secret" });
}

/** The request example of the operation, without its body hash: the client adds it. */
function unsignedExample(operationId: string) {
  const { hash: _hash, ...body } = requestExample(allOperations.find((operation) => operation.operationId === operationId)!);
  return body;
}

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  // The body is typed per path by the client; the table-driven tests below pass examples from the spec.
  return client().POST(path as "/api/session", { body: body as never, headers });
}

describe("Prism mock of the bundled spec", () => {
  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))("%s: a signed example request gets the documented 200 example", async (_id, operation) => {
    const { data, error, response } = await call(operation.path, unsignedExample(operation.operationId));
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(data).toEqual(responseExamples(operation, 200)[0]);
  });

  const errorCases = allOperations.flatMap((operation) => operation.statuses.filter((status) => status !== 200).map((status) => [`${operation.operationId} ${status}`, operation, status] as const));

  it.each(errorCases)("%s: Prefer: code=<status> gets the documented error example", async (_name, operation, status) => {
    const { data, error, response } = await call(operation.path, unsignedExample(operation.operationId), { Prefer: `code=${status}` });
    expect(data).toBeUndefined();
    expect(response.status).toBe(status);
    expect(error).toEqual(responseExamples(operation, status)[0]);
  });

  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))("%s: an invalid body is rejected with the documented 400", async (_id, operation) => {
    const body = { ...unsignedExample(operation.operationId), unexpected: { nested: true } } as Record<string, unknown>;
    delete body[Object.keys(body)[0]!];
    const response = await fetch(`${baseUrl}${operation.path}?MEMB_ID=demo&HASH=${"0".repeat(64)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("sl-violations")).toMatch(/required property/);
    expect(await response.json()).toEqual(responseExamples(operation, 400)[0]);
  });

  it.each(allOperations.filter((operation) => operation.signedWithHash).map((operation) => [operation.operationId, operation] as const))(
    "%s: a request without MEMB_ID and HASH gets the documented 401",
    async (_id, operation) => {
      const response = await fetch(`${baseUrl}${operation.path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(requestExample(operation)) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(responseExamples(operation, 401)[0]);
    },
  );
});
