// Every answer given before an operation is chosen is in the contract, on both servers
// (the provider's and the operator receiver): bad framing, a request line over the header
// limit, an unknown path, a wrong method, a URL that does not decode and a body that
// never arrives each get a JSON body with a catalog code at the right envelope's pointers,
// the catalog's status and exactly `Content-Type: application/json` (spec: the error
// catalog's `scope: transport` codes, `x-default-error-envelope`, and 408 on every
// operation). Raw sockets send what fetch cannot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCatalog, type ErrorCode } from "../../../generated/error-catalog.js";
import { defaultErrorEnvelope, operationsById } from "../../../generated/operations.js";
import { getAtPointer, setAtPointer } from "../../../src/shared/json-pointer.js";
import { messageMaxLength } from "../../../src/shared/message-limit.js";
import { rawExchange, requestHead, type RawHttpResponse } from "../../support/raw-http.js";
import { bundledSpec } from "../../support/spec-views.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

const REQUEST_TIMEOUT_MS = 500;
let server: TestServer;
let receiver: TestReceiver;

beforeAll(async () => {
  [server, receiver] = await Promise.all([
    startTestServer({ requestTimeoutMs: REQUEST_TIMEOUT_MS }),
    startTestReceiver(undefined, { requestTimeoutMs: REQUEST_TIMEOUT_MS }),
  ]);
});
afterAll(async () => void (await Promise.all([server?.close(), receiver?.close()])));

type Envelope = { code: string; message: string };

/** The answer is `code` in `envelope`, with the catalog's status, exactly `application/json`, and nothing else in the body. */
function expectAnswer(response: RawHttpResponse, code: ErrorCode, envelope: Envelope) {
  expect(response.headers["content-type"], response.text).toBe("application/json");
  expect(response.status).toBe(errorCatalog[code].status);
  expect(getAtPointer(response.json, envelope.code)).toBe(code);
  expect(String(getAtPointer(response.json, envelope.message))).toMatch(new RegExp(`^${errorCatalog[code].title}: .+`));
  const skeleton = setAtPointer(setAtPointer({}, envelope.code, 0), envelope.message, 0);
  expect(Object.keys(response.json)).toEqual(Object.keys(skeleton));
}

const sides = [
  { side: "provider" as const, base: () => server.baseUrl },
  { side: "operator" as const, base: () => receiver.baseUrl },
];
const HASH = "ab".repeat(32);

describe.each(sides.map((entry) => [entry.side, entry] as const))("the %s side", (side, { base }) => {
  const operations = Object.values(operationsById).filter((operation) => operation.implementedBy === side);
  const path = operations[0]!.path;
  const signedTarget = `${path}?MEMB_ID=demo&HASH=${HASH}`;

  it.each(operations.map((operation) => [operation.path, operation] as const))(
    "GET %s is 405 G.06 with Allow: POST, in that operation's envelope",
    async (_path, operation) => {
      const response = await rawExchange(base(), requestHead("GET", `${operation.path}?MEMB_ID=demo&HASH=${HASH}`));
      expectAnswer(response, "G.06", operation.errorEnvelope);
      expect(response.headers.allow).toBe("POST");
    },
  );

  it("an unknown path is 404 G.05 in the default envelope", async () => {
    const response = await rawExchange(
      base(),
      requestHead("POST", `/no/such/operation?MEMB_ID=demo&HASH=${HASH}`, { "Content-Length": 0 }),
    );
    expectAnswer(response, "G.05", defaultErrorEnvelope);
  });

  it("an unknown path of 3,000 characters is 404 G.05 with a message within the envelope's maxLength", async () => {
    const response = await rawExchange(base(), requestHead("POST", `/${"x".repeat(3000)}`, { "Content-Length": 0 }));
    expectAnswer(response, "G.05", defaultErrorEnvelope);
    expect(String(getAtPointer(response.json, defaultErrorEnvelope.message)).length).toBeLessThanOrEqual(
      messageMaxLength(bundledSpec, defaultErrorEnvelope),
    );
  });

  it("a path of the other side is 404 G.05 too", async () => {
    const other = Object.values(operationsById).find((operation) => operation.implementedBy !== side)!;
    const response = await rawExchange(
      base(),
      `${requestHead("POST", other.path, { "Content-Type": "application/json", "Content-Length": 2 })}{}`,
    );
    expectAnswer(response, "G.05", defaultErrorEnvelope);
  });

  it("a 100 KB query string is 431 V.05 in the default envelope", async () => {
    const response = await rawExchange(
      base(),
      requestHead("POST", `${signedTarget}&pad=${"x".repeat(100 * 1024)}`, { "Content-Length": 0 }),
    );
    expectAnswer(response, "V.05", defaultErrorEnvelope);
  });

  it.each([
    [
      "Content-Length together with Transfer-Encoding",
      `${requestHead("POST", signedTarget, { "Content-Type": "application/json", "Content-Length": 5, "Transfer-Encoding": "chunked" })}0\r\n\r\n`,
    ],
    [
      "two different Content-Lengths",
      `${requestHead("POST", signedTarget, { "Content-Type": "application/json", "Content-Length": 2, "Content-length": 3 })}{}`,
    ],
    [
      "bare LF line ends",
      `${requestHead("POST", signedTarget, { "Content-Type": "application/json", "Content-Length": 2 }).replaceAll("\r\n", "\n")}{}`,
    ],
    ["a URL that does not decode", requestHead("GET", `${path}%zz`)],
  ])("%s is 400 V.06 in the default envelope", async (_name, bytes) => {
    expectAnswer(await rawExchange(base(), bytes), "V.06", defaultErrorEnvelope);
  });

  it.concurrent.each(operations.map((operation) => [operation.operationId, operation] as const))(
    "a body that never arrives at %s is 408 G.07 in its envelope",
    async (_id, operation) => {
      const head = requestHead("POST", `${operation.path}?MEMB_ID=demo&HASH=${HASH}`, {
        "Content-Type": "application/json",
        "Content-Length": 500,
      });
      const response = await rawExchange(base(), `${head}{"uu`);
      expectAnswer(response, "G.07", operation.errorEnvelope);
      expect(operation.statuses).toContain(408);
    },
  );
});

describe("after those answers", () => {
  it("both servers still serve", async () => {
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    expect(receiver.received()).toEqual([]);
  });

  it("a wrong method on a route that is not an operation lists that route's methods", async () => {
    const response = await rawExchange(server.baseUrl, requestHead("POST", "/health", { "Content-Length": 0 }));
    expectAnswer(response, "G.06", defaultErrorEnvelope);
    expect(response.headers.allow).toBe("GET, HEAD");
  });
});
