/**
 * The command packages, `@luckymonaco/session-api-certify` (bin `session-api-certify`) and
 * `@luckymonaco/session-api-sandbox` (bin `session-api-sandbox`): one ES module each,
 * bundled by esbuild from the repository's TypeScript, beside the files it reads at run
 * time. Third-party packages stay outside the bundle and become the package's
 * `dependencies`, pinned to the root package.json's versions (the ones the repository is
 * tested with), so an install takes them from the registry as for any package.
 *
 * The staged layout keeps the repository's: the bundle is `lib/<bin>.mjs`, so the package
 * folder is its `repoRoot` (the nearest folder with a package.json, src/shared/spec-document.ts) and it reads `generated/openapi.json`
 * (and the sandbox `dist/docs/`) where the repository has them.
 */
import { builtinModules } from "node:module";
import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { build, type Metafile } from "esbuild";
import { buildDocsSite } from "../codegen/docs-site.js";
import { repoRoot } from "../shared/spec-document.js";
import { contractVersion, pack, packagesOut, pinned, type PackageJson } from "./common.js";

/** One command package. */
export interface BundledPackage {
  /** The npm name, `@luckymonaco/<folder>`; the folder of `packages/` holds its README.md and LICENSE. */
  name: string;
  folder: string;
  /** The command; its code is `src/<entry>`, which runs the command when loaded. */
  bin: string;
  entry: string;
  description: string;
  /** Files of the repository copied into the package at the same path. */
  files: string[];
  /**
   * Files (or folders) of the repository copied beside the bundle, into `lib/`: what the code
   * loads by a URL relative to its module (a worker thread, migration files).
   */
  libFiles?: string[];
  /** Writes further run-time files into the staged package folder. */
  stage?: (stageDir: string) => Promise<void>;
}

export const certifyPackage: BundledPackage = {
  name: "@luckymonaco/session-api-certify",
  folder: "session-api-certify",
  bin: "session-api-certify",
  entry: "certify/bin.ts",
  description:
    "The certification kit of the Lucky Monaco session API: checks an operator's session expired receiver before go-live, with HTML and JUnit reports.",
  files: ["generated/openapi.json"],
};

export const sandboxPackage: BundledPackage = {
  name: "@luckymonaco/session-api-sandbox",
  folder: "session-api-sandbox",
  bin: "session-api-sandbox",
  entry: "sandbox/bin.ts",
  description:
    "A local sandbox of the Lucky Monaco session API: the reference server with the public sandbox partner, its docs and signing playground, in memory or on SQLite.",
  files: ["generated/openapi.json"],
  libFiles: ["src/store/sqlite/wal-checkpointer.cjs", "src/store/migrations/sqlite", "src/store/migrations/postgres"],
  // The sandbox's own docs are the local build (no deployment URL, no package tarballs).
  stage: async (stageDir) => {
    await buildDocsSite({ force: true, packages: [], outDir: join(stageDir, "dist/docs"), env: {} });
  },
};

/**
 * The npm package names that a bundle imports, from esbuild's metafile: every external
 * import that is not a Node.js built-in, cut to its package (`pg`, `@fastify/helmet`).
 */
export function externalPackages(metafile: Metafile): string[] {
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith("node:") || path.startsWith(".") || builtins.has(path.split("/")[0]!)) continue;
      const parts = path.split("/");
      names.add(path.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return [...names].sort();
}

/**
 * Bundles, stages and packs one command package.
 *
 * @returns the absolute path of the tarball
 * @throws Error when esbuild, the staging or `npm pack` fails, or the bundle imports a
 *   package that the root package.json does not pin
 */
export async function packBundled(spec: BundledPackage): Promise<string> {
  const stageDir = join(packagesOut, spec.folder);
  rmSync(stageDir, { recursive: true, force: true });
  const outfile = join(stageDir, "lib", `${spec.bin}.mjs`);
  const result = await build({
    entryPoints: [join(repoRoot, "src", spec.entry)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20.19",
    format: "esm",
    packages: "external",
    // The client package is this repository's own code: it goes into the bundle.
    alias: { "@luckymonaco/session-api-client": join(repoRoot, "packages/session-api-client/src") },
    // Bundled CommonJS code (none of ours, but a transitive import may be) needs require().
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: "error",
    legalComments: "none",
  });
  chmodSync(outfile, 0o755);
  for (const file of spec.libFiles ?? []) cpSync(join(repoRoot, file), join(stageDir, "lib", file.split("/").at(-1)!), { recursive: true });
  for (const file of spec.files) {
    mkdirSync(dirname(join(stageDir, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(stageDir, file), { recursive: true });
  }
  await spec.stage?.(stageDir);
  rmSync(join(stageDir, "dist/docs/.inputs.sha256"), { force: true });
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(repoRoot, "packages", spec.folder, file), join(stageDir, file));
  const manifest: PackageJson = {
    name: spec.name,
    version: contractVersion(),
    description: spec.description,
    license: "MIT",
    type: "module",
    engines: { node: ">=20.19.0" },
    bin: { [spec.bin]: `lib/${spec.bin}.mjs` },
    files: ["lib/", "generated/", ...(spec.stage ? ["dist/"] : []), "README.md", "LICENSE"],
    dependencies: pinned(externalPackages(result.metafile)),
    publishConfig: { access: "public" },
  };
  writeFileSync(join(stageDir, ".npmignore"), "");
  return pack(stageDir, manifest);
}
