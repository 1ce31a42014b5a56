/**
 * The bundled spec as the running servers read it (`dist/openapi.json`, written by
 * `npm run bundle` / `npm run docs`), and where the repository is. Runtime code imports
 * this module; the build tools in src/build/ add the bundling itself.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/** The subset of an OpenAPI 3.0 document that this package reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Record<string, unknown>> };
  [extension: `x-${string}`]: unknown;
}

/**
 * Reads the bundled spec.
 *
 * @param file default `dist/openapi.json` of this repository
 * @throws Error telling to build it first when the file is missing
 */
export function loadBundledSpec(file: string = join(repoRoot, "dist/openapi.json")): OpenApiDocument {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run docs\` (or \`npm run bundle\`) first`);
  return JSON.parse(readFileSync(file, "utf8")) as OpenApiDocument;
}
