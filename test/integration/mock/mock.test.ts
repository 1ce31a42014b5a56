// The onboarding mock, started as the README says (`npm run mock -- --port N`), called as
// a partner would: through the typed client and with raw requests. It must answer the
// documented examples and `Prefer: code=<status>`, and every failure in the operation's
// own envelope with a catalog code whose status is the answer's (never Prism's
// `invalid_json` or its canned 400 example): the form of `MEMB_ID`, `HASH` and the body
// `hash`, a body that is not a JSON object, a `timestamp` in milliseconds or stale, the
// schema (naming the fields), the media type, the size, unknown paths and methods. What it
// cannot know is tested too: a `HASH` of the right form that is not the signature passes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCatalog } from "../../../generated/error-catalog.js";
import { defaultErrorEnvelope } from "../../../generated/operations.js";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import { getAtPointer } from "../../../src/shared/json-pointer.js";
import { mockAddress } from "../../../src/mock/main.js";
import { startProcess, withFreePort, type RunningProcess } from "../../support/processes.js";
import { withBodyHash } from "../../support/requests.js";
import { allOperations, requestExample, responseExamples } from "../../support/spec-views.js";

type Operation = (typeof allOperations)[number];

let mock: RunningProcess;
let baseUrl: string;

beforeAll(async () => {
  mock = await withFreePort(async (port) => {
    baseUrl = `http://127.0.0.1:${port}`;
    return startProcess("npm", ["run", "-s", "mock", "--", "--port", String(port)], { readyUrl: `${baseUrl}/` });
  });
});

afterAll(async () => {
  await mock?.stop();
});

function client() {
  return createSessionApiClient({ baseUrl, partnerId: "demo", secret: "sandbox-secret" });
}

/** The request example of the operation, without its body hash (the client adds it), with the current timestamp. */
function unsignedExample(operation: Operation): Record<string, unknown> {
  const { hash: _hash, ...body } = requestExample(operation);
  return "timestamp" in body ? { ...body, timestamp: Math.floor(Date.now() / 1000) } : body;
}

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  // The body is typed per path by the client; the table-driven tests below pass examples from the spec.
  return client().POST(path as "/api/session", { body: body as never, headers });
}

const LOWER_HASH = "0".repeat(64);

