/**
 * The reference server as a Fastify instance: the provider's operations from the spec
 * (through the contract plugin and the generated stubs), plus the offline docs site at
 * /docs/ (built by `npm run docs` into `dist/docs/`), the bundle it serves at
 * /openapi.json and /openapi.yaml, and /health.
 */
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from "fastify";
import { stringify } from "yaml";
import { maxRequestBodyBytes } from "../../generated/operations.js";
import type { OpenApiDocument } from "../spec-document.js";
import { contractPlugin } from "../http/contract-plugin.js";
import type { PartnerDirectory } from "../partners/directory.js";
import type { SessionStore } from "../store/session-store.js";
import { providerHandlers } from "./handlers/index.js";
import type { ProviderContext } from "./handlers/context.js";
import type { LaunchTokens } from "./launch-tokens.js";

/** What the server is built from. */
export interface ServerDependencies {
  /** The bundled spec (`generated/openapi.json`, see `loadBundledSpec`). */
  spec: OpenApiDocument;
  /** Directory of the built docs site (`dist/docs`). */
  docsDir: string;
  store: SessionStore;
  partners: PartnerDirectory;
  launchTokens: LaunchTokens;
  /** Fastify logger option; `false` for none. */
  logger: FastifyServerOptions["logger"];
  /** Current time, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /**
   * Longest time to receive a whole request, milliseconds (default 10000). A client that
   * sends less than it announced is then answered 408 by Node and disconnected, instead
   * of holding the connection forever.
   */
  requestTimeoutMs?: number;
}

/**
 * Access log: one line per request when it completes, failures at info (5xx at error),
 * successes at debug; never the body or the query string (which holds HASH).
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const level = error || reply.statusCode >= 500 ? "error" : reply.statusCode >= 400 ? "info" : "debug";
    request.log[level]({ method: request.method, path: request.url.split("?")[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request completed");
  }
}

/**
 * Builds the server; call `listen` on it. Closing it does not close the store. Requests
 * that arrive while it closes are still served (no undocumented 503).
 */
export async function buildServer(dependencies: ServerDependencies): Promise<FastifyInstance> {
  const requestTimeoutMs = dependencies.requestTimeoutMs ?? 10_000;
  const app = Fastify({
    logger: dependencies.logger,
    logController: new AccessLog(),
    bodyLimit: maxRequestBodyBytes,
    return503OnClosing: false,
    requestTimeout: requestTimeoutMs,
    // Node enforces requestTimeout only with headersTimeout <= it, checking every connectionsCheckingInterval (30 s by default).
    http: { headersTimeout: requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, requestTimeoutMs) },
  });
  const now = dependencies.now ?? Date.now;

  await app.register(contractPlugin, {
    spec: dependencies.spec,
    side: "provider",
    handlers: providerHandlers,
    partners: dependencies.partners,
    context: (request, partner): ProviderContext => ({ partner, store: dependencies.store, launchTokens: dependencies.launchTokens, now, log: request.log }),
  });

  await app.register(fastifyStatic, { root: dependencies.docsDir, prefix: "/docs", redirect: true, index: ["index.html"] });
  const bundleJson = JSON.stringify(dependencies.spec, null, 2);
  const bundleYaml = stringify(dependencies.spec, { lineWidth: 0 });
  app.get("/openapi.json", (_request, reply) => reply.type("application/json").send(bundleJson));
  app.get("/openapi.yaml", (_request, reply) => reply.type("application/yaml").send(bundleYaml));
  app.get("/", (_request, reply) => reply.redirect("/docs/"));
  app.get("/favicon.ico", (_request, reply) => reply.type("image/svg+xml").sendFile("favicon.svg"));
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ message: `No operation at ${request.method} ${request.url.split("?")[0]}. The API is described at /docs/.` }));

  app.get("/health", async (_request, reply) => {
    try {
      await dependencies.store.ping();
      return { status: "ok" };
    } catch (error) {
      app.log.error({ err: error }, "health check failed");
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  return app;
}

/** Where `npm run docs` puts the docs site, relative to the repository root. */
export const defaultDocsDir = (repoRoot: string) => join(repoRoot, "dist/docs");
