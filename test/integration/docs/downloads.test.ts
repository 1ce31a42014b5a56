// The downloads page of the docs site: /docs/downloads.html lists the files a partner
// takes away (the bundle as YAML and JSON, the Postman collection and environment, the
// signing test vectors), the reference server serves each with 200 and the bytes whose
// SHA-256 the page gives, and the docs' side menu leads to the list. A build with
// packages: deployment.test.ts.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { haveChromium, launchChromium, watchedPage } from "../../support/chromium.js";
import { startTestServer, type TestServer } from "../../support/servers.js";

const enabled = haveChromium();
let server: TestServer;
let browser: Browser | undefined;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), enabled ? launchChromium() : undefined]);
});
afterAll(async () => {
  await Promise.all([server?.close(), browser?.close()]);
});

/** The rows of a downloads page: each link and the SHA-256 beside it. */
function rows(html: string): { file: string; sha256: string }[] {
  return [
    ...html.matchAll(/<tr><td><a href="([^"]+)" download>[^<]*<\/a><\/td>.*?<code class="digest">([0-9a-f]{64})<\/code><\/td><\/tr>/g),
  ].map((match) => ({ file: decodeURI(match[1]!), sha256: match[2]! }));
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("/docs/downloads.html", () => {
  it("lists the bundle, the Postman collection and environment and the vectors, each served by the reference server with 200 and the SHA-256 the page gives", async () => {
    const page = await fetch(`${server.baseUrl}/docs/downloads.html`);
    expect(page.status).toBe(200);
    const listed = rows(await page.text());
    expect(listed.map((row) => row.file)).toEqual(
      expect.arrayContaining([
        "openapi.yaml",
        "openapi.json",
        "session-api.postman_collection.json",
        "session-api.postman_environment.json",
        "signing-test-vectors.json",
      ]),
    );
    for (const row of listed) {
      const response = await fetch(`${server.baseUrl}/docs/${row.file}`);
      expect(response.status, row.file).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer())), row.file).toBe(row.sha256);
    }
  });

  it.skipIf(!enabled)("is reached from the docs' side menu: Downloads lists the same files and links the page", async () => {
    const { page, context } = await watchedPage(browser!, server.baseUrl);
    try {
      await page.goto(`${server.baseUrl}/docs/`, { waitUntil: "load" });
      await page
        .locator('[data-component-name="Menu/MenuItem"] a', { hasText: /^Downloads$/ })
        .first()
        .click();
      const link = page.locator('a[href="downloads.html"]').first();
      await link.waitFor({ state: "visible", timeout: 15_000 });
      for (const file of ["openapi.yaml", "session-api.postman_collection.json", "signing-test-vectors.json"])
        await page.locator(`a[href="${file}"]`).first().waitFor({ state: "visible", timeout: 5_000 });
      await Promise.all([page.waitForURL(/\/docs\/downloads\.html$/), link.click()]);
      await page.locator("h1", { hasText: "Downloads" }).waitFor();
    } finally {
      await context.close();
    }
  });
});

it("is linked from the playground", () => {
  expect(readFileSync(join(repoRoot, "dist/docs/playground.html"), "utf8")).toContain('<a href="downloads.html">Downloads</a>');
});
