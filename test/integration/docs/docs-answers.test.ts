// The built docs pages as the reference server serves them (src/server/docs-routes.ts):
// each page with the Content-Security-Policy its own meta tag states, the docs' errors in
// the default envelope, and a page sent whole whatever range or precondition was asked.
// Integration tier: it reads dist/docs/, which the tier's global set-up builds.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { useServerAndReceiver } from "../../support/servers.js";

const ends = useServerAndReceiver();

describe("the docs", () => {
  /** The policy a built page's meta tag states. */
  const metaPolicy = (page: string) =>
    /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(readFileSync(join(repoRoot, "dist/docs", page), "utf8"))![1];

  it.each(["index.html", "playground.html"])("sends %s with the Content-Security-Policy of its meta tag", async (page) => {
    const response = await fetch(`${ends.server.baseUrl}/docs/${page === "index.html" ? "" : page}`);
    expect([response.status, (await response.text()).length > 0]).toEqual([200, true]);
    expect(response.headers.get("content-security-policy")).toBe(metaPolicy(page));
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it.each([
    ["a missing page", "/docs/nope.html", 404, "G.05"],
    ["a dotfile", "/docs/.inputs.sha256", 404, "G.05"],
    ["a path that leaves the folder", "/docs/..%2f..%2fpackage.json", 404, "G.05"],
  ])("answers %s in the default envelope", async (_what, path, status, code) => {
    const response = await fetch(`${ends.server.baseUrl}${path}`);
    expect([response.status, response.headers.get("content-type")]).toEqual([status, "application/json"]);
    expect((await response.json()).error.code).toBe(code);
  });

  it("answers a page whole whatever the range or precondition asked, never 416 or 412", async () => {
    const range = await fetch(`${ends.server.baseUrl}/docs/`, { headers: { range: "bytes=99999999-" } });
    expect([range.status, (await range.arrayBuffer()).byteLength > 0]).toEqual([200, true]);
    const precondition = await fetch(`${ends.server.baseUrl}/docs/`, { headers: { "if-match": '"not-this-one"' } });
    expect([precondition.status, (await precondition.arrayBuffer()).byteLength > 0]).toEqual([200, true]);
  });
});
