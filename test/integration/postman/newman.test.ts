// The Postman collection: `npm run postman` writes it from the spec, with a Postman
// environment beside it, and newman (the same script sandbox as Postman) runs it against
// an in-process sandbox and the example operator receiver, as does the copy on the docs'
// downloads page with its environment file. Every request must get a 2xx and pass its tests, signed
// by the collection's pre-request script over the exact bytes sent; with a wrong secret
// the signed requests are refused and their tests fail. A spec whose request schema has
// `timestamp` makes the script send the current time, signed.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import newman, { type NewmanRunOptions, type NewmanSummary } from "newman";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPostmanCollection, collectionFile } from "../../../src/codegen/postman.js";
import { repoRoot, type OpenApiDocument } from "../../../src/codegen/spec.js";
import { verifySignedRequest } from "@luckymonaco/session-api-client";
import { SANDBOX } from "../../support/requests.js";
import { useServerAndReceiver } from "../../support/servers.js";
import { allOperations, bundledSpec } from "../../support/spec-views.js";

const ends = useServerAndReceiver();
let collection: { item: { item: { name: string; request: { url: { path: string[] } } }[] }[]; variable: { key: string; value: string }[] };

/** Runs a collection with newman, no reporter. */
function runNewman(options: NewmanRunOptions): Promise<NewmanSummary> {
  return new Promise((resolve, reject) =>
    newman.run({ reporters: [], timeoutRequest: 10_000, ...options }, (error, summary) => (error ? reject(error) : resolve(summary))),
  );
}

/** The collection's targets: the sandbox and the example receiver of this suite. */
const targets = () => [
  { key: "baseUrl", value: ends.server.baseUrl },
  { key: "operatorUrl", value: ends.receiver.baseUrl },
];

const pathOf = (url: string) => new URL(url).pathname;

beforeAll(async () => {
  await promisify(execFile)("npm", ["run", "-s", "postman"], { cwd: repoRoot });
  collection = JSON.parse(readFileSync(collectionFile, "utf8"));
}, 60_000);

describe("npm run postman", () => {
  it("writes a request for every operation of the spec, and the sandbox variables", () => {
    const paths = collection.item.flatMap((folder) => folder.item.map((item) => `/${item.request.url.path.join("/")}`));
    expect(paths.sort()).toEqual(allOperations.map((operation) => operation.path).sort());
    const sandbox = {
      baseUrl: "http://127.0.0.1:3000",
      operatorUrl: "http://127.0.0.1:3100",
      memberId: SANDBOX.memberId,
      secret: SANDBOX.secret,
      kyrenToken: SANDBOX.kyrenToken,
    };
    expect(Object.fromEntries(collection.variable.map((variable) => [variable.key, variable.value]))).toEqual(sandbox);
    const environment = JSON.parse(readFileSync(join(repoRoot, "dist/postman/session-api.postman_environment.json"), "utf8")) as {
      values: { key: string; value: string; type: string }[];
    };
    expect(Object.fromEntries(environment.values.map((variable) => [variable.key, variable.value]))).toEqual(sandbox);
    expect(environment.values.filter((variable) => variable.type === "secret").map((variable) => variable.key)).toEqual([
      "secret",
      "kyrenToken",
    ]);
  });
});

describe("newman against the sandbox", () => {
  it("gives every request a 2xx and fails no test, twice over, with a fresh uuid each time", async () => {
    const summary = await runNewman({ collection, envVar: targets(), iterationCount: 2 });
    expect(summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.message}`)).toEqual([]);
    expect(summary.run.executions).toHaveLength(2 * allOperations.length);
    for (const execution of summary.run.executions) {
      const operation = allOperations.find((candidate) => candidate.path === pathOf(execution.request.url.toString()))!;
      expect(execution.response?.code, `${execution.item.name}: ${execution.response?.text()}`).toBeGreaterThanOrEqual(200);
      expect(execution.response?.code).toBeLessThan(300);
      expect(execution.assertions?.length, execution.item.name).toBeGreaterThanOrEqual(2);
      expect(execution.assertions?.filter((assertion) => assertion.error)).toEqual([]);
      const query = new URL(execution.request.url.toString()).searchParams;
      if (operation.signedWithHash) {
        expect(query.get("MEMB_ID")).toBe(SANDBOX.memberId);
        expect(
          verifySignedRequest(
            Buffer.from(execution.request.body!.raw!, "utf8"),
            query.get("HASH") ?? undefined,
            SANDBOX.secret,
            operation.bodyHash,
          ),
        ).toEqual({ ok: true });
      } else {
        expect(query.has("HASH")).toBe(false);
      }
    }
    const uuids = summary.run.executions.map((execution) => JSON.parse(execution.request.body!.raw!).uuid).filter(Boolean);
    expect(uuids.length).toBeGreaterThan(0);
    expect(new Set(uuids).size).toBe(uuids.length);
  }, 60_000);

  it("runs the downloads page's collection with its environment file, the sandbox's URLs set on top", async () => {
    const downloads = join(repoRoot, "dist/docs");
    const summary = await runNewman({
      collection: join(downloads, "session-api.postman_collection.json"),
      environment: join(downloads, "session-api.postman_environment.json"),
      envVar: targets(),
    });
    expect(summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.message}`)).toEqual([]);
    expect(summary.run.executions).toHaveLength(allOperations.length);
  }, 60_000);

  it("with a wrong secret, the signed requests are refused with 401 and their tests fail", async () => {
    const summary = await runNewman({ collection, envVar: [...targets(), { key: "secret", value: "guessed-secret" }] });
    const signed = summary.run.executions.filter(
      (execution) => allOperations.find((operation) => operation.path === pathOf(execution.request.url.toString()))!.signedWithHash,
    );
    expect(signed.length).toBeGreaterThan(0);
    for (const execution of signed) expect(execution.response?.code, execution.item.name).toBe(401);
    expect(summary.run.failures.length).toBeGreaterThanOrEqual(signed.length);
  }, 60_000);
});

describe("a spec whose request schema has timestamp", () => {
  it("makes the pre-request script send the current Unix time in seconds, covered by the signatures", async () => {
    const spec = structuredClone(bundledSpec) as OpenApiDocument;
    const schema = spec.components.schemas.CloseSessionRequest!;
    schema.properties = { ...(schema.properties as object), timestamp: { type: "integer" } };
    const built = (await buildPostmanCollection(spec)) as typeof collection;
    const closeSession = built.item
      .flatMap((folder) => folder.item)
      .filter((item) => item.request.url.path.join("/") === "V4/closesession");
    expect(closeSession).toHaveLength(1);
    const received: { body: string; url: string }[] = [];
    const echo: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({ body: Buffer.concat(chunks).toString("utf8"), url: request.url ?? "" });
        response.writeHead(200, { "Content-Type": "application/json" }).end('{"error":0,"description":"Success"}');
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    try {
      const before = Math.floor(Date.now() / 1000);
      const summary = await runNewman({
        collection: { ...built, item: [{ name: "close", item: closeSession }] },
        envVar: [{ key: "baseUrl", value: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` }],
      });
      expect(summary.run.failures).toEqual([]);
      expect(received).toHaveLength(1);
      const sent = JSON.parse(received[0]!.body) as { timestamp: number };
      expect(sent.timestamp).toBeGreaterThanOrEqual(before);
      expect(sent.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      const HASH = new URL(received[0]!.url, "http://echo").searchParams.get("HASH") ?? undefined;
      expect(verifySignedRequest(Buffer.from(received[0]!.body, "utf8"), HASH, SANDBOX.secret, true)).toEqual({ ok: true });
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  }, 60_000);
});
