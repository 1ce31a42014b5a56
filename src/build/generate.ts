/**
 * `npm run generate`: writes everything in `generated/` from the contract.
 *
 *   generated/schema.d.ts                  types of every path, operation and component (openapi-typescript)
 *   generated/operations.ts                operation table (paths, signing needs, statuses)
 *   generated/error-catalog.ts             error catalog keyed by code
 *   generated/server.ts                    server stubs: typed handler input, results and signatures per operationId
 *   generated/docs/error-catalog.md        the catalog as the docs show it
 *   generated/docs/signing-test-vectors.md the vectors as the docs show them
 *
 * Usage: `tsx src/build/generate.ts [--out <dir>]`. With `--out`, the files go to that
 * directory instead of `generated/` (the drift check compares the two).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { renderErrorCatalog, renderSigningVectors } from "./render-markdown.js";
import { renderServer } from "./render-server.js";
import { renderErrorCatalogModule, renderOperations } from "./render-typescript.js";
import { bundleSpec, readErrorCatalog, operationFacts, repoRoot, signingVectors } from "./spec.js";

/**
 * Renders every generated file from the current contract.
 *
 * @returns file contents keyed by path relative to the output directory
 * @throws Error when the spec does not bundle or the error catalog disagrees with its enum
 */
export async function renderGenerated(): Promise<Record<string, string>> {
  const spec = bundleSpec();
  const operations = operationFacts(spec);
  const catalog = readErrorCatalog(spec);
  const maxBody = spec["x-max-request-body-bytes"];
  if (typeof maxBody !== "number") throw new Error("the root of the spec needs x-max-request-body-bytes (a number)");
  const types = astToString(await openapiTS(spec as never, { alphabetize: false, exportType: false, defaultNonNullable: false }));
  return {
    "schema.d.ts": types,
    "operations.ts": renderOperations(operations, maxBody),
    "error-catalog.ts": renderErrorCatalogModule(catalog),
    "server.ts": renderServer(operations),
    "docs/error-catalog.md": renderErrorCatalog(catalog, operations),
    "docs/signing-test-vectors.md": renderSigningVectors(signingVectors()),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string", default: join(repoRoot, "generated") } } });
  const out = values.out!;
  for (const [file, content] of Object.entries(await renderGenerated())) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), content);
  }
  console.log(`generated/ written to ${out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
