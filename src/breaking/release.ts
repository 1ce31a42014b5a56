/**
 * `npm run release`: cuts a version of the contract (the steps are in
 * `openapi/README.md`, "Releasing a version"). `npm run generate` runs first; then this
 * copies `generated/openapi.json` to `openapi/releases/<info.version>.json`, the baseline
 * the breaking-change gate compares with from then on.
 *
 * It refuses (exit status 1), writing nothing, when the version is not newer than the
 * newest release, when `openapi/CHANGELOG.md` has no `## <version> - YYYY-MM-DD` section,
 * or when the gate finds a breaking change without a new major version. Running it again
 * for a version already released with the same bundle does nothing (exit status 0); a
 * different bundle under a released version is refused: released contracts never change.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { bundledSpecFile, repoRoot } from "../shared/spec-document.js";
import { checkContracts } from "./gate.js";
import { compareVersions, newestRelease, readContract, releasesDir } from "./releases.js";
import { renderReport } from "./report.js";

/** Where `cutRelease` reads and writes; the defaults are the repository's. */
export interface ReleasePaths {
  bundleFile: string;
  releasesDir: string;
  changelogFile: string;
}

/** The repository's own paths. */
export const repositoryPaths: ReleasePaths = {
  bundleFile: bundledSpecFile,
  releasesDir,
  changelogFile: join(repoRoot, "openapi/CHANGELOG.md"),
};

/** Why a release was refused; `report` is the gate's report when the gate refused it. */
export class ReleaseRefused extends Error {
  constructor(
    message: string,
    readonly report?: string,
  ) {
    super(message);
  }
}

/**
 * Cuts the release of the bundle's `info.version`.
 *
 * @returns the baseline file, and whether it was written now (false: already released, unchanged)
 * @throws ReleaseRefused when the version, the gate or the changelog does not allow it
 * @throws Error when a bundle cannot be read or compared
 */
export async function cutRelease(paths: ReleasePaths = repositoryPaths): Promise<{ file: string; written: boolean }> {
  const current = readContract(paths.bundleFile);
  const version = current.version.text;
  const file = join(paths.releasesDir, `${version}.json`);
  if (existsSync(file)) {
    if (readFileSync(file, "utf8") === readFileSync(paths.bundleFile, "utf8")) return { file, written: false };
    throw new ReleaseRefused(
      `${version} was already released with another bundle (${file}); released contracts never change: raise info.version in openapi/openapi.yaml`,
    );
  }
  const newest = newestRelease(paths.releasesDir);
  if (newest && compareVersions(current.version, newest.version) <= 0) {
    throw new ReleaseRefused(
      `info.version ${version} is not newer than the newest release ${newest.version.text}: raise it in openapi/openapi.yaml`,
    );
  }
  const changelog = existsSync(paths.changelogFile) ? readFileSync(paths.changelogFile, "utf8") : "";
  const heading = new RegExp(`^## ${version.replace(/\./g, "\\.")} - \\d{4}-\\d{2}-\\d{2}$`, "m");
  if (!heading.test(changelog)) {
    throw new ReleaseRefused(
      `${paths.changelogFile} has no section "## ${version} - YYYY-MM-DD": move the entries of "## Unreleased" under it, dated today`,
    );
  }
  if (newest) {
    const { changes, verdict } = await checkContracts(newest, current);
    if (!verdict.pass) throw new ReleaseRefused(verdict.reason, renderReport(newest, current, changes, verdict, repoRoot));
  }
  mkdirSync(paths.releasesDir, { recursive: true });
  copyFileSync(paths.bundleFile, file);
  return { file, written: true };
}

async function main(): Promise<number> {
  try {
    const { file, written } = await cutRelease();
    const shown = relative(repoRoot, file);
    console.log(
      written
        ? `released: ${shown}. Commit it with generated/ and openapi/CHANGELOG.md, then announce the changelog entry to partners.`
        : `already released, unchanged: ${shown}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ReleaseRefused) {
      if (error.report) process.stdout.write(error.report);
      console.error(`release refused: ${error.message}`);
      return 1;
    }
    console.error(`release failed: ${(error as Error).message}`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
