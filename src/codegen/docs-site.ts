/**
 * `npm run docs`: builds the offline docs site, `dist/docs/`, from the committed bundle
 * `generated/openapi.json`, for the deployment that the environment names
 * (`deployment.ts`: `PUBLIC_SANDBOX_URL`, `PUBLIC_PRODUCTION_URL`, `PUBLIC_MOCK_URL`; none:
 * the local defaults), and skips the build when nothing it is built from has changed
 * since the last one (those variables included).
 *
 *   dist/docs/index.html                 Redoc 3 page (build-docs, script inlined, custom template)
 *   dist/docs/*.svg                      every SVG of openapi/docs/site/: the site's icon,
 *                                        favicon.svg (also served as /favicon.ico); the
 *                                        logo that stands in for Redocly's CDN one in the
 *                                        attribution, redoc-wordmark.svg; the guides' images,
 *                                        such as integration-flow.svg (linked relatively, so
 *                                        they load at /docs/ and from disk alike)
 *   dist/docs/openapi.{json,yaml}        the docs' copy of the bundle, for download: the
 *                                        deployment's servers and URLs, the build's pages
 *   dist/docs/signing-test-vectors.json  the published vectors
 *   dist/docs/session-api.postman_*.json the Postman collection and environment (postman.ts)
 *   dist/docs/playground.html            the signing playground (playground/build.ts): offline, self-contained
 *   dist/docs/downloads.html             every file above to take away, with size and SHA-256 (downloads.ts)
 *   dist/docs/<package>-<version>.tgz    with --packages only: the package tarballs (downloads.ts)
 *
 * Two comments of the guides are filled in here, because what they show depends on the
 * deployment: `<!-- docs build: servers -->` (the servers partners may call, with what
 * each checks) and `<!-- docs build: downloads -->` (the list of `downloads.html`).
 * The site is written to a fresh directory and then put in place, so it never mixes
 * files of two builds.
 *
 * The page makes no request outside the site that serves it: telemetry is off in
 * redocly.yaml, the template's Content-Security-Policy refuses every other origin, and the
 * one asset Redoc loads from a CDN, its logo, is rewritten here to a local file.
 * `test/integration/docs/site.test.ts` and `offline.test.ts` hold the page to that in
 * Chromium. A public build (`PUBLIC_SANDBOX_URL`) fails if any file it writes names a
 * loopback address.
 *
 * Usage: `tsx src/codegen/docs-site.ts [--force] [--packages] [--out DIR]`. Redocly's own
 * output (banners, timings) is shown only when a step fails.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { loadBundledSpec, repoRoot, type OpenApiDocument } from "../shared/spec-document.js";
import {
  assertNoLoopback,
  deploymentFromEnv,
  deploymentInputs,
  loopbackOutside,
  namesLoopback,
  specForDeployment,
  type Deployment,
} from "./deployment.js";
import {
  DOWNLOADS_MARKER,
  listDownloads,
  packageDownloads,
  POSTMAN_COLLECTION_FILE,
  POSTMAN_ENVIRONMENT_FILE,
  renderDownloadsMarkdown,
  renderDownloadsRows,
  siteDownloads,
  type Download,
  type PackageDownload,
} from "./downloads.js";
import { renderPlayground } from "./playground/build.js";
import { buildPostmanCollection, buildPostmanEnvironment } from "./postman.js";

/** Where `npm run docs` writes the site by default. */
export const defaultOutDir = join(repoRoot, "dist/docs");
const STAMP = ".inputs.sha256";
const siteAssets = join(repoRoot, "openapi/docs/site");

/** The comment of the getting-started guide that the build replaces by the servers table. */
export const SERVERS_MARKER = "<!-- docs build: servers -->";

/** What the site is built from: a change to any of these rebuilds it. */
const inputs = [
  ...["generated/openapi.json", "openapi/docs/site", "openapi/docs/signing-test-vectors.json", "redocly.yaml", "package-lock.json"],
  // the build, the playground's code and the Postman collection's (its template is in openapi/docs/site)
  ...["src/codegen", "packages/session-api-client/src/signing.ts", "src/shared/spec-document.ts", "src/shared/json-pointer.ts"],
];

/** Redoc 3 loads its logo from these addresses; the build points them at a local file. */
const cdnLogos = ["https://cdn.redoc.ly/redoc/logo-mini-full.svg", "https://cdn.redoc.ly/redoc/logo-mini.svg"];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** The images of openapi/docs/site/ (file names) that the build copies into dist/docs/; the stamp covers the whole folder. */
export function siteImages(): string[] {
  return readdirSync(siteAssets)
    .filter((name) => name.endsWith(".svg"))
    .sort();
}

