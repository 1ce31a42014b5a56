// The signing playground, dist/docs/playground.html as `npm run docs`
// builds it, opened from disk in headless Chromium with every request outside the page
// recorded and refused. For every published vector it reproduces the canonical string,
// the body `hash` and `HASH`: from the exact `rawBody` bytes ("sign these exact bytes"),
// and from `fields` where the vector's bytes are the compact serialisation. Its curl
// command works against the sandbox and the example receiver, the timestamp button
// follows the spec, the docs link to it, and the page makes no request and shows no error.
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPlayground } from "../../../src/codegen/playground/build.js";
import { requestFacts } from "../../../src/codegen/request-facts.js";
import { repoRoot, signingVectors, type OpenApiDocument, type SigningVector } from "../../../src/codegen/spec.js";
import { haveChromium, launchChromium, watchedPage, type WatchedPage } from "../../support/chromium.js";
import { useServerAndReceiver } from "../../support/servers.js";
import { bundledSpec } from "../../support/spec-views.js";

const run = promisify(execFile);
const enabled = haveChromium();
const playgroundUrl = pathToFileURL(join(repoRoot, "dist/docs/playground.html")).href;
const { vectors } = signingVectors();
const operations = requestFacts(bundledSpec);
const ends = useServerAndReceiver();

let browser: Browser;
let watched: WatchedPage;
let page: Page;

beforeAll(async () => {
  if (!enabled) return;
  browser = await launchChromium();
  watched = await watchedPage(browser, "file:");
  page = watched.page;
  await page.goto(playgroundUrl, { waitUntil: "load" });
});

afterAll(async () => {
  await browser?.close();
});

/** What the page shows once its latest computation is done. */
async function results(target: Page = page) {
  await target.locator('#results[data-ready="true"]').waitFor({ timeout: 10_000 });
  const text = (id: string) => target.locator(`#${id}`).innerText();
  return {
    error: (await target.locator("#error").isVisible()) ? await text("error") : undefined,
    canonicalString: await text("canonical-string"),
    bodyHash: await text("body-hash"),
    bodyHashCheck: await text("body-hash-check"),
    rawBody: await target.locator("#raw-body").textContent(),
    HASH: await text("hash-param"),
    curl: await target.locator("#curl").textContent(),
  };
}

/** Fills the form as a reader would. */
async function sign(
  input: { operationId: string; mode: "fields" | "exact"; body: string; secret?: string; partnerId?: string; baseUrl?: string },
  target: Page = page,
) {
  await target.selectOption("#operation", input.operationId);
  await target.check(`input[name="mode"][value="${input.mode}"]`);
  await target.fill("#body", input.body);
  await target.fill("#secret", input.secret ?? "sandbox-secret");
  await target.fill("#partner-id", input.partnerId ?? "demo");
  if (input.baseUrl !== undefined) await target.fill("#base-url", input.baseUrl);
  return results(target);
}

function expectVector(shown: Awaited<ReturnType<typeof results>>, vector: SigningVector) {
  expect(shown.error).toBeUndefined();
  if (vector.canonicalString === null) {
    expect(shown.canonicalString).toContain("this operation's body has no hash");
    expect(shown.bodyHash).toContain("this operation's body has no hash");
  } else {
    expect(shown.canonicalString).toBe(vector.canonicalString);
    expect(shown.bodyHash).toBe(vector.hash);
  }
  expect(shown.rawBody).toBe(vector.rawBody);
  expect(shown.HASH).toBe(vector.HASH);
}

