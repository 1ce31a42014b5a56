/**
 * The bundled spec as the running servers read it, `generated/openapi.json`: the same
 * bundle, from the same `npm run generate` run, that their types in `generated/` came
 * from, committed and held to the spec by the drift test. Also where the repository is.
 * Runtime code imports this module; the code generator (src/codegen/) adds the bundling.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const repoRoot = fileURLToPath(new URL("../", import.meta.url));

/** The committed bundle of the spec, `generated/openapi.json`. */
export const bundledSpecFile = join(repoRoot, "generated/openapi.json");

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
 * @param file default `generated/openapi.json` of this repository
 * @throws Error telling to generate it when the file is missing
 */
export function loadBundledSpec(file: string = bundledSpecFile): OpenApiDocument {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run generate\``);
  return JSON.parse(readFileSync(file, "utf8")) as OpenApiDocument;
}
