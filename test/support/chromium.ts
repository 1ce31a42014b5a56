/**
 * Headless Chromium (Debian's package, driven by playwright-core) for the docs tests, with
 * a network watch: every request that leaves the page's own origin is recorded and
 * refused, and so is every request the page's Content-Security-Policy refused before it
 * reached the network. Without Chromium the suites are skipped with a message, unless
 * REQUIRE_BROWSER=1 (set by .ci/run), which makes that a failure.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** True when Chromium is installed; logs how to install it otherwise. @throws Error when missing and REQUIRE_BROWSER=1 */
export function haveChromium(): boolean {
  if (existsSync(executablePath)) return true;
  const missing = `Chromium not found at ${executablePath}: the docs browser tests did not run. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`;
  if (process.env.REQUIRE_BROWSER === "1") throw new Error(missing);
  console.warn(missing);
  return false;
}

/** Starts headless Chromium with the flags that keep it off the network by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page whose traffic outside `origin` is recorded and refused. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** URLs the page tried to load from another origin (refused by the watch or by the page's CSP). */
  outside: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
}

/**
 * Opens a new page in its own context. Requests to `origin` (`file:` for a page opened
 * from disk, or `http://127.0.0.1:PORT`) and `data:` URLs go through; every other request
 * is recorded in `outside` and aborted. CSP violations are recorded there too.
 *
 * @param viewport the page size in CSS pixels (default 1400 × 1000)
 */
export async function watchedPage(browser: Browser, origin: string, viewport = { width: 1400, height: 1000 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const watched: WatchedPage = { page: undefined as unknown as Page, context, outside: [], errors: [] };
  const local = (url: string) => url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:");
  context.on("request", (request) => {
    if (!local(request.url())) watched.outside.push(request.url());
  });
  await context.route("**/*", (route) => (local(route.request().url()) ? route.continue() : route.abort("blockedbyclient")));
  await context.exposeFunction("__reportViolation", (uri: string) => watched.outside.push(`CSP refused: ${uri}`));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) =>
      (window as unknown as { __reportViolation(uri: string): void }).__reportViolation(event.blockedURI),
    );
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => watched.errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") watched.errors.push(`console: ${message.text()}`);
  });
  page.on("websocket", (socket) => watched.outside.push(socket.url()));
  watched.page = page;
  return watched;
}

/**
 * Scrolls the page from top to bottom, one viewport at a time, pausing on each so that
 * lazily rendered content renders (and so that anything it would load, it loads).
 *
 * @returns the number of steps it took
 */
export async function scrollThrough(page: Page): Promise<number> {
  await page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollTo(0, 0));
  for (let steps = 1; ; steps++) {
    const moved = await page.evaluate(() => {
      const scroller = document.scrollingElement ?? document.documentElement;
      const before = scroller.scrollTop;
      scroller.scrollBy(0, window.innerHeight * 0.9);
      return scroller.scrollTop !== before;
    });
    await page.waitForTimeout(60);
    if (!moved || steps >= 200) return steps;
  }
}
