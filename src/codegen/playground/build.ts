/**
 * Builds the signing playground page of the docs site, `dist/docs/playground.html`,
 * as one self-contained HTML file: the template
 * `openapi/docs/site/playground.html` with the operations of the bundle embedded as JSON
 * and the page script (`page.ts`, `sign.ts`, `canonicalString` of the client package's `signing.ts`, MD5 of
 * `@noble/hashes`) bundled inline. `docs-site.ts` calls it; it reads no file of
 * `generated/` but the bundle it is given.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, type OpenApiDocument } from "../../shared/spec-document.js";
import { localDeployment, type Deployment } from "../deployment.js";
import { requestFacts } from "../request-facts.js";
import { bundleForSandbox } from "../sandbox-bundle.js";
import type { PlaygroundDefaults, PlaygroundOperation } from "./sign.js";

/** The page template. */
export const playgroundTemplate = join(repoRoot, "openapi/docs/site/playground.html");

/** The operations the page offers, from the bundle: every operation, with its signing facts and example. */
export function playgroundOperations(spec: OpenApiDocument): PlaygroundOperation[] {
  return requestFacts(spec).map((operation) => ({
    operationId: operation.operationId,
    summary: operation.summary,
    path: operation.path,
    implementedBy: operation.implementedBy,
    signedWithHash: operation.signedWithHash,
    bodyHash: operation.bodyHash,
    hasTimestamp: operation.properties.includes("timestamp"),
    example: operation.example,
  }));
}

/** Makes text safe inside an inline `<script>` element (no `</script>`, no `<!--`). */
const inlineScriptSafe = (text: string) => text.replace(/<(\/script|!--)/gi, "\\u003c$1");

/**
 * Renders the page.
 *
 * @param spec the bundle (`generated/openapi.json`), or the docs' copy of it for a deployment
 * @param deployment the base URLs the page offers: its sandbox (unless the page is served
 *   over http(s) from a local build: then the origin that serves it) and the receiver
 * @returns the HTML of `playground.html`
 * @throws Error when the template lacks a placeholder, the bundle lacks a request example, or the script does not bundle
 */
export async function renderPlayground(spec: OpenApiDocument, deployment: Deployment = localDeployment): Promise<string> {
  const template = readFileSync(playgroundTemplate, "utf8");
  const script = await bundleForSandbox({ file: "src/codegen/playground/page.ts" }, "signingPlayground");
  const values: Record<string, string> = {
    title: (spec as unknown as { info: { title: string } }).info.title.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`),
    operations: inlineScriptSafe(JSON.stringify(playgroundOperations(spec))),
    defaults: inlineScriptSafe(
      JSON.stringify({
        provider: deployment.sandboxUrl,
        operator: deployment.operatorUrl,
        fixed: deployment.public,
      } satisfies PlaygroundDefaults),
    ),
    sandboxUrl: deployment.sandboxUrl.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`),
    script: inlineScriptSafe(script),
  };
  for (const name of Object.keys(values))
    if (!template.includes(`{{${name}}}`)) throw new Error(`${playgroundTemplate} has no {{${name}}} placeholder`);
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}
