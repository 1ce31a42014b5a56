/**
 * `npm run docs`: builds the offline docs site, `dist/docs/`, from the committed bundle
 * `generated/openapi.json`, and skips the build when nothing it is built from has changed
 * since the last one.
 *
 *   dist/docs/index.html                 Redoc 3 page (build-docs, script inlined, custom template)
 *   dist/docs/*.svg                      every SVG of openapi/docs/site/: the site's icon,
 *                                        favicon.svg (also served as /favicon.ico); the
 *                                        logo that stands in for Redocly's CDN one in the
 *                                        attribution, redoc-wordmark.svg; the guides' images,
 *                                        such as integration-flow.svg (linked relatively, so
 *                                        they load at /docs/ and from disk alike)
 *   dist/docs/openapi.{json,yaml}        the bundle, for download
 *   dist/docs/signing-test-vectors.json  the published vectors
 *   dist/docs/playground.html            the signing playground (playground/build.ts): offline, self-contained
 *
 * The page makes no request outside the site that serves it (issue "docs phone home"):
 * telemetry is off in redocly.yaml, the template's Content-Security-Policy refuses every
 * other origin, and the one asset Redoc loads from a CDN, its logo, is rewritten here to
 * a local file. `test/integration/docs/site.test.ts` and `offline.test.ts` hold the page to
 * that in Chromium.
 *
 * Usage: `tsx src/codegen/docs-site.ts [--force]`. Redocly's own output (banners, timings)
 * is shown only when a step fails.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { bundledSpecFile, loadBundledSpec, repoRoot } from "../spec-document.js";
import { renderPlayground } from "./playground/build.js";

const outDir = join(repoRoot, "dist/docs");
const stampFile = join(outDir, ".inputs.sha256");
const siteAssets = join(repoRoot, "openapi/docs/site");

/** What the site is built from: a change to any of these rebuilds it. */
const inputs = [
  ...["generated/openapi.json", "openapi/docs/site", "openapi/docs/signing-test-vectors.json", "redocly.yaml", "package-lock.json", "src/codegen/docs-site.ts"],
  // the signing playground's code (its template is in openapi/docs/site)
  ...["src/codegen/playground", "src/codegen/sandbox-bundle.ts", "src/codegen/request-facts.ts", "src/codegen/spec.ts", "src/signing.ts"],
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

/** SHA-256 over the relative path and the bytes of every input file. */
export function inputsDigest(): string {
  const hash = createHash("sha256");
  for (const file of inputs.flatMap((input) => filesUnder(join(repoRoot, input)))) {
    hash.update(`${relative(repoRoot, file)}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Runs a repository binary quietly.
 *
 * @throws Error with the command's full output when it fails
 */
function run(binary: string, args: string[]): void {
  try {
    execFileSync(join(repoRoot, "node_modules/.bin", binary), args, { cwd: repoRoot, stdio: "pipe", env: { ...process.env, REDOCLY_TELEMETRY: "off" } });
  } catch (error) {
    const failed = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${binary} ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? ""}`);
  }
}

/**
 * Builds `dist/docs/` unless the stamp says the inputs are unchanged.
 *
 * @param force build even when the inputs are unchanged
 * @returns true when it built, false when the site was up to date
 * @throws Error when a step fails (Redocly's output included)
 */
export async function buildDocsSite(force = false): Promise<boolean> {
  const digest = inputsDigest();
  if (!force && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest && ["index.html", "playground.html"].every((page) => existsSync(join(outDir, page)))) return false;
  mkdirSync(outDir, { recursive: true });
  const page = join(outDir, "index.html");
  run("redocly", ["build-docs", bundledSpecFile, "--inlineBundle", "--template", join(siteAssets, "template.hbs"), "--output", page]);
  let html = readFileSync(page, "utf8");
  for (const logo of cdnLogos) html = html.replaceAll(logo, "redoc-wordmark.svg");
  writeFileSync(page, html);
  for (const asset of siteImages()) copyFileSync(join(siteAssets, asset), join(outDir, asset));
  copyFileSync(bundledSpecFile, join(outDir, "openapi.json"));
  writeFileSync(join(outDir, "openapi.yaml"), stringify(loadBundledSpec(), { lineWidth: 0 }));
  copyFileSync(join(repoRoot, "openapi/docs/signing-test-vectors.json"), join(outDir, "signing-test-vectors.json"));
  writeFileSync(join(outDir, "playground.html"), await renderPlayground(loadBundledSpec()));
  writeFileSync(stampFile, digest);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { force: { type: "boolean", default: false } } });
  try {
    if (await buildDocsSite(values.force)) console.log("docs built: dist/docs/index.html, dist/docs/playground.html");
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