describe.skipIf(!enabled)("signing playground, offline in Chromium", () => {
  it("offers every operation of the spec", async () => {
    const offered = await page
      .locator("#operation option")
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(offered).toEqual(operations.map((operation) => operation.operationId));
  });

  it.each(vectors.map((vector) => [vector.name, vector] as const))("reproduces vector %s from its exact bytes", async (_name, vector) => {
    const shown = await sign({ operationId: vector.operationId, mode: "exact", body: vector.rawBody, secret: vector.secret });
    expectVector(shown, vector);
    if (vector.hash !== null) expect(shown.bodyHashCheck).toBe("The body's hash matches.");
  });

  it.each(
    vectors
      .filter((vector) => JSON.stringify(vector.hash === null ? vector.fields : { ...vector.fields, hash: vector.hash }) === vector.rawBody)
      .map((vector) => [vector.name, vector] as const),
  )("reproduces vector %s from its fields, serialising them to its exact bytes", async (_name, vector) => {
    expectVector(
      await sign({ operationId: vector.operationId, mode: "fields", body: JSON.stringify(vector.fields, null, 2), secret: vector.secret }),
      vector,
    );
  });

  it("carries the signed bytes over when the reader switches to 'sign these exact bytes', and back", async () => {
    const signed = await sign({ operationId: "closeSession", mode: "fields", body: '{"secureLogin":"player-1001","clearHistory":"1"}' });
    await page.check('input[name="mode"][value="exact"]');
    expect(await page.inputValue("#body")).toBe(signed.rawBody);
    const exact = await results();
    expect(exact.bodyHashCheck).toBe("The body's hash matches.");
    expect(exact.HASH).toBe(signed.HASH);
    await page.check('input[name="mode"][value="fields"]');
    expect(JSON.parse(await page.inputValue("#body"))).toEqual({ secureLogin: "player-1001", clearHistory: "1" });
  });

  it("explains a body it cannot sign, and still gives HASH over exact bytes that are not JSON", async () => {
    const nested = await sign({ operationId: "closeSession", mode: "fields", body: '{"secureLogin":"p","extra":{"a":1}}' });
    expect(nested.error).toMatch(/^cannot sign: cannot sign field "extra"/);
    const broken = await sign({ operationId: "closeSession", mode: "exact", body: "{not json" });
    expect(broken.error).toBeUndefined();
    expect(broken.canonicalString).toMatch(/^the body is not valid JSON/);
    expect(broken.HASH).toMatch(/^[0-9a-f]{64}$/);
    const noSecret = await sign({ operationId: "closeSession", mode: "fields", body: '{"secureLogin":"p"}', secret: "" });
    expect(noSecret.error).toBe("enter the partner secret");
    const differs = await sign({ operationId: "closeSession", mode: "exact", body: '{"secureLogin":"p","hash":"0123"}' });
    expect(differs.bodyHashCheck).toBe("The body's hash differs: it was not computed as above.");
  });

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    "gives a curl command for %s that the other side accepts",
    async (_id, operation) => {
      const baseUrl = operation.implementedBy === "operator" ? ends.receiver.baseUrl : ends.server.baseUrl;
      // The example as the page shows it, untouched: it carries the current timestamp.
      await page.selectOption("#operation", operation.operationId);
      await page.check('input[name="mode"][value="fields"]');
      const shownBody = JSON.parse(await page.inputValue("#body")) as { timestamp?: number };
      if ("timestamp" in operation.example) expect(Math.abs(shownBody.timestamp! - Date.now() / 1000)).toBeLessThan(60);
      const shown = await sign({ operationId: operation.operationId, mode: "fields", body: JSON.stringify(shownBody, null, 2), baseUrl });
      expect(shown.error).toBeUndefined();
      expect(shown.curl).toMatch(/^curl -sS -X POST '/);
      const { stdout } = await run("bash", ["-c", `${shown.curl} -w '\\n%{http_code}'`]);
      expect(stdout.trim().split("\n").at(-1), stdout).toBe("200");
    },
  );

  it("offers 'add the current timestamp' exactly for the operations whose request schema has timestamp", async () => {
    for (const operation of operations) {
      await page.selectOption("#operation", operation.operationId);
      expect(await page.locator("#add-timestamp").isVisible(), operation.operationId).toBe(operation.properties.includes("timestamp"));
    }
  });

  it("made no request outside the page and showed no error", () => {
    expect(watched.outside).toEqual([]);
    expect(watched.errors).toEqual([]);
  });
});

