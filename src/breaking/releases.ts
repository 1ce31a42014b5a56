/**
 * The released contracts: `openapi/releases/<info.version>.json`, each the bundle
 * (`generated/openapi.json`) exactly as it was when that version was cut, and the
 * semantic versions that name them (`openapi/docs/versioning.md`).
 *
 * Why committed files and not git tags: CI clones are often shallow or tagless, a file
 * shows in review next to the change that needs it, and the gate then needs no git at all.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, type OpenApiDocument } from "../shared/spec-document.js";

/** Where the released contracts are kept. */
export const releasesDir = join(repoRoot, "openapi/releases");

/** A semantic version `MAJOR.MINOR.PATCH` of the contract (`info.version`). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/**
 * Parses `info.version`.
 *
 * @throws Error when it is not `MAJOR.MINOR.PATCH` (digits only, no pre-release or build part)
 */
export function parseVersion(text: unknown, where: string): Version {
  const match = typeof text === "string" ? /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text) : null;
  if (!match) throw new Error(`${where}: info.version ${JSON.stringify(text)} is not a semantic version MAJOR.MINOR.PATCH (e.g. 1.2.0)`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text: text as string };
}

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** A bundle read from a file, with its parsed `info.version`. */
export interface Contract {
  file: string;
  doc: OpenApiDocument;
  version: Version;
}

/**
 * Reads a bundle (JSON) and its version.
 *
 * @throws Error naming the file when it is missing, not JSON, not an OpenAPI 3 document, or has no semantic `info.version`
 */
export function readContract(file: string): Contract {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let doc: OpenApiDocument & { info?: { version?: unknown } };
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || typeof doc.openapi !== "string" || !doc.openapi.startsWith("3."))
    throw new Error(`${file} is not an OpenAPI 3 document`);
  return { file, doc, version: parseVersion(doc.info?.version, file) };
}

/**
 * The newest released contract: the file of `dir` named after the highest version.
 *
 * @returns undefined when no version has been released yet
 * @throws Error when a file's name is not `<version>.json` or differs from its own `info.version`
 */
export function newestRelease(dir: string = releasesDir): Contract | undefined {
  const files = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".json")) : [];
  const releases = files.map((name) => {
    const contract = readContract(join(dir, name));
    if (`${contract.version.text}.json` !== name)
      throw new Error(`${contract.file}: the file of version ${contract.version.text} must be named ${contract.version.text}.json`);
    return contract;
  });
  return releases.sort((a, b) => compareVersions(b.version, a.version))[0];
}
