// Docs built for a deployment: with PUBLIC_SANDBOX_URL (and PUBLIC_PRODUCTION_URL) the
// docs build (with a package, as `npm run docs -- --packages` would pack it), into a
// directory of its own, writes pages and files that name the
// deployment's sandbox (the spec's first server, every code sample's default, the guides,
// the playground, the Postman collection and environment) and no loopback address; the
// only `localhost` left in the page is in Redoc's own script, checked against the
// installed copy of it. Without the variables the site keeps the local defaults of the
// committed bundle (dist/docs/, built by the global setup). The package's tarball is
// listed on the downloads page with its SHA-256, copied from the build that made it; the
// real packing is the client package suite's (it would race with it on dist/packages/).
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deploymentFromEnv,
  loopbackOutside,
  PUBLIC_OPERATOR_PLACEHOLDER,
  specForDeployment,
  localDeployment,
} from "../../../src/codegen/deployment.js";
import { buildDocsSite, redocLibrary } from "../../../src/codegen/docs-site.js";
import { repoRoot, type OpenApiDocument } from "../../../src/codegen/spec.js";
import { allOperations, bundledSpec, codeSamples } from "../../support/spec-views.js";

const SANDBOX = "https://sandbox.example.test";
const PRODUCTION = "https://api.example.test";
const LOOPBACK = /127\.0\.0\.1|localhost|\[::1\]/i;
let dir: string;

let packed: string;
const TARBALL = "luckymonaco-example-package-1.2.0.tgz";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "docs-deployment-"));
  packed = join(mkdtempSync(join(tmpdir(), "docs-package-")), TARBALL);
  // The one entry a package adds to the list, made here instead of by its npm script.
  const example = {
    script: "pack:example",
    title: "Example package",
    description: "Install it with `npm install ./vendor/{file}`.",
    pack: () => (writeFileSync(packed, "tarball bytes of this build"), packed),
  };
  await buildDocsSite({
    outDir: dir,
    packages: [example],
    env: { ...process.env, PUBLIC_SANDBOX_URL: `${SANDBOX}/`, PUBLIC_PRODUCTION_URL: PRODUCTION, PUBLIC_MOCK_URL: "" },
  });
}, 60_000);
afterAll(() => {
  for (const path of [dir, packed && join(packed, "..")]) if (path) rmSync(path, { recursive: true, force: true });
});

const read = (file: string) => readFileSync(join(dir, file), "utf8");
const json = (file: string) => JSON.parse(read(file));

describe("PUBLIC_SANDBOX_URL=https://sandbox.example.test npm run docs", () => {
  it("writes no file that names a loopback address; in the page, only Redoc's own script does", () => {
    const files = readdirSync(dir).filter((file) => !file.startsWith(".") && !file.endsWith(".tgz"));
    expect(files).toEqual(
      expect.arrayContaining([
        "index.html",
        "playground.html",
        "downloads.html",
        "openapi.json",
        "openapi.yaml",
        "session-api.postman_collection.json",
        "session-api.postman_environment.json",
      ]),
    );
    const naming = files.filter((file) => file !== "index.html" && LOOPBACK.test(read(file)));
    expect(naming).toEqual([]);
    expect(loopbackOutside(read("index.html"), redocLibrary())).toEqual([]);
  });

  it("makes the sandbox the spec's first server, and production the second, in the bundle it serves and in the page", () => {
    for (const file of ["openapi.json"])
      expect(json(file).servers.map((server: { url: string }) => server.url)).toEqual([SANDBOX, PRODUCTION]);
    expect(read("openapi.yaml")).toContain(`url: ${SANDBOX}`);
    expect(read("index.html")).toContain(SANDBOX);
  });

  it("gives every code sample, in every language, the sandbox as its default, and the guides its URL", () => {
    const spec = json("openapi.json") as OpenApiDocument;
    const shown = allOperations.flatMap((operation) =>
      (spec.paths[operation.path]![operation.method] as { "x-codeSamples": Array<{ label: string; source: string }> })["x-codeSamples"].map(
        (sample) => ({ operation, ...sample }),
      ),
    );
    expect(shown).toHaveLength(codeSamples.length);
    for (const sample of shown.filter((each) => each.operation.implementedBy === "provider"))
      expect(sample.source, `${sample.operation.operationId} ${sample.label}`).toContain(SANDBOX);
    const curlCallback = shown.find((sample) => sample.operation.implementedBy === "operator" && sample.label === "curl")!;
    expect(curlCallback.source).toContain(`\${OPERATOR_URL:-${PUBLIC_OPERATOR_PLACEHOLDER}}`);
    const gettingStarted = (spec as unknown as { tags: Array<{ name: string; description: string }> }).tags.find(
      (tag) => tag.name === "Getting started",
    )!;
    expect(gettingStarted.description).toContain(`\`${SANDBOX}\``);
  });

  it("gives the Postman collection and environment the sandbox as baseUrl", () => {
    const variables = (values: Array<{ key: string; value: string }>) =>
      Object.fromEntries(values.map((variable) => [variable.key, variable.value]));
    expect(variables(json("session-api.postman_collection.json").variable)).toMatchObject({
      baseUrl: SANDBOX,
      operatorUrl: PUBLIC_OPERATOR_PLACEHOLDER,
    });
    expect(variables(json("session-api.postman_environment.json").values)).toMatchObject({
      baseUrl: SANDBOX,
      operatorUrl: PUBLIC_OPERATOR_PLACEHOLDER,
      memberId: "demo",
    });
  });

  it("gives the playground the sandbox as its default, whichever origin serves it", () => {
    const page = read("playground.html");
    expect(page).toContain(`id="base-url" value="${SANDBOX}"`);
    expect(JSON.parse(/<script type="application\/json" id="defaults">(.*?)<\/script>/.exec(page)![1]!)).toEqual({
      provider: SANDBOX,
      operator: PUBLIC_OPERATOR_PLACEHOLDER,
      fixed: true,
    });
  });
});

