/**
 * The three servers the pipeline benchmark compares, built in the benchmark's own process:
 *
 * - **bare**: Fastify 5 with one POST route at ENTER's path that parses the JSON body
 *   (Fastify's default parser) and answers a body of the size of ENTER's (`{"url": …}`,
 *   serialised by Fastify's default). No validation, no authentication, no hooks.
 * - **ENTER**: the reference server exactly as `src/server/app.ts` builds it for
 *   production (security headers, load shedding with main.ts's defaults, the connection
 *   limits, the contract plugin with authentication, freshness, validation and the
 *   handler, launch tokens), with one partner from a partners file (not the sandbox) and
 *   the no-op store (no-op-store.ts), so that no database is measured.
 * - **floor**: the work ENTER cannot do without, and nothing else, on the bare route:
 *   the raw body kept and parsed, `HASH` checked (HMAC-SHA256 with a key imported once,
 *   compared in constant time), the body validated by the same Ajv compiler as ENTER's
 *   schema, the body's SHA-256 (the idempotency fingerprint), a session id, the launch
 *   token (an HMAC) and its SHA-256, and the security headers. No hooks, no error
 *   envelope, no load shedding. A lower bound for what any ENTER costs here: the gap
 *   between ENTER and the floor is what the request path could still save.
 *
 * Both log at `warn`, so neither writes a line per request.
 */
import { createHmac, createSecretKey, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { partnerDirectory, type Partner } from "../../src/partners/directory.js";
import { requestValidatorCompiler } from "../../src/http/schema-compilers.js";
import { securityHeaders } from "../../src/http/security-headers.js";
import { buildServer } from "../../src/server/app.js";
import { launchTokens, newSessionId } from "../../src/server/launch-tokens.js";
import { loadBundledSpec } from "../../src/shared/spec-document.js";
import { inlineSchema } from "../../src/codegen/postman.js";
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

/** The floor (see the file comment): a 401 for a wrong `HASH`, a 400 for a body that breaks the schema, else 200 `{ url }`. */
export async function buildFloorServer(): Promise<FastifyInstance> {
  const spec = loadBundledSpec();
  const app = Fastify({ logger });
  app.setValidatorCompiler(requestValidatorCompiler(spec));
  const key = createSecretKey(Buffer.from(benchPartner.secret, "utf8"));
  const tokens = launchTokens(randomBytes(32), "https://games.luckymonaco.example");
  const headers = securityHeaders();
  const rawBodies = new WeakMap<object, Buffer>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body: Buffer, done) => {
    rawBodies.set(request, body);
    done(null, JSON.parse(body.toString("utf8")));
  });
  app.post(
    "/api/session",
    {
      schema: { body: inlineSchema(spec, spec.components.schemas.EnterGameSessionRequest) as object },
      preValidation: (request, reply, done) => {
        const query = request.query as { MEMB_ID?: string; HASH?: string };
        const given = Buffer.from(query.HASH ?? "", "hex");
        const signature = createHmac("sha256", key).update(rawBodies.get(request)!).digest();
        if (query.MEMB_ID !== benchPartner.memberId || given.length !== signature.length || !timingSafeEqual(given, signature))
          return void reply.code(401).send({ error: { code: "G.00", message: "Could not authenticate" } });
        done();
      },
    },
    async (request, reply) => {
      // ENTER stores the fingerprint and the token's hash (`issue` computes it); the floor computes them and drops them.
      hash("sha256", rawBodies.get(request)!, "hex");
      const launch = tokens.issue(newSessionId());
      reply.headers(headers);
      return { url: launch.url };
    },
  );
  return app;
}