/** A raw request: the query as given (by default MEMB_ID and a HASH of the right form where the operation is signed), the body as given. */
async function post(operation: Operation | string, body: unknown, options: { query?: string; contentType?: string; method?: string } = {}) {
  const path = typeof operation === "string" ? operation : operation.path;
  const signed = typeof operation !== "string" && operation.signedWithHash;
  const query = options.query ?? (signed ? `?MEMB_ID=demo&HASH=${LOWER_HASH}` : "");
  const response = await fetch(`${baseUrl}${path}${query}`, {
    method: options.method ?? "POST",
    headers: { "Content-Type": options.contentType ?? "application/json" },
    body: options.method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

/** A body that passes the front's checks: the example, a body hash of the right form, the current timestamp. */
const passingBody = (operation: Operation) => (operation.bodyHash ? withBodyHash(unsignedExample(operation)) : unsignedExample(operation));

/** Asserts a failure in the operation's envelope (the default one without an operation) with `code` and its catalog status; returns its message. */
function expectFailure(
  answer: { status: number; body: unknown },
  operation: Operation | undefined,
  code: keyof typeof errorCatalog,
): string {
  const envelope = operation?.errorEnvelope ?? defaultErrorEnvelope;
  expect(getAtPointer(answer.body, envelope.code), JSON.stringify(answer.body)).toBe(code);
  expect(answer.status).toBe(errorCatalog[code].status);
  const message = getAtPointer(answer.body, envelope.message);
  expect(typeof message).toBe("string");
  expect(message as string).toMatch(new RegExp(`^${errorCatalog[code].title}: `));
  return message as string;
}

const each = (operations: Operation[]) => operations.map((operation) => [operation.operationId, operation] as const);
const signed = allOperations.filter((operation) => operation.signedWithHash);

describe("the mock's address", () => {
  it("takes --port and --host, then MOCK_PORT and MOCK_HOST, then 127.0.0.1:4010", () => {
    expect(mockAddress([], {})).toEqual({ host: "127.0.0.1", port: 4010 });
    expect(mockAddress([], { MOCK_PORT: "6102", MOCK_HOST: "0.0.0.0" })).toEqual({ host: "0.0.0.0", port: 6102 });
    expect(mockAddress(["--port", "6103"], { MOCK_PORT: "6102" })).toEqual({ host: "127.0.0.1", port: 6103 });
    expect(() => mockAddress([], { MOCK_PORT: "61o2" })).toThrow(/--port or MOCK_PORT/);
    expect(() => mockAddress(["--prot", "1"], {})).toThrow();
  });
});

describe("npm run mock -- --port N", () => {
  it("listens on that port", () => {
    expect(mock.output()).toContain(`mock of the session API at ${baseUrl}`);
  });

  it.each(each(allOperations))("%s: a signed example request gets the documented 200 example", async (_id, operation) => {
    const { data, error, response } = await call(operation.path, unsignedExample(operation));
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(data).toEqual(responseExamples(operation, 200)[0]);
  });

  const errorCases = allOperations.flatMap((operation) =>
    operation.statuses
      .filter((status) => status !== 200)
      .map((status) => [`${operation.operationId} ${status}`, operation, status] as const),
  );

  it.each(errorCases)("%s: Prefer: code=<status> gets the documented error example", async (_name, operation, status) => {
    const { data, error, response } = await call(operation.path, unsignedExample(operation), { Prefer: `code=${status}` });
    expect(data).toBeUndefined();
    expect(response.status).toBe(status);
    expect(error).toEqual(responseExamples(operation, status)[0]);
  });

  it.each(each(allOperations))(
    "%s: a body that breaks the schema gets 400 V.02 naming each field, in the operation's envelope",
    async (_id, operation) => {
      const body: Record<string, unknown> = { ...passingBody(operation), unexpected: { nested: true } };
      const removed = Object.keys(body).find((field) => !["hash", "timestamp", "unexpected"].includes(field))!;
      delete body[removed];
      const answer = await post(operation, body);
      expect(expectFailure(answer, operation, "V.02")).toContain(`body.${removed} is required`);
      expect(answer.headers.get("sl-violations")).toMatch(/required property/);
    },
  );

  it.each(each(allOperations))(
    "%s: a body that is not a JSON object gets 400 V.01 in the operation's envelope, not Prism's invalid_json",
    async (_id, operation) => {
      expect(expectFailure(await post(operation, '{"uuid":'), operation, "V.01")).toMatch(/not JSON/);
      expectFailure(await post(operation, "[1,2]"), operation, "V.01");
    },
  );

  it.each(each(allOperations.filter((operation) => operation.timestamp)))(
    "%s: a timestamp in milliseconds, or 10 minutes old, gets 401 G.04",
    async (_id, operation) => {
      const milliseconds = await post(operation, { ...passingBody(operation), timestamp: Date.now() });
      expect(expectFailure(milliseconds, operation, "G.04")).toMatch(/milliseconds/);
      expectFailure(
        await post(operation, { ...passingBody(operation), timestamp: Math.floor(Date.now() / 1000) - 600 }),
        operation,
        "G.04",
      );
    },
  );

  it.each(each(signed))("%s: without MEMB_ID or HASH, or with an upper-case HASH, 401 G.00 says what is wrong", async (_id, operation) => {
    expect(expectFailure(await post(operation, passingBody(operation), { query: "" }), operation, "G.00")).toMatch(/MEMB_ID is missing/);
    expect(expectFailure(await post(operation, passingBody(operation), { query: "?MEMB_ID=demo" }), operation, "G.00")).toMatch(
      /HASH is missing/,
    );
    const upper = await post(operation, passingBody(operation), { query: `?MEMB_ID=demo&HASH=${"A1".repeat(32)}` });
    expect(expectFailure(upper, operation, "G.00")).toMatch(/upper-case/);
  });

  it.each(each(allOperations.filter((operation) => operation.bodyHash)))(
    "%s: a body without its hash, or a hash of the wrong form, gets 401 G.00",
    async (_id, operation) => {
      expect(expectFailure(await post(operation, unsignedExample(operation)), operation, "G.00")).toMatch(/body hash is missing/);
      expect(expectFailure(await post(operation, { ...unsignedExample(operation), hash: "ABC" }), operation, "G.00")).toMatch(
        /32 lower-case hex/,
      );
    },
  );

  it.each(each(signed))(
    "%s: a HASH of the right form that is not the signature passes: the mock knows no secret",
    async (_id, operation) => {
      const answer = await post(operation, passingBody(operation));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(responseExamples(operation, 200)[0]);
    },
  );

  it("answers a wrong media type, an oversized body, an unknown path and a wrong method in the catalog's envelopes", async () => {
    const operation = allOperations[0]!;
    expectFailure(await post(operation, passingBody(operation), { contentType: "text/plain" }), operation, "V.04");
    expectFailure(await post(operation, JSON.stringify({ ...passingBody(operation), padding: "x".repeat(20_000) })), operation, "V.03");
    expectFailure(await post("/no/such/operation", {}), undefined, "G.05");
    const wrongMethod = await post(operation, undefined, { method: "GET" });
    expectFailure(wrongMethod, operation, "G.06");
    expect(wrongMethod.headers.get("allow")).toBe("POST");
  });
});
