/**
 * The client package, `@luckymonaco/session-api-client` (packages/session-api-client/):
 * ESM JavaScript and `.d.ts`, compiled by `tsc` from the package's own `src/` and what it
 * uses of `generated/`.
 *
 * 1. `tsc -p packages/session-api-client/tsconfig.build.json` compiles the two entries
 *    (`src/index.ts`, `src/signing.ts`) and what they import to `lib/` of the staged
 *    package, in the repository's layout, so the compiled relative imports hold.
 * 2. `generated/schema.d.ts` (the `paths` types) is copied beside it: tsc never emits a
 *    declaration file that is an input.
 * 3. The package's package.json becomes the packed one: the version is the contract's, and
 *    `private`, `//` and `scripts` are dropped; its dependency pins must be the root's.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../shared/spec-document.js";
import { contractVersion, pack, packagesOut, readJson, rootManifest, run, type PackageJson } from "./common.js";

const packageDir = join(repoRoot, "packages/session-api-client");
const stageDir = join(packagesOut, "session-api-client");

/**
 * The packed package.json: the template with the contract's version, without the fields
 * that only the repository needs.
 *
 * @throws Error when a dependency pin differs from the root package.json's
 */
export function packedManifest(template: PackageJson, root: PackageJson, version: string): PackageJson {
  for (const [name, range] of Object.entries(template.dependencies ?? {})) {
    const pinnedByRoot = root.dependencies?.[name] ?? root.devDependencies?.[name];
    if (pinnedByRoot !== range)
      throw new Error(
        `${template.name} depends on ${name}@${range} but the root package.json pins ${pinnedByRoot ?? "nothing"}: align them`,
      );
  }
  const { private: _private, "//": _comment, scripts: _scripts, ...manifest } = template;
  return { ...manifest, version };
}

/**
 * Builds and packs the client package.
 *
 * @returns the absolute path of the tarball
 * @throws Error when the build or `npm pack` fails
 */
export function packClient(): string {
  rmSync(stageDir, { recursive: true, force: true });
  run(join(repoRoot, "node_modules/.bin/tsc"), ["-p", join(packageDir, "tsconfig.build.json")]);
  mkdirSync(join(stageDir, "lib/generated"), { recursive: true });
  copyFileSync(join(repoRoot, "generated/schema.d.ts"), join(stageDir, "lib/generated/schema.d.ts"));
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(packageDir, file), join(stageDir, file));
  return pack(stageDir, packedManifest(readJson(join(packageDir, "package.json")), rootManifest(), contractVersion()));
}
