/**
 * The two servers the pipeline benchmark compares, built in the benchmark's own process:
 *
 * - **bare**: Fastify 5 with one POST route at ENTER's path that parses the JSON body
 *   (Fastify's default parser) and answers a body of the size of ENTER's (`{"url": …}`,
 *   serialised by Fastify's default). No validation, no authentication, no hooks.
 * - **ENTER**: the reference server exactly as `src/server/app.ts` builds it for
 *   production (security headers, load shedding with main.ts's defaults, the connection
 *   limits, the contract plugin with authentication, freshness, validation and the
 *   handler, launch tokens), with one partner from a partners file (not the sandbox) and
 *   the no-op store (no-op-store.ts), so that no database is measured.
 *
 * Both log at `warn`, so neither writes a line per request.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { partnerDirectory, type Partner } from "../../src/partners/directory.js";
import { buildServer } from "../../src/server/app.js";
import { launchTokens } from "../../src/server/launch-tokens.js";
import { loadBundledSpec } from "../../src/shared/spec-document.js";
import { noOpStore } from "./no-op-store.js";

/** The partner the load signs as. */
export const benchPartner: Partner & { secret: string } = {
  memberId: "bench-casino",
  secret: "bench-secret-0123456789abcdef",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: false,
  requireTimestamp: false,
};

const logger = { level: "warn" };

/** The bare route (see the file comment). */
export async function buildBareServer(): Promise<FastifyInstance> {
  const app = Fastify({ logger });
  const url = `https://games.luckymonaco.example/index.html?token=${randomBytes(32).toString("base64url")}`;
  app.post("/api/session", async (request) => (typeof request.body === "object" ? { url } : { url: "" }));
  return app;
}

/** The reference server on the no-op store (see the file comment). */
export async function buildEnterServer(): Promise<FastifyInstance> {
  return buildServer({
    spec: loadBundledSpec(),
    // No docs site is measured: an empty folder serves none.
    docsDir: mkdtempSync(join(tmpdir(), "pipeline-bench-docs-")),
    store: noOpStore(),
    partners: partnerDirectory([benchPartner]),
    sandbox: false,
    launchTokens: launchTokens(randomBytes(32), "https://games.luckymonaco.example"),
    logger,
    overload: { maxEventLoopDelayMs: 1000, retryAfterSeconds: 2 },
    maxConnections: 4096,
  });
}
