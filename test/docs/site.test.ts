// The published docs site (dist/docs/index.html, built by `npm run docs`) opened from disk
// in headless Chromium with every network request blocked: the four operations, the error
// catalog and the signing guide must render, which needs Redoc's script to run offline.
// Screenshots go to test-results/. Without Chromium the test is skipped with a message
// (set REQUIRE_BROWSER=1, as .ci/run does, to make that a failure instead).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../src/build/spec.js";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(executablePath);
const missing = `Chromium not found at ${executablePath}: the docs browser test did not run. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`;
if (!haveChromium && process.env.REQUIRE_BROWSER === "1") throw new Error(missing);
if (!haveChromium) console.warn(missing);

const docsUrl = pathToFileURL(join(repoRoot, "dist/docs/index.html")).href;
const screenshots = join(repoRoot, "test-results");

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const blocked: string[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  mkdirSync(screenshots, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    blocked.push(url);
    return route.abort("internetdisconnected");
  });
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

describe.skipIf(!haveChromium)("docs site, offline in Chromium", () => {
  it("renders the introduction from the prerendered page", async () => {
    const text = await open("", "Lucky Monaco session API (1.0.0)", "home");
    expect(text).toContain("provider → operator");
  });

  /** Picks a language in the code-sample panel's menu and returns the page text. */
  async function sampleIn(language: "curl" | "TypeScript"): Promise<string> {
    await page.getByRole("button", { name: /^(curl|TypeScript)$/ }).first().click();
    await page.getByRole("menuitem", { name: language, exact: true }).click();
    return page.evaluate(() => document.body.innerText);
  }

  it.each([
    ["game-sessions/entergamesession", "Open a game session (ENTER)", "/api/session", "createSessionApiClient"],
    ["game-sessions/closesession", "Close a player's sessions (V4)", "/V4/closesession", "createSessionApiClient"],
    ["kyren-v1/closesessionkyren", "Close a player's sessions (Kyren v1)", "/v1/CloseSession", "createSessionApiClient"],
    ["operator-callbacks/sessionexpired", "Session expired (provider to operator)", "/V4/sessionexpired", "authenticateSignedRequest"],
  ])("renders the operation %s with its curl and TypeScript samples", async (route, summary, path, typescript) => {
    const text = await open(route, summary, route.split("/")[1]!);
    expect(text).toContain(path);
    expect(text).toMatch(/401/);
    expect(await sampleIn("curl")).toContain("curl -sS -X POST");
    expect(await sampleIn("TypeScript")).toContain(typescript);
  });

  it("renders the error catalog with every code", async () => {
    const text = await open("error-catalog", "Duplicate request id", "error-catalog");
    for (const code of ["G.00", "G.01", "G.02", "G.03", "V.01", "V.02", "V.03", "V.04"]) expect(text).toContain(code);
  });

  it("renders the signing guide and the test vectors", async () => {
    const guide = await open("request-signing", "Step 1", "request-signing");
    expect(guide).toContain("HMAC-SHA256");
    const vectors = await open("signing-test-vectors", "close-session-all-fields", "signing-test-vectors");
    expect(vectors).toContain("a12a9e8c0f479704fd2b1e4c7361442f");
  });

  it("ran Redoc's script without errors and without the network", () => {
    expect(pageErrors).toEqual([]);
    // Blocked requests (Redoc's optional logo) are listed so a new dependency on the network shows up here.
    expect(blocked.filter((url) => !url.startsWith("https://cdn.redoc.ly/redoc/logo"))).toEqual([]);
  });
});
