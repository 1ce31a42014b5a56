/**
 * The bundled spec as the running servers read it, `generated/openapi.json`: the same
 * bundle, from the same `npm run generate` run, that their types in `generated/` came
 * from, committed and held to the spec by the drift test. Also where the repository is.
 * Runtime code imports this module; the code generator (src/codegen/) adds the bundling.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The nearest folder at or above `start` that holds a package.json: the repository root
 * from src/shared/, and the package folder from a command package's bundle (lib/).
 *
 * @throws Error when no folder up to the file system's root holds one
 */
function packageRootOf(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, "package.json"))) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json at or above ${start}`);
  }
}

/** Absolute path of the repository root (of the package folder, in a command package). */
export const repoRoot = packageRootOf(dirname(fileURLToPath(import.meta.url)));

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
