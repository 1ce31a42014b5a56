// The docs site sends nothing anywhere (issue "docs phone home"): opened from disk and
// served at /docs/ by the reference server, each copy is walked through every section
// (each guide and tag page, each operation: Redoc renders one route at a time, lazily),
// scrolled to the bottom of each and kept open for at least 10 s, with every request
// outside its own origin recorded and refused. Not one may have been attempted, and the
// page shows no error. The 10 s are what make this strict: Redoc's telemetry sends on a timer.
// Every image a section shows (the getting-started guide's flow diagram, Redoc's logo)
// must have loaded, from the site itself.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { haveChromium, launchChromium, scrollThrough, watchedPage } from "../../support/chromium.js";
import { startTestServer, type TestServer } from "../../support/servers.js";
import { allOperations, bundledSpec, operationRoute, tagRoute } from "../../support/spec-views.js";

const STAY_MS = 10_500;
const enabled = haveChromium();
let browser: Browser;
let server: TestServer;

/** Every section of the site: its route and the heading that shows it has rendered. */
const sections: { route: string; heading: string }[] = [
  { route: "", heading: (bundledSpec as any).info.title },
  ...(bundledSpec as unknown as { tags: { name: string }[] }).tags.map((tag) => ({ route: tagRoute(tag.name), heading: tag.name })),
  ...allOperations.map((operation) => ({ route: operationRoute(operation), heading: operation.summary })),
];

beforeAll(async () => {
  if (!enabled) return;
  [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Walks `base` through every section, stays at least STAY_MS, and returns what left the origin and the errors. */
async function visit(base: string, origin: string) {
  // A tall viewport: fewer scroll steps to render every part of a section.
  const watched = await watchedPage(browser, origin, { width: 1400, height: 2400 });
  const since = Date.now();
  let steps = 0;
  const seen: string[] = [];
  const images = new Map<string, number>();
  for (const { route, heading } of sections) {
    await watched.page.goto(`${base}#/${route}`, { waitUntil: "load" });
    await watched.page.getByRole("heading", { name: heading }).first().waitFor({ state: "visible", timeout: 15_000 });
    await watched.page.waitForFunction(() => Array.from(document.images).every((image) => image.complete), undefined, { timeout: 15_000 });
    for (const image of await watched.page.evaluate(() =>
      Array.from(document.images).map((each) => ({ src: each.currentSrc, width: each.naturalWidth })),
    ))
      images.set(image.src, image.width);
    seen.push(await watched.page.evaluate(() => document.body.innerText)); // what the section rendered
    steps += await scrollThrough(watched.page);
  }
  const left = STAY_MS - (Date.now() - since);
  if (left > 0) await watched.page.waitForTimeout(left);
  const favicon = await watched.page.evaluate(() => document.querySelector<HTMLLinkElement>("link[rel=icon]")?.href);
  await watched.context.close();
  return { outside: watched.outside, errors: watched.errors, steps, seen: seen.join("\n"), favicon, images, stayedMs: Date.now() - since };
}

describe.skipIf(!enabled)("docs site sends nothing outside its origin", () => {
  it("opened from disk and served at /docs/: every section, scrolled, for at least 10 s each", async () => {
    const fromDisk = pathToFileURL(join(repoRoot, "dist/docs/index.html")).href;
    const [disk, served] = await Promise.all([visit(fromDisk, "file:"), visit(`${server.baseUrl}/docs/`, server.baseUrl)]);
    for (const result of [disk, served]) {
      expect(result.stayedMs).toBeGreaterThanOrEqual(STAY_MS);
      expect(result.steps).toBeGreaterThanOrEqual(sections.length);
      for (const operation of allOperations) expect(result.seen).toContain(operation.summary);
      expect(result.seen).toContain("Duplicate request id"); // the error catalog rendered
      expect([...result.images.keys()].filter((src) => src.endsWith("/integration-flow.svg"))).toHaveLength(1); // the getting-started guide's diagram
      expect([...result.images].filter(([, width]) => width === 0).map(([src]) => src)).toEqual([]);
      expect(result.outside).toEqual([]);
      expect(result.errors).toEqual([]);
    }
    expect(served.favicon).toBe(`${server.baseUrl}/docs/favicon.svg`);
    expect(served.images.get(`${server.baseUrl}/docs/integration-flow.svg`)).toBeGreaterThan(0);
    expect(disk.images.get(pathToFileURL(join(repoRoot, "dist/docs/integration-flow.svg")).href)).toBeGreaterThan(0);
  }, 90_000);

  it("serves the favicon that browsers ask for at /favicon.ico", async () => {
    const response = await fetch(`${server.baseUrl}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect(await response.text()).toContain("<svg");
  });
});
