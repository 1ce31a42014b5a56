// The published docs site (dist/docs/index.html, built by `npm run docs`) opened from disk
// in headless Chromium with every request outside it refused: the four operations with
// their code samples, the error catalog, the signing guide and the search must work, which
// needs Redoc's script to run offline. Screenshots go to test-results/. Without Chromium
// the suite is skipped with a message (REQUIRE_BROWSER=1, as in .ci/run, makes that a
// failure). test/docs/offline.test.ts holds the page to sending nothing for 10 s and more.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { readErrorCatalog } from "../../../src/codegen/spec.js";
import { haveChromium, launchChromium, watchedPage, type WatchedPage } from "../../support/chromium.js";
import { allOperations, bundledSpec, codeSamples, operationRoute } from "../../support/spec-views.js";

const enabled = haveChromium();
const docsUrl = pathToFileURL(join(repoRoot, "dist/docs/index.html")).href;
const screenshots = join(repoRoot, "test-results");

let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  if (!enabled) return;
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
  watched = await watchedPage(browser, "file:");
  page = watched.page;
});

afterAll(async () => {
  await browser?.close();
});

/** Opens a section of the docs by its route and returns the page text once `expected` shows. */
async function open(route: string, expected: string, screenshot: string): Promise<string> {
  await page.goto(`${docsUrl}#/${route}`, { waitUntil: "load" });
  await page.getByText(expected, { exact: false }).first().waitFor({ state: "visible", timeout: 15_000 });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.screenshot({ path: join(screenshots, `docs-${screenshot}.png`) });
  return page.evaluate(() => document.body.innerText);
}

/** The page title Redoc renders: the spec's title and version. */
const { info } = bundledSpec as unknown as { info: { title: string; version: string } };
const title = `${info.title} (${info.version})`;

describe.skipIf(!enabled)("docs site, offline in Chromium", () => {
  it("renders the introduction from the prerendered page", async () => {
    const text = await open("", title, "home");
    expect(text).toContain("provider → operator");
  });

  /** Picks a language in the code-sample panel's menu and returns the page text. */
  async function sampleIn(label: string, labels: string[]): Promise<string> {
    await page.getByRole("button", { name: new RegExp(`^(${labels.map((each) => each.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`) }).first().click();
    await page.getByRole("menuitem", { name: label, exact: true }).click();
    return page.evaluate(() => document.body.innerText);
  }

  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))("renders %s with each of its code samples", async (_id, operation) => {
    const text = await open(operationRoute(operation), operation.summary, operation.operationId);
    expect(text).toContain(operation.path);
    for (const status of operation.statuses) expect(text).toContain(String(status));
    const samples = codeSamples.filter((sample) => sample.operation === operation);
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      const line = sample.source.split("\n").find((candidate) => candidate.trim().length > 30 && !/^\s*(#|\/\/)/.test(candidate))!;
      expect(await sampleIn(sample.label, samples.map((each) => each.label)), `${sample.label} sample`).toContain(line.trim());
    }
  });

  it("renders the error catalog with every code", async () => {
    const text = await open("error-catalog", "Duplicate request id", "error-catalog");
    for (const entry of readErrorCatalog(bundledSpec)) expect(text).toContain(entry.code);
  });

  it("renders the signing guide and the test vectors", async () => {
    const guide = await open("request-signing", "Step 1", "request-signing");
    expect(guide).toContain("HMAC-SHA256");
    const vectors = await open("signing-test-vectors", "close-session-all-fields", "signing-test-vectors");
    expect(vectors).toContain("a12a9e8c0f479704fd2b1e4c7361442f");
  });

  it("finds an error code with the search, offline", async () => {
    await open("", title, "search");
    await page.getByText("Search").first().click();
    await page.keyboard.type("Duplicate");
    const hit = page.locator('[data-component-name="Search/SearchItem"]', { hasText: "Error catalog" }).first();
    await hit.waitFor({ state: "visible", timeout: 10_000 });
    expect(await hit.innerText()).toContain("request id");
    await page.keyboard.press("Escape");
  });

  it("ran Redoc's script without errors and without a single request outside the page", () => {
    expect(watched.errors).toEqual([]);
    expect(watched.outside).toEqual([]);
  });
});