describe.skipIf(!enabled)("signing playground of a spec whose request schema has timestamp", () => {
  let dir: string;
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("sets timestamp to the current Unix time in seconds, and signs it", async () => {
    const spec = structuredClone(bundledSpec) as OpenApiDocument;
    spec.components.schemas.CloseSessionRequest!.properties = {
      ...(spec.components.schemas.CloseSessionRequest!.properties as object),
      timestamp: { type: "integer" },
    };
    dir = mkdtempSync(join(tmpdir(), "playground-"));
    writeFileSync(join(dir, "playground.html"), await renderPlayground(spec));
    copyFileSync(join(repoRoot, "dist/docs/favicon.svg"), join(dir, "favicon.svg"));
    const other = await watchedPage(browser, "file:");
    try {
      await other.page.goto(pathToFileURL(join(dir, "playground.html")).href, { waitUntil: "load" });
      await sign({ operationId: "closeSession", mode: "fields", body: '{"secureLogin":"player-1001"}' }, other.page);
      const before = Math.floor(Date.now() / 1000);
      await other.page.click("#add-timestamp");
      const shown = await results(other.page);
      const sent = JSON.parse(shown.rawBody!) as { timestamp: number; hash: string };
      expect(sent.timestamp).toBeGreaterThanOrEqual(before);
      expect(sent.timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      expect(shown.canonicalString).toBe(`secureLogin=player-1001&timestamp=${sent.timestamp}`);
      expect(other.outside).toEqual([]);
      expect(other.errors).toEqual([]);
    } finally {
      await other.context.close();
    }
  });
});

describe.skipIf(!enabled)("the base URL the playground offers", () => {
  /** Opens the playground at `url` and returns the base URL shown for ENTER, then for the callback, then for ENTER again. */
  async function offered(url: string, origin: string): Promise<string[]> {
    const other = await watchedPage(browser, origin);
    try {
      await other.page.goto(url, { waitUntil: "load" });
      const shown: string[] = [];
      for (const operationId of ["enterGameSession", "sessionExpired", "enterGameSession"]) {
        await other.page.selectOption("#operation", operationId);
        await other.page.locator('#results[data-ready="true"]').waitFor({ timeout: 10_000 });
        shown.push(await other.page.inputValue("#base-url"));
      }
      expect(other.errors).toEqual([]);
      return shown;
    } finally {
      await other.context.close();
    }
  }

  it("is the origin that serves it, when the reference server does; the receiver's for the callback", async () => {
    expect(await offered(`${ends.server.baseUrl}/docs/playground.html`, ends.server.baseUrl)).toEqual([
      ends.server.baseUrl,
      "http://127.0.0.1:3100",
      ends.server.baseUrl,
    ]);
  });

  it("is the local sandbox when it is opened from disk", async () => {
    expect(await offered(playgroundUrl, "file:")).toEqual(["http://127.0.0.1:3000", "http://127.0.0.1:3100", "http://127.0.0.1:3000"]);
  });
});

it("is served beside the docs by the reference server, at /docs/playground.html", async () => {
  const response = await fetch(`${ends.server.baseUrl}/docs/playground.html`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  expect(await response.text()).toContain("connect-src 'none'");
});

describe.skipIf(!enabled)("the docs link to the playground", () => {
  it.each([
    ["the signing guide", "request-signing"],
    ["the introduction", ""],
  ])("from %s", async (_where, route) => {
    const docs = await watchedPage(browser, "file:");
    try {
      await docs.page.goto(`${pathToFileURL(join(repoRoot, "dist/docs/index.html")).href}#/${route}`, { waitUntil: "load" });
      const link = docs.page.locator('a[href="playground.html"]').first();
      await link.waitFor({ state: "attached", timeout: 15_000 });
      await Promise.all([docs.page.waitForURL(/playground\.html$/), link.evaluate((anchor) => (anchor as HTMLAnchorElement).click())]);
      await docs.page.locator("h1", { hasText: "Signing playground" }).waitFor();
      expect(docs.outside).toEqual([]);
    } finally {
      await docs.context.close();
    }
  });
});
