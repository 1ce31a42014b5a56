// The client package as partners get it: `npm run -s pack:client` builds the tarball,
// which passes `npm publish --dry-run` and which an empty scratch project installs from
// the local npm cache as a partner would. There, with no loader and nothing of this
// repository on the module path: the install pulls in no server dependency, the README's
// first call runs with plain `node` against an in-process sandbox and type-checks as
// TypeScript with the README's tsconfig, the package README's callback receiver accepts a
// signed call and refuses a forged one, and `tsc` (the repository's TypeScript 5.9)
// compiles a correct call but rejects a mistyped body.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { startProcess, withFreePort } from "../../support/processes.js";
import { SANDBOX } from "../../support/requests.js";
import { startTestServer, type TestServer } from "../../support/servers.js";

const run = promisify(execFile);
const packageName = "@luckymonaco/session-api-client";

/** The environment without the npm_* variables of the `npm test` that runs this suite, so a child npm reads only its own configuration. */
const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "NODE_OPTIONS")),
  ...extra,
});

/** The fenced code blocks of a Markdown file, in order, with their language. */
function codeBlocks(markdown: string): { lang: string; code: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({ lang: match[1]!, code: match[2]! }));
}

/** The one ```js block of `markdown` that contains `marker`. @throws Error unless exactly one does */
function snippet(markdown: string, marker: string): string {
  const found = codeBlocks(markdown).filter((block) => block.lang === "js" && block.code.includes(marker));
  if (found.length !== 1) throw new Error(`expected one js block with ${marker}, found ${found.length}`);
  return found[0]!.code;
}

/** Names of every package in an `npm ls --all --json` tree (the root project excluded). */
function installedNames(tree: { dependencies?: Record<string, unknown> }): string[] {
  return Object.entries(tree.dependencies ?? {}).flatMap(([name, node]) => [name, ...installedNames(node as typeof tree)]);
}

/** openapi-fetch and everything it needs, read from the repository's installed copies. */
function dependencyClosure(name: string): string[] {
  const manifest = JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return [name, ...Object.keys(manifest.dependencies ?? {}).flatMap(dependencyClosure)];
}