describe("npm run docs -- --packages", () => {
  it("lists each package's tarball from the same build, with its SHA-256 and install line; a plain build lists none", () => {
    const page = read("downloads.html");
    const row = new RegExp(
      `<a href="${TARBALL}" download>.*?<code>npm install ./vendor/${TARBALL}</code>.*?<code class="digest">([0-9a-f]{64})</code>`,
    ).exec(page);
    expect(row, page).not.toBeNull();
    expect(row![1]).toBe(
      createHash("sha256")
        .update(readFileSync(join(dir, TARBALL)))
        .digest("hex"),
    );
    expect(readFileSync(join(repoRoot, "dist/docs/downloads.html"), "utf8")).not.toContain(".tgz");
  });
});

describe("without PUBLIC_SANDBOX_URL", () => {
  it("keeps the committed bundle's local defaults in dist/docs/", () => {
    const built = JSON.parse(readFileSync(join(repoRoot, "dist/docs/openapi.json"), "utf8"));
    expect(built.servers).toEqual((bundledSpec as unknown as { servers: unknown }).servers);
    const environment = JSON.parse(readFileSync(join(repoRoot, "dist/docs/session-api.postman_environment.json"), "utf8"));
    expect(environment.values.find((variable: { key: string }) => variable.key === "baseUrl").value).toBe(localDeployment.sandboxUrl);
    expect(readFileSync(join(repoRoot, "dist/docs/playground.html"), "utf8")).toContain(`"fixed":false`);
  });
});

describe("the deployment's variables", () => {
  it("must be http(s) base URLs; a trailing slash is dropped", () => {
    expect(deploymentFromEnv({ PUBLIC_SANDBOX_URL: "https://sandbox.example.test/v/" }).sandboxUrl).toBe("https://sandbox.example.test/v");
    expect(() => deploymentFromEnv({ PUBLIC_SANDBOX_URL: "sandbox.example.test" })).toThrow(
      /PUBLIC_SANDBOX_URL=sandbox.example.test is not an absolute URL/,
    );
    expect(() => deploymentFromEnv({ PUBLIC_SANDBOX_URL: "ftp://sandbox.example.test" })).toThrow(/http or https/);
    expect(() => deploymentFromEnv({ PUBLIC_PRODUCTION_URL: "https://api.example.test/?a=1" })).toThrow(/PUBLIC_PRODUCTION_URL.*no query/);
  });

  it("fail a public build whose spec names a loopback address the build does not know, naming where", () => {
    const spec = structuredClone(bundledSpec) as OpenApiDocument & { info: { description: string } };
    spec.info.description += "\n\nTry http://localhost:8080 first.";
    expect(() => specForDeployment(spec, deploymentFromEnv({ PUBLIC_SANDBOX_URL: SANDBOX }))).toThrow(
      /\/info\/description: .*localhost:8080/,
    );
  });
});
