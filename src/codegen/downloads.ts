/**
 * The downloads of the docs site: every file a partner takes away, all written by one docs
 * build (`docs-site.ts`), listed on `downloads.html` and on the docs' **Downloads** page
 * (the trait tag whose description holds `DOWNLOADS_MARKER`), with each file's size and
 * SHA-256, so that what a partner fetched can be checked against the page it came from.
 *
 * Two kinds:
 * - `siteDownloads`: what the docs build writes itself (the bundle, the Postman collection
 *   and environment, the signing test vectors), in every build;
 * - `packageDownloads`: npm package tarballs, each made by an npm script that prints the
 *   tarball's path as its last line (`npm run -s pack:client`, src/packaging/). Packing compiles
 *   TypeScript (seconds per package), so the docs build runs them only with `--packages`
 *   (`npm run docs -- --packages`); a build without it lists no package rather than a
 *   tarball left over from another build (a plain build with unchanged inputs is skipped,
 *   so it keeps a packages build whole). To list another package, add one entry here.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The comment of `openapi/docs/downloads.md` that the docs build replaces by the list. */
export const DOWNLOADS_MARKER = "<!-- docs build: downloads -->";

/** One file of the list. */
export interface Download {
  /** File name in the docs site (`dist/docs/<file>`), linked relatively. */
  file: string;
  title: string;
  /** What it is and how to use it: one or two sentences, `code` in backticks. */
  description: string;
}

/** A package tarball that `npm run docs -- --packages` builds and lists. */
export interface PackageDownload {
  /** The npm script that builds the tarball and prints its path as its last line. */
  script: string;
  /** Builds the tarball and returns its path, instead of the script (for a caller that makes it itself). */
  pack?: () => string;
  title: string;
  /** As `Download.description`; `{file}` stands for the tarball's file name. */
  description: string;
}

/** The files every docs build writes and lists, in the order of the page. */
export const POSTMAN_COLLECTION_FILE = "session-api.postman_collection.json";
export const POSTMAN_ENVIRONMENT_FILE = "session-api.postman_environment.json";

export const siteDownloads: Download[] = [
  {
    file: "openapi.yaml",
    title: "API description, YAML",
    description:
      "The OpenAPI 3.0.3 description of every operation, schema, example and error code: for code generators, mock servers and API clients.",
  },
  { file: "openapi.json", title: "API description, JSON", description: "The same description as JSON." },
  {
    file: POSTMAN_COLLECTION_FILE,
    title: "Postman collection",
    description:
      'One request per operation with its example, signed by the collection\'s pre-request script over the exact bytes sent, and tests of each answer. Import it into Postman with the environment below, or run both with newman (Getting started, "Postman").',
  },
  {
    file: POSTMAN_ENVIRONMENT_FILE,
    title: "Postman environment",
    description: "The sandbox's variables `baseUrl`, `operatorUrl`, `memberId`, `secret` and `kyrenToken`: change them to yours.",
  },
  {
    file: "signing-test-vectors.json",
    title: "Signing test vectors",
    description: "Inputs and expected canonical string, body `hash` and `HASH` of each vector: your signing code must reproduce every one.",
  },
];

/**
 * The package tarballs `--packages` builds, in the order of the page. One entry per
 * package: the script that packs it, a title, and a description with `{file}`.
 */
export const packageDownloads: PackageDownload[] = [
  {
    script: "pack:client",
    title: "Client package",
    description:
      "`@luckymonaco/session-api-client`, the typed client for JavaScript and TypeScript (Node 20.19 or later) that signs every request, with the helpers to check the session expired callback. Keep the file in your project, say in `vendor/`, and `npm install ./vendor/{file}`: your `package.json` then refers to it by a relative path.",
  },
  {
    script: "pack:certify",
    title: "Certification kit",
    description:
      "`@luckymonaco/session-api-certify`, the go-live check of your session expired receiver (Node 20.19 or later): `npm install --save-dev ./vendor/{file}`, then `CERTIFY_SECRET=<your secret> npx session-api-certify --url <your callbackUrl> --member-id <your MEMB_ID>` (Go-live checklist).",
  },
  {
    script: "pack:sandbox",
    title: "Local sandbox",
    description:
      "`@luckymonaco/session-api-sandbox`, this sandbox on your machine or in your CI, with no network (Node 20.19 or later): `npm install --save-dev ./vendor/{file}`, then `npx session-api-sandbox` (port 3000, partner `demo`, secret `sandbox-secret`, in memory; `PORT` and `HOST` change where it listens).",
  },
];

/** A listed file with what the page shows about it. */
export interface ListedDownload extends Download {
  bytes: number;
  sha256: string;
}

/**
 * Reads size and SHA-256 of each file in the site directory.
 *
 * @throws Error when a listed file was not written
 */
export function listDownloads(siteDir: string, downloads: Download[]): ListedDownload[] {
  return downloads.map((download) => {
    const path = join(siteDir, download.file);
    const bytes = statSync(path, { throwIfNoEntry: false })?.size;
    if (bytes === undefined) throw new Error(`the downloads list names ${download.file}, which the docs build did not write to ${siteDir}`);
    return { ...download, bytes, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
  });
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`);

/** The list as a Markdown table, for the docs' **Downloads** page. */
export function renderDownloadsMarkdown(listed: ListedDownload[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ");
  const rows = listed.map(
    (download) =>
      `| **${cell(download.title)}**: [${download.file}](${download.file}), ${size(download.bytes)} | ${cell(download.description)} |`,
  );
  return ["| File | What it is |", "|---|---|", ...rows].join("\n");
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** Inline Markdown of a description as HTML: only code spans. */
const inlineHtml = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

/**
 * The rows of `downloads.html`.
 *
 * @returns HTML `<tr>` elements, one per file: link, title, description, size and SHA-256
 */
export function renderDownloadsRows(listed: ListedDownload[]): string {
  return listed
    .map(
      (download) =>
        `<tr><td><a href="${encodeURI(download.file)}" download>${escapeHtml(download.file)}</a></td><td><strong>${escapeHtml(download.title)}.</strong> ${inlineHtml(download.description)}</td><td class="size">${size(download.bytes)}</td><td><code class="digest">${download.sha256}</code></td></tr>`,
    )
    .join("\n        ");
}
