/**
 * The docs site and the bundle, beside the API: `/docs/` (the files `npm run docs` builds
 * into `dist/docs/`), `/openapi.json` and `/openapi.yaml`, `/` (to the docs) and
 * `/favicon.ico`.
 *
 * - Each HTML page is sent with the `Content-Security-Policy` its own `<meta>` tag states
 *   (the page opened from disk has only the tag; served, the header says the same), in
 *   place of the strict policy of the API's answers (http/security-headers.ts).
 * - Errors are answered in the contract's default envelope, as every other answer of the
 *   server: a missing file, a dotfile or a path that leaves the folder is 404 `G.05`, a
 *   malformed path 400 `V.06`. Byte ranges are not served (a range beyond the file would
 *   be a 416 the catalog has no code for), and the preconditions that only a 412 can
 *   answer (`If-Match`, `If-Unmodified-Since`) are not evaluated: the file is sent.
 *   `If-None-Match` and `If-Modified-Since` still answer 304.
 */
import { readFileSync } from "node:fs";
import fastifyStatic from "@fastify/static";
import type { FastifyError, FastifyInstance } from "fastify";
import { stringify } from "yaml";
import { envelopeFailure } from "../shared/failures.js";
import type { OpenApiDocument } from "../shared/spec-document.js";

/** The policy a page's `<meta http-equiv="Content-Security-Policy">` states, if any. */
function metaPolicy(file: string): string | undefined {
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(readFileSync(file, "utf8"));
  return match?.[1];
}

/** Registers the routes of the file comment. */
export async function registerDocsRoutes(app: FastifyInstance, docsDir: string, spec: OpenApiDocument): Promise<void> {
  const policies = new Map<string, string | undefined>();
  await app.register(async (docs) => {
    docs.addHook("onRequest", async (request) => {
      delete request.headers["if-match"];
      delete request.headers["if-unmodified-since"];
    });
    docs.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      const failure =
        status === 400
          ? envelopeFailure("V.06", "the path is not valid")
          : status < 500
            ? envelopeFailure("G.05", "no such page of the docs")
            : envelopeFailure("G.01");
      if (status >= 500) reply.log.error({ err: error }, "serving a docs file failed");
      return reply.code(failure.status).type("application/json").send(JSON.stringify(failure.body));
    });
    await docs.register(fastifyStatic, {
      root: docsDir,
      prefix: "/docs",
      redirect: true,
      index: ["index.html"],
      acceptRanges: false,
      dotfiles: "ignore",
      setHeaders(response, path) {
        if (!path.endsWith(".html")) return;
        if (!policies.has(path)) policies.set(path, metaPolicy(path));
        const policy = policies.get(path);
        if (policy) response.setHeader("content-security-policy", policy);
      },
    });
    docs.get("/favicon.ico", (_request, reply) => reply.type("image/svg+xml").sendFile("favicon.svg"));
  });
  const bundleJson = JSON.stringify(spec, null, 2);
  const bundleYaml = stringify(spec, { lineWidth: 0 });
  app.get("/openapi.json", (_request, reply) => reply.type("application/json").send(bundleJson));
  app.get("/openapi.yaml", (_request, reply) => reply.type("application/yaml").send(bundleYaml));
  app.get("/", (_request, reply) => reply.redirect("/docs/"));
}