/** SHA-256 over the relative path and the bytes of every input file, and the deployment's variables. */
export function inputsDigest(env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash("sha256");
  for (const file of inputs.flatMap((input) => filesUnder(join(repoRoot, input)))) {
    hash
      .update(`${relative(repoRoot, file)}\0`)
      .update(readFileSync(file))
      .update("\0");
  }
  return hash.update(deploymentInputs(env)).digest("hex");
}

/**
 * Runs a command quietly and returns its standard output.
 *
 * @throws Error with the command's full output when it fails
 */
function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: "pipe",
      env: { ...process.env, REDOCLY_TELEMETRY: "off" },
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`${basename(command)} ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
}

/** The Redoc script that `build-docs --inlineBundle` puts into the page, as installed. */
export const redocLibraryFile = join(repoRoot, "node_modules/@redocly/cli/lib/chunks/redoc.standalone.js");

/** @throws Error when the installed Redocly CLI keeps its Redoc script elsewhere */
export function redocLibrary(): string {
  if (!existsSync(redocLibraryFile))
    throw new Error(
      `${redocLibraryFile} is missing: the check that the page names no loopback address needs Redoc's own script (did @redocly/cli move it?)`,
    );
  return readFileSync(redocLibraryFile, "utf8");
}

/** The servers partners may call, with what each is (its `description`), as a Markdown table; a templated URL is left out (it is given at onboarding). */
export function renderServersTable(spec: OpenApiDocument): string {
  const servers = (
    (spec as unknown as { servers?: Array<{ url: string; description?: string; variables?: unknown }> }).servers ?? []
  ).filter((server) => !server.variables);
  const rows = servers.map(
    (server) => `| \`${server.url}\` | ${(server.description ?? "").replace(/\s+/g, " ").replace(/\|/g, "\\|").trim()} |`,
  );
  return ["| Server | What it is |", "|---|---|", ...rows].join("\n");
}

/**
 * Replaces a build comment in the descriptions of the spec (the introduction and the tags).
 *
 * @throws Error when no description holds it
 */
function fillMarker(spec: OpenApiDocument, marker: string, text: string): void {
  const holders = [
    (spec as unknown as { info: Record<string, unknown> }).info,
    ...((spec as unknown as { tags?: Array<Record<string, unknown>> }).tags ?? []),
  ];
  const holder = holders.find((node) => typeof node.description === "string" && (node.description as string).includes(marker));
  if (!holder) throw new Error(`no page of the spec holds ${marker}`);
  holder.description = (holder.description as string).replace(marker, text);
}

/**
 * Packs each package of `packageDownloads` with its npm script and copies the tarball
 * into the site.
 *
 * @returns one download per package, named by its tarball
 * @throws Error when a script fails or its last line is not a tarball that exists
 */
function packPackages(siteDir: string, entries: PackageDownload[]): Download[] {
  return entries.map((entry) => {
    const tarball = entry.pack ? entry.pack() : run("npm", ["run", "-s", entry.script]).trim().split("\n").at(-1)!.trim();
    if (!tarball.endsWith(".tgz") || !existsSync(tarball))
      throw new Error(`npm run -s ${entry.script} must print its tarball's path as its last line, not ${tarball}`);
    const file = basename(tarball);
    copyFileSync(tarball, join(siteDir, file));
    return { file, title: entry.title, description: entry.description.replaceAll("{file}", file) };
  });
}

/** The Redoc page of the docs' spec, written to `page`. */
function buildRedocPage(specFile: string, page: string): void {
  run(join(repoRoot, "node_modules/.bin/redocly"), [
    "build-docs",
    specFile,
    "--inlineBundle",
    "--template",
    join(siteAssets, "template.hbs"),
    "--output",
    page,
  ]);
  let html = readFileSync(page, "utf8");
  for (const logo of cdnLogos) html = html.replaceAll(logo, "redoc-wordmark.svg");
  writeFileSync(page, html);
}

