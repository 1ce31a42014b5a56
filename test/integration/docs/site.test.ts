// The published docs site (dist/docs/index.html, built by `npm run docs`) opened from disk
// in headless Chromium with every request outside it refused: the four operations with
// their code samples, the error catalog, the signing guide and the search must work, which
// needs Redoc's script to run offline. The guides too: the getting-started
// guide's flow diagram loads from the site, every guide heading reads in full in the side
// menu (Redoc drops inline code there), and no error code of the catalog breaks across
// lines at a phone's width. Screenshots go to test-results/. Without Chromium
// the suite is skipped with a message (REQUIRE_BROWSER=1, as in .ci/run, makes that a
// failure). test/docs/offline.test.ts holds the page to sending nothing for 10 s and more.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { readErrorCatalog } from "../../../src/codegen/spec.js";
import { haveChromium, launchChromium, watchedPage, type WatchedPage } from "../../support/chromium.js";
import { allOperations, bundledSpec, codeSamples, operationRoute, tagRoute } from "../../support/spec-views.js";

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

/** The guide pages (trait tags) with their Markdown, as in the bundle. */
const guides = (bundledSpec as unknown as { tags: { name: string; description: string; "x-traitTag"?: boolean }[] }).tags.filter(
  (tag) => tag["x-traitTag"],
);

/** The headings of a page's Markdown (outside code fences) as the reader should see them: without the # marks and code-span backticks. */
function headingTexts(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").flatMap((line) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    return heading ? [heading[1]!.replace(/`/g, "").trim()] : [];
  });
}

/** The relative targets of the links and images of the pages (`playground.html`, `integration-flow.svg`, …). */
const relativeTargets = [
  ...new Set(
    [(bundledSpec as any).info.description, ...guides.map((tag) => tag.description)]
      .flatMap((markdown: string) => [...markdown.matchAll(/\]\(([^)\s#]+)\)/g)].map((match) => match[1]!))
      .filter((target) => !/^[a-z]+:/i.test(target)),
  ),
];

/** The page title Redoc renders: the spec's title and version. */
const { info } = bundledSpec as unknown as { info: { title: string; version: string } };
const title = `${info.title} (${info.version})`;

describe.skipIf(!enabled)("docs site, offline in Chromium", () => {
  it("renders the introduction from the prerendered page", async () => {
    const text = await open("", title, "home");
    expect(text).toContain("provider → operator");
  });

  /**
   * Picks a language in the code-sample panel's menu and waits until the panel shows
   * `line` of that sample: Redoc swaps the panel after the click, so reading the page at
   * once can still see the previous language. Times out (failing with the label) after 10 s.
   */
  async function showSample(label: string, labels: string[], line: string): Promise<void> {
    await page
      .getByRole("button", { name: new RegExp(`^(${labels.map((each) => each.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})$`) })
      .first()
      .click();
    await page.getByRole("menuitem", { name: label, exact: true }).click();
    await page
      .waitForFunction((expected) => document.body.innerText.includes(expected), line, { timeout: 10_000 })
      .catch(() => expect.fail(`the ${label} sample never showed: ${line}`));
  }

  it.each(allOperations.map((operation) => [operation.operationId, operation] as const))(
    "renders %s with each of its code samples",
    async (_id, operation) => {
      const text = await open(operationRoute(operation), operation.summary, operation.operationId);
      expect(text).toContain(operation.path);
      for (const status of operation.statuses) expect(text).toContain(String(status));
      const samples = codeSamples.filter((sample) => sample.operation === operation);
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) {
        const line = sample.source.split("\n").find((candidate) => candidate.trim().length > 30 && !/^\s*(#|\/\/)/.test(candidate))!;
        await showSample(
          sample.label,
          samples.map((each) => each.label),
          line.trim(),
        );
      }
    },
  );

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

  it("renders the getting-started guide with its flow diagram, loaded from the site itself, and the first call's samples", async () => {
    await open("getting-started", "The integration flow", "getting-started");
    const diagram = await page.evaluate(() => {
      const image = Array.from(document.images).find((candidate) => candidate.getAttribute("src") === "integration-flow.svg");
      return (
        image && {
          complete: image.complete,
          naturalWidth: image.naturalWidth,
          shownWidth: image.getBoundingClientRect().width,
          src: image.currentSrc,
        }
      );
    });
    expect(diagram).toMatchObject({ complete: true, src: pathToFileURL(join(repoRoot, "dist/docs/integration-flow.svg")).href });
    expect(diagram!.naturalWidth).toBeGreaterThan(0);
    expect(diagram!.shownWidth).toBeGreaterThan(300);
    const text = await open(`getting-started/${tagRoute("Your first call")}`, "Your first call", "getting-started-first-call");
    for (const label of ["curl", "TypeScript"]) {
      const sample = codeSamples.find((candidate) => candidate.operation.operationId === "enterGameSession" && candidate.label === label)!;
      const line = sample.source.split("\n").find((candidate) => candidate.trim().length > 30 && !/^\s*(#|\/\/)/.test(candidate))!;
      expect(text, `${label} sample of ENTER`).toContain(line.trim());
    }
  });

  it("renders the go-live checklist, ending with the certification kit", async () => {
    const text = await open("go-live-checklist", "Your session expired receiver", "go-live-checklist");
    expect(text).toContain("npx session-api-certify --url");
    expect(text).toContain("requireTimestamp");
  });

  it("shows every heading of every guide page in full in the side menu", async () => {
    const pagesWithHeadings = guides.filter((tag) => headingTexts(tag.description).length > 0);
    expect(pagesWithHeadings.map((tag) => tag.name)).toEqual(
      expect.arrayContaining(["Getting started", "Request signing", "Go-live checklist"]),
    );
    for (const tag of pagesWithHeadings) {
      await page.goto(`${docsUrl}#/${tagRoute(tag.name)}`, { waitUntil: "load" });
      const entry = page.locator('[data-component-name="Menu/MenuItem"]', { has: page.locator("a", { hasText: tag.name }) }).first();
      await entry.locator('[data-component-name="Menu/MenuItem"]').first().waitFor({ state: "visible", timeout: 15_000 });
      const labels = await entry
        .locator('[data-component-name="Menu/MenuItem"]')
        .evaluateAll((items) => items.map((item) => (item as HTMLElement).innerText.split("\n")[0]!.trim()));
      expect(labels, tag.name).toEqual(headingTexts(tag.description));
    }
  });

  it("keeps every code of the error catalog on one line, even at a phone's width", async () => {
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      await open("error-catalog", "Duplicate request id", "error-catalog-narrow");
      const cells = await page.evaluate(() => {
        const table = Array.from(document.querySelectorAll("table")).find((candidate) => candidate.innerText.includes("Retry?"))!;
        return Array.from(table.querySelectorAll("tbody tr")).map((row) => {
          const code = (row as HTMLTableRowElement).cells[0]!.querySelector("code")!;
          return { text: code.innerText, lines: code.getClientRects().length };
        });
      });
      expect(cells.map((cell) => cell.text)).toEqual(readErrorCatalog(bundledSpec).map((entry) => entry.code));
      expect(cells.filter((cell) => cell.lines !== 1)).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
  });

  it("links only to files the docs build writes next to the page", () => {
    expect(relativeTargets).toEqual(expect.arrayContaining(["integration-flow.svg", "playground.html", "signing-test-vectors.json"]));
    expect(relativeTargets.filter((target) => !existsSync(join(repoRoot, "dist/docs", target)))).toEqual([]);
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