const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const packageManifest = JSON.parse(readFileSync(join(repoRoot, "packages/session-api-client/package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

let tarball: string;
let scratch: string;
let server: TestServer;

beforeAll(async () => {
  const [{ stdout }, started] = await Promise.all([
    run("npm", ["run", "-s", "pack:client"], { cwd: repoRoot, env: cleanEnv() }),
    startTestServer(),
  ]);
  server = started;
  tarball = stdout.trim().split("\n").at(-1)!;
  scratch = mkdtempSync(join(tmpdir(), "client-package-"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch-partner-project", private: true, type: "module" }));
  await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: scratch,
    env: cleanEnv(),
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("npm run -s pack:client", () => {
  it("prints the tarball's absolute path as its last line, named after the contract's version", () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, "generated/openapi.json"), "utf8")) as { info: { version: string } }).info
      .version;
    expect(isAbsolute(tarball)).toBe(true);
    expect(tarball).toBe(join(repoRoot, `dist/packages/luckymonaco-session-api-client-${version}.tgz`));
  });

  it("packs compiled JavaScript, .d.ts files, package.json, the README and the license only", async () => {
    const { stdout } = await run("tar", ["tzf", tarball]);
    const files = stdout.trim().split("\n");
    expect(files).toContain("package/lib/packages/session-api-client/src/index.js");
    expect(files).toContain("package/lib/generated/schema.d.ts");
    expect(files.filter((file) => !/^package\/(package\.json|README\.md|LICENSE|lib\/.+\.(js|d\.ts))$/.test(file))).toEqual([]);
    expect(files.filter((file) => /\/(server|store|operator|partners|codegen|cli)\//.test(file))).toEqual([]);
  });

  it("is publishable: a license, engines, typed exports, and `npm publish --dry-run` passes", async () => {
    const staged = join(repoRoot, "dist/packages/session-api-client");
    const manifest = JSON.parse(readFileSync(join(staged, "package.json"), "utf8")) as Record<string, any>;
    expect(manifest.license).toBe("MIT");
    expect(readFileSync(join(staged, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    expect(manifest.engines).toEqual({ node: ">=20.19.0" });
    for (const entry of [".", "./signing"]) expect(Object.keys(manifest.exports[entry])).toEqual(["types", "default"]);
    expect(manifest.private).toBeUndefined();
    const { stdout, stderr } = await run("npm", ["publish", "--dry-run"], { cwd: staged, env: cleanEnv() });
    expect(`${stdout}${stderr}`).toContain(`+ ${packageName}@${manifest.version}`);
  });
});

describe("installed in an empty project", () => {
  it("pulls in the package, openapi-fetch and what openapi-fetch needs, and nothing else", async () => {
    const { stdout } = await run("npm", ["ls", "--all", "--json"], { cwd: scratch, env: cleanEnv() });
    const installed = new Set(installedNames(JSON.parse(stdout)));
    const expected = new Set([packageName, ...Object.keys(packageManifest.dependencies).flatMap(dependencyClosure)]);
    expect([...installed].sort()).toEqual([...expected].sort());
    expect([...expected].sort()).toEqual(["@luckymonaco/session-api-client", "openapi-fetch", "openapi-typescript-helpers"]);
    const serverSide = Object.keys({ ...rootManifest.dependencies, ...rootManifest.devDependencies }).filter((name) => !expected.has(name));
    expect(serverSide).toEqual(expect.arrayContaining(["fastify", "libsql", "@redocly/cli"]));
    expect(serverSide.filter((name) => installed.has(name))).toEqual([]);
  });

  it("runs the README's first call with plain node against the sandbox", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const code = snippet(readme, `from "${packageName}"`);
    const packageReadme = readFileSync(join(scratch, "node_modules", packageName, "README.md"), "utf8");
    expect(snippet(packageReadme, "console.log(response.status")).toBe(code); // the package README shows the same first call
    writeFileSync(join(scratch, "first-call.mjs"), code);
    const { stdout } = await run(process.execPath, ["first-call.mjs"], { cwd: scratch, env: cleanEnv({ BASE_URL: server.baseUrl }) });
    expect(stdout).toBe("200 { error: 0, description: 'Success' }\n");
  });

  it("runs the package README's callback receiver: a signed callback is accepted; a forged one, an unknown partner (same answer) and a stale one refused", async () => {
    const packageReadme = readFileSync(join(scratch, "node_modules", packageName, "README.md"), "utf8");
    writeFileSync(join(scratch, "receiver.mjs"), snippet(packageReadme, "authenticateSignedRequest"));
    let port = 0;
    const receiver = await withFreePort((free) => {
      port = free;
      return startProcess(process.execPath, [join(scratch, "receiver.mjs")], {
        readyUrl: `http://127.0.0.1:${port}/`,
        env: cleanEnv({ PORT: String(port) }),
      });
    });
    try {
      const baseUrl = `http://127.0.0.1:${port}`;
      const body = { providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "player-1001" };
      const signed = await createSessionApiClient({ baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret }).POST(
        "/V4/sessionexpired",
        { body },
      );
      expect(signed.response.status).toBe(200);
      expect(signed.data).toEqual({ error: 0, description: "Success" });
      const forged = await createSessionApiClient({ baseUrl, partnerId: SANDBOX.memberId, secret: "guessed-secret" }).POST(
        "/V4/sessionexpired",
        { body },
      );
      expect(forged.response.status).toBe(401);
      expect(forged.error?.error.code).toBe("G.00");
      const stranger = await createSessionApiClient({ baseUrl, partnerId: "nobody", secret: SANDBOX.secret }).POST("/V4/sessionexpired", {
        body,
      });
      expect(stranger.error, "an unknown MEMB_ID gets the same answer as a wrong HASH").toEqual(forged.error);
      const stale = await createSessionApiClient({
        baseUrl,
        partnerId: SANDBOX.memberId,
        secret: SANDBOX.secret,
        now: () => Date.now() - 600_000,
      }).POST("/V4/sessionexpired", { body });
      expect([stale.response.status, stale.error?.error.code]).toEqual([401, "G.04"]);
    } finally {
      await receiver.stop();
    }
  });

  it("type-checks the README's first call as TypeScript in a fresh project with the README's tsconfig", async () => {
    const packageReadme = readFileSync(join(scratch, "node_modules", packageName, "README.md"), "utf8");
    const tsconfigs = codeBlocks(packageReadme).filter((block) => block.lang === "json");
    expect(tsconfigs).toHaveLength(1);
    const project = mkdtempSync(join(tmpdir(), "client-typescript-"));
    try {
      // A partner's project: "type": "module" and @types/node as the README says; the package from the tarball.
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "partner-typescript-project", private: true, type: "module" }));
      await run(
        "npm",
        [
          "install",
          tarball,
          `@types/node@${rootManifest.devDependencies["@types/node"]}`,
          "--prefer-offline",
          "--no-audit",
          "--no-fund",
          "--ignore-scripts",
        ],
        { cwd: project, env: cleanEnv() },
      );
      writeFileSync(join(project, "tsconfig.json"), tsconfigs[0]!.code);
      writeFileSync(join(project, "first-call.ts"), snippet(packageReadme, "console.log(response.status"));
      // --skipLibCheck: the package's .d.ts files are checked in full by the next test, and
      // @types/node's are not ours to check (3.5 s of the 4 s a check takes, each).
      const checked = await run(join(repoRoot, "node_modules/.bin/tsc"), ["-p", project, "--skipLibCheck"], { cwd: project }).then(
        () => ({ code: 0, stdout: "" }),
        (error: { code: number; stdout: string }) => error,
      );
      expect(checked.stdout).toBe("");
      expect(checked.code).toBe(0);
      // and the same check without "type": "module" fails, so the README's advice is needed
      writeFileSync(join(project, "package.json"), JSON.stringify({ name: "partner-typescript-project", private: true }));
      await expect(run(join(repoRoot, "node_modules/.bin/tsc"), ["-p", project, "--skipLibCheck"], { cwd: project })).rejects.toMatchObject(
        {
          stdout: expect.stringMatching(/TS1378|TS1309|TS2792|top-level 'await'/),
        },
      );
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 90_000);

  it("lets tsc compile a correct call and reject mistyped bodies, from the package's .d.ts", async () => {
    const client = `import { createSessionApiClient, type components } from "${packageName}";\nconst client = createSessionApiClient({ baseUrl: "http://127.0.0.1:3000", partnerId: "demo", secret: "sandbox-secret" });\n`;
    writeFileSync(
      join(scratch, "good.ts"),
      `${client}const { data } = await client.POST("/V4/closesession", { body: { secureLogin: "player-1001", clearHistory: "1" } });\nconst text: string | undefined = data?.description;\nconst enter: components["schemas"]["EnterGameSessionRequest"]["gametype"] = "slot";\nconsole.log(text, enter);\n`,
    );
    const mistakes = [
      { body: `{ secureLogin: 1001 }`, error: /error TS2322: Type 'number' is not assignable to type 'string'\./ },
      { body: `{ clearHistory: "1" }`, error: /error TS2322: .*\n\s+Property 'secureLogin' is missing/ },
      {
        body: `{ secureLogin: "player-1001", clearHistory: "yes" }`,
        error: /error TS2322: Type '"yes"' is not assignable to type '"0" \| "1" \| undefined'\./,
      },
    ];
    writeFileSync(
      join(scratch, "bad.ts"),
      `${client}${mistakes.map((mistake) => `await client.POST("/V4/closesession", { body: ${mistake.body} });\n`).join("")}`,
    );
    writeFileSync(
      join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          lib: ["ES2023", "DOM"],
          types: [],
          skipLibCheck: false,
        },
        files: ["good.ts", "bad.ts"],
      }),
    );
    const failure = await run(join(repoRoot, "node_modules/.bin/tsc"), ["-p", scratch], { cwd: scratch }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(2);
    const errors = failure!.stdout.split(/\n(?=\S)/).filter(Boolean); // one entry per error, with its indented detail lines
    expect(
      errors.map((error) => error.slice(0, error.indexOf("("))),
      failure!.stdout,
    ).toEqual(mistakes.map(() => "bad.ts"));
    mistakes.forEach((mistake, index) => {
      expect(errors[index]).toMatch(new RegExp(`^bad\\.ts\\(${index + 3},\\d+\\): ${mistake.error.source}`));
    });
  }, 60_000);
});