/** The downloads page: the template of openapi/docs/site/ with the list and the API's version. */
function renderDownloadsPage(spec: OpenApiDocument, rows: string): string {
  const template = readFileSync(join(siteAssets, "downloads.html"), "utf8");
  const { info } = spec as unknown as { info: { title: string; version: string } };
  const escapeHtml = (text: string) => text.replace(/[<>&"]/g, (character) => `&#${character.charCodeAt(0)};`);
  const values: Record<string, string> = { title: escapeHtml(info.title), version: escapeHtml(info.version), rows };
  for (const name of Object.keys(values))
    if (!template.includes(`{{${name}}}`)) throw new Error(`openapi/docs/site/downloads.html has no {{${name}}} placeholder`);
  return template.replace(/\{\{(\w+)\}\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

/**
 * Writes the whole site into `siteDir` (an empty directory).
 *
 * @throws Error when a step fails, or a public build names a loopback address
 */
async function writeSite(siteDir: string, deployment: Deployment, packages: PackageDownload[]): Promise<void> {
  const spec = specForDeployment(loadBundledSpec(), deployment);
  const docsSpec = structuredClone(spec);
  fillMarker(docsSpec, SERVERS_MARKER, renderServersTable(docsSpec));
  for (const asset of siteImages()) copyFileSync(join(siteAssets, asset), join(siteDir, asset));
  copyFileSync(join(repoRoot, "openapi/docs/signing-test-vectors.json"), join(siteDir, "signing-test-vectors.json"));
  writeFileSync(join(siteDir, POSTMAN_COLLECTION_FILE), `${JSON.stringify(await buildPostmanCollection(spec, deployment), null, 2)}\n`);
  writeFileSync(join(siteDir, POSTMAN_ENVIRONMENT_FILE), `${JSON.stringify(buildPostmanEnvironment(deployment), null, 2)}\n`);
  const packed = packPackages(siteDir, packages);
  // The list gives each file's SHA-256, so the description files cannot hold it: they are
  // the spec as the page shows it, less the list (the Downloads page points to downloads.html).
  const withoutList = structuredClone(docsSpec);
  fillMarker(withoutList, DOWNLOADS_MARKER, "");
  writeFileSync(join(siteDir, "openapi.json"), `${JSON.stringify(withoutList, null, 2)}\n`);
  writeFileSync(join(siteDir, "openapi.yaml"), stringify(withoutList, { lineWidth: 0 }));
  const listed = listDownloads(siteDir, [...siteDownloads, ...packed]);
  fillMarker(docsSpec, DOWNLOADS_MARKER, renderDownloadsMarkdown(listed));
  const pageSpec = join(siteDir, ".redoc-input.json");
  writeFileSync(pageSpec, JSON.stringify(docsSpec));
  buildRedocPage(pageSpec, join(siteDir, "index.html"));
  rmSync(pageSpec);
  writeFileSync(join(siteDir, "playground.html"), await renderPlayground(spec, deployment));
  writeFileSync(join(siteDir, "downloads.html"), renderDownloadsPage(spec, renderDownloadsRows(listed)));
  if (deployment.public) {
    for (const file of readdirSync(siteDir).filter((name) => !name.endsWith(".tgz"))) {
      const text = readFileSync(join(siteDir, file), "utf8");
      if (file !== "index.html") assertNoLoopback(text, `dist/docs/${file}`);
      else if (loopbackOutside(text, redocLibrary()).length > 0)
        throw new Error(
          `dist/docs/index.html still names a loopback address outside Redoc's own code:\n${loopbackOutside(text, redocLibrary()).slice(0, 20).join("\n")}`,
        );
    }
  }
}

/** Options of `buildDocsSite`. */
export interface DocsBuildOptions {
  /** Build even when the inputs are unchanged. */
  force?: boolean;
  /** Also pack the packages of `packageDownloads` (true), or these, and list them; a build with packages always builds. */
  packages?: boolean | PackageDownload[];
  /** Where the site goes; default `dist/docs/`. */
  outDir?: string;
  /** Where the deployment's variables are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the docs site unless its stamp says the inputs are unchanged.
 *
 * @returns true when it built, false when the site was up to date
 * @throws Error when a step fails (Redocly's output included), a deployment variable is
 *   not an http(s) base URL, or a public build names a loopback address
 */
export async function buildDocsSite(options: DocsBuildOptions = {}): Promise<boolean> {
  const outDir = resolve(options.outDir ?? defaultOutDir);
  const env = options.env ?? process.env;
  const digest = inputsDigest(env);
  const stampFile = join(outDir, STAMP);
  const upToDate =
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === digest &&
    ["index.html", "playground.html", "downloads.html"].every((page) => existsSync(join(outDir, page)));
  const packages = options.packages === true ? packageDownloads : options.packages || [];
  if (upToDate && !options.force && packages.length === 0) return false;
  const deployment = deploymentFromEnv(env);
  mkdirSync(dirname(outDir), { recursive: true });
  const staging = `${outDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    await writeSite(staging, deployment, packages);
    // A build with packages is the same build plus its tarballs: a later plain build with the
    // same inputs (say `npm start` after a deployment's `npm run docs -- --packages`) keeps it.
    writeFileSync(join(staging, STAMP), digest);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { force: { type: "boolean", default: false }, packages: { type: "boolean", default: false }, out: { type: "string" } },
  });
  try {
    const outDir = values.out ?? defaultOutDir;
    if (await buildDocsSite({ force: values.force, packages: values.packages, outDir }))
      console.log(
        `docs built: ${relative(process.cwd(), outDir) || "."}/index.html, playground.html, downloads.html${namesLoopback(process.env.PUBLIC_SANDBOX_URL ?? "") || !process.env.PUBLIC_SANDBOX_URL ? "" : ` for ${process.env.PUBLIC_SANDBOX_URL}`}`,
      );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
