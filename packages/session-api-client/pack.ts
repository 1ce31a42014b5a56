/**
 * `npm run -s pack:client`: builds `@luckymonaco/session-api-client` and packs it into a
 * tarball that partners install with `npm install <file>.tgz`. The last line printed is
 * the tarball's absolute path, `dist/packages/luckymonaco-session-api-client-<version>.tgz`.
 *
 * 1. `tsc -p packages/session-api-client/tsconfig.build.json` compiles the package's two
 *    entries (`src/index.ts`, `src/signing.ts`) and what they import (the package's own
 *    `src/`, and `generated/operations.ts`, `generated/error-catalog.ts` from the spec), to
 *    ESM JavaScript and `.d.ts` under `dist/packages/session-api-client/lib/` (the
 *    repository's layout, so the compiled relative imports hold).
 * 2. `generated/schema.d.ts` (the `paths` types) is copied beside it: tsc never emits a
 *    declaration file that is an input.
 * 3. The package.json template of this folder becomes the packed one: the version is the
 *    contract's `info.version` (from `generated/openapi.json`), and `private`, `//` and
 *    `scripts` are dropped.
 * 4. `npm pack` packs the staged folder (its `files` whitelist: `lib/`, `README.md`).
 *
 * Exit status 1 with a message when a step fails, or when the package's dependency pins
 * differ from the root package.json's (the client is tested against the root's).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadBundledSpec, repoRoot } from "../../src/spec-document.js";

const packageDir = join(repoRoot, "packages/session-api-client");
const packagesOut = join(repoRoot, "dist/packages");
const stageDir = join(packagesOut, "session-api-client");

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as PackageJson;

/**
 * Runs a command quietly and returns its standard output.
 *
 * @throws Error with the command's output when it fails
 */
function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
}

/**
 * The packed package.json: the template with the contract's version, without the fields
 * that only the repository needs.
 *
 * @throws Error when a dependency pin differs from the root package.json's
 */
export function packedManifest(template: PackageJson, root: PackageJson, version: string): PackageJson {
  for (const [name, range] of Object.entries(template.dependencies ?? {})) {
    const pinned = root.dependencies?.[name] ?? (root.devDependencies as Record<string, string> | undefined)?.[name];
    if (pinned !== range) throw new Error(`${template.name} depends on ${name}@${range} but the root package.json pins ${pinned ?? "nothing"}: align them`);
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
  const version = (loadBundledSpec() as unknown as { info: { version: string } }).info.version;
  rmSync(stageDir, { recursive: true, force: true });
  run(join(repoRoot, "node_modules/.bin/tsc"), ["-p", join(packageDir, "tsconfig.build.json")], repoRoot);
  mkdirSync(join(stageDir, "lib/generated"), { recursive: true });
  copyFileSync(join(repoRoot, "generated/schema.d.ts"), join(stageDir, "lib/generated/schema.d.ts"));
  const manifest = packedManifest(readJson(join(packageDir, "package.json")), readJson(join(repoRoot, "package.json")), version);
  writeFileSync(join(stageDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(packageDir, "README.md"), join(stageDir, "README.md"));
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packagesOut], stageDir)) as Array<{ filename: string; entryCount: number; size: number }>;
  console.log(`packed ${manifest.name}@${version}: ${packed!.entryCount} files, ${(packed!.size / 1024).toFixed(1)} kB`);
  return join(packagesOut, packed!.filename);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(packClient());
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
