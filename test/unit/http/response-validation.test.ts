// The response switch of the contract plugin (src/http/schema-compilers.ts): with
// `validateResponses` a handler's body outside its schema is answered 500 G.01 and never
// sent; without it (the production default) the body is written as the handler gave it.
// The test servers (test/support/servers.ts) run with it on.
import Fastify from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { contractPlugin } from "../../../src/http/contract-plugin.js";
import { registerTransportAnswers, contractServerOptions } from "../../../src/http/transport-answers.js";
import { partnerDirectory } from "../../../src/partners/directory.js";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { bundledSpec } from "../../../src/contract/bundle.js";
import type { ProviderHandlers } from "../../../generated/server.js";
import { enterBody, postRaw } from "../../support/requests.js";

/** The provider's side with an ENTER handler that answers a `url` that is no URI (a server bug). */
async function serverWithBrokenEnter(validateResponses: boolean | undefined) {
  const broken = async () => ({ status: 200, body: { url: 42 } });
  const handlers = { enterGameSession: broken, closeSession: broken, closeSessionKyren: broken } as unknown as ProviderHandlers<unknown>;
  const { serverOptions, inFlight } = contractServerOptions({ side: "provider", logger: false });
  const app = Fastify(serverOptions);
  registerTransportAnswers(app, "provider", inFlight);
  await app.register(contractPlugin, {
    spec: bundledSpec,
    side: "provider",
    handlers,
    partners: partnerDirectory([sandboxPartner]),
    sandbox: true,
    freshness: {},
    context: () => ({}),
    ...(validateResponses === undefined ? {} : { validateResponses }),
  });
  return { app, baseUrl: await app.listen({ host: "127.0.0.1", port: 0 }) };
}

const servers: Array<{ app: { close(): Promise<unknown> } }> = [];
afterAll(() => Promise.all(servers.map((server) => server.app.close())));

describe("validateResponses", () => {
  it("on: a body outside the spec is a 500 G.01 in the operation's envelope, never sent", async () => {
    const server = await serverWithBrokenEnter(true);
    servers.push(server);
    const response = await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()));
    expect([response.status, response.contentType, response.body.errors.code]).toEqual([500, "application/json", "G.01"]);
    expect(JSON.stringify(response.body)).not.toContain("42");
  });

  it("off by default: the body is written as the handler gave it, as exactly application/json", async () => {
    const server = await serverWithBrokenEnter(undefined);
    servers.push(server);
    const response = await postRaw(server.baseUrl, "/api/session", JSON.stringify(enterBody()));
    expect([response.status, response.contentType, response.body]).toEqual([200, "application/json", { url: 42 }]);
  });
});
