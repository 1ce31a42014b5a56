/**
 * What every package build shares: running a tool quietly, the manifest a staged package
 * is packed with, and `npm pack`. The packages are partners' downloads (`packages/*`,
 * src/codegen/downloads.ts): each is staged under `dist/packages/<name>/` and packed into
 * `dist/packages/<tarball>`; its version is the contract's `info.version`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadBundledSpec, repoRoot } from "../shared/spec-document.js";

/** Where the staged packages and the tarballs go. */
export const packagesOut = join(repoRoot, "dist/packages");

/** A package.json, as far as the builds read and write it. */
export interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [field: string]: unknown;
}

export const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as PackageJson;

/** The repository's own package.json: its pins are the packages' pins. */
export const rootManifest = () => readJson(join(repoRoot, "package.json"));

/** The contract's version, `info.version` of the bundle: every package's version. */
export const contractVersion = () => (loadBundledSpec() as unknown as { info: { version: string } }).info.version;

/**
 * Runs a command quietly and returns its standard output.
 *
 * @throws Error with the command's output when it fails
 */
export function run(command: string, args: string[], cwd: string = repoRoot): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
}

/**
 * The root's pin of each dependency `names` (dependencies or devDependencies), for a
 * package manifest.
 *
 * @throws Error naming a dependency the root does not pin
 */
export function pinned(names: Iterable<string>): Record<string, string> {
  const root = rootManifest();
  const pins: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const version = root.dependencies?.[name] ?? root.devDependencies?.[name];
    if (!version) throw new Error(`a package needs ${name}, which the root package.json does not pin`);
    pins[name] = version;
  }
  return pins;
}

/**
 * Writes `manifest` into `stageDir` and packs the folder with `npm pack`.
 *
 * @returns the absolute path of the tarball
 * @throws Error when `npm pack` fails
 */
export function pack(stageDir: string, manifest: PackageJson): string {
  writeFileSync(join(stageDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packagesOut], stageDir)) as Array<{
    filename: string;
    entryCount: number;
    size: number;
  }>;
  console.log(`packed ${manifest.name}@${manifest.version}: ${packed!.entryCount} files, ${(packed!.size / 1024).toFixed(1)} kB`);
  return join(packagesOut, packed!.filename);
}
