// The certification kit and the local sandbox as partners get them: `npm run -s
// pack:certify` and `pack:sandbox` build tarballs that pass `npm publish --dry-run`, and
// an empty directory with no checkout installs both from the local npm cache. There,
// `npx session-api-sandbox` serves /health, its docs and the docs' curl ENTER (a launch
// URL), in memory (nothing written to the directory); `npx session-api-certify`
// certifies this repository's receiver and refuses one that verifies nothing, with its
// reports in the working directory.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { startScriptedReceiver } from "../../support/callback-receivers.js";
import { startProcess, withFreePort, type RunningProcess } from "../../support/processes.js";
import { startTestReceiver } from "../../support/servers.js";
import { codeSamples } from "../../support/spec-views.js";

const run = promisify(execFile);

/** The environment without the npm_* variables of the `npm test` that runs this suite, so a child npm reads only its own configuration. */
const cleanEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_/i.test(name) && name !== "NODE_OPTIONS" && !/^(DATABASE_URL|PARTNERS_FILE|PORT|HOST)$/.test(name),
    ),
  ),
  ...extra,
});

const rootManifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const packages = { certify: "@luckymonaco/session-api-certify", sandbox: "@luckymonaco/session-api-sandbox" } as const;
const tarballs: Record<keyof typeof packages, string> = { certify: "", sandbox: "" };
let scratch: string;

beforeAll(async () => {
  await Promise.all(
    (Object.keys(packages) as Array<keyof typeof packages>).map(async (which) => {
      const { stdout } = await run("npm", ["run", "-s", `pack:${which}`], { cwd: repoRoot, env: cleanEnv() });
      tarballs[which] = stdout.trim().split("\n").at(-1)!;
    }),
  );
  scratch = mkdtempSync(join(tmpdir(), "partner-commands-"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "scratch-partner-ci", private: true }));
  await run("npm", ["install", tarballs.certify, tarballs.sandbox, "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: scratch,
    env: cleanEnv(),
  });
}, 180_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.each(Object.entries(packages) as Array<[keyof typeof packages, string]>)("the %s package", (which, name) => {
  it("holds one bundled command, the bundle it reads, its README and license, and no TypeScript source", async () => {
    const { stdout } = await run("tar", ["tzf", tarballs[which]]);
    const files = stdout.trim().split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        `package/lib/session-api-${which}.mjs`,
        "package/generated/openapi.json",
        "package/README.md",
        "package/LICENSE",
        "package/package.json",
      ]),
    );
    expect(
      files.filter((file) => file.endsWith(".ts") || file.startsWith("package/src/") || file.startsWith("package/node_modules/")),
    ).toEqual([]);
  });

  it("pins each dependency to the root package.json's version, and passes npm publish --dry-run", async () => {
    const staged = join(repoRoot, "dist/packages", `session-api-${which}`);
    const manifest = JSON.parse(readFileSync(join(staged, "package.json"), "utf8")) as {
      version: string;
      bin: Record<string, string>;
      license: string;
      dependencies: Record<string, string>;
    };
    expect(manifest.bin).toEqual({ [`session-api-${which}`]: `lib/session-api-${which}.mjs` });
    expect(manifest.license).toBe("MIT");
    for (const [dependency, version] of Object.entries(manifest.dependencies))
      expect(version, dependency).toBe(rootManifest.dependencies[dependency] ?? rootManifest.devDependencies[dependency]);
    expect(Object.keys(manifest.dependencies)).not.toContain("tsx");
    const { stdout, stderr } = await run("npm", ["publish", "--dry-run"], { cwd: staged, env: cleanEnv() });
    expect(`${stdout}${stderr}`).toContain(`+ ${name}@${manifest.version}`);
  });
});

describe("npx session-api-sandbox, in a directory with no checkout", () => {
  let port = 0;
  let sandbox: RunningProcess;

  beforeAll(async () => {
    sandbox = await withFreePort((free) => {
      port = free;
      return startProcess("npx", ["session-api-sandbox"], {
        cwd: scratch,
        readyUrl: `http://127.0.0.1:${port}/health/ready`,
        env: cleanEnv({ PORT: String(port), LOG_LEVEL: "warn" }),
      });
    });
  }, 60_000);
  afterAll(() => sandbox?.stop());

  it("answers /health and serves its docs and playground", async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    for (const page of ["/docs/", "/docs/playground.html", "/docs/downloads.html", "/openapi.json"])
      expect((await fetch(`http://127.0.0.1:${port}${page}`)).status, page).toBe(200);
  });

  it("answers the docs' curl ENTER with a launch URL, and writes nothing to the directory (in memory)", async () => {
    const curl = codeSamples.find((sample) => sample.operation.operationId === "enterGameSession" && sample.label === "curl")!;
    const { stdout } = await run("bash", ["-c", curl.source], { cwd: scratch, env: cleanEnv({ BASE_URL: `http://127.0.0.1:${port}` }) });
    expect(JSON.parse(stdout)).toEqual({ url: expect.stringMatching(/^https:\/\/games\.luckymonaco\.example\/.*token=/) });
    expect(readdirSync(scratch).sort()).toEqual(["node_modules", "package-lock.json", "package.json"]);
  });

  it("refuses a PARTNERS_FILE: it is the sandbox partner's server only", async () => {
    const refused = await run("npx", ["session-api-sandbox"], { cwd: scratch, env: cleanEnv({ PARTNERS_FILE: "partners.yaml" }) }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining("PARTNERS_FILE") });
  });
});

describe("npx session-api-certify, in a directory with no checkout", () => {
  const partner = { ...sandboxPartner, memberId: "casino-7", secret: "casino-7 secret, not the sandbox's" };
  const certify = (url: string) =>
    run("npx", ["session-api-certify", "--url", url, "--member-id", partner.memberId], {
      cwd: scratch,
      env: cleanEnv({ CERTIFY_SECRET: partner.secret }),
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  it("certifies this repository's receiver, with both reports in the working directory", async () => {
    const receiver = await startTestReceiver([partner]);
    try {
      const result = await certify(receiver.baseUrl);
      expect(result.stdout).toContain("CERTIFIED: every mandatory check passed");
      expect(result.code).toBe(0);
      for (const report of ["report.html", "junit.xml"])
        expect(existsSync(join(scratch, "test-results/certify", report)), report).toBe(true);
      expect(readFileSync(join(scratch, "test-results/certify/report.html"), "utf8")).not.toContain(partner.secret);
    } finally {
      await receiver.close();
    }
  }, 120_000);

  it("refuses a receiver that answers 200 to everything, in signature security", async () => {
    const receiver = await startScriptedReceiver();
    try {
      const result = await certify(receiver.url);
      expect(result.stdout).toMatch(/✗ signature security\s+\d+ passed, \d+ FAILED/);
      expect(result.stdout).toContain("NOT CERTIFIED");
      expect(result.code).toBe(1);
    } finally {
      await receiver.close();
    }
  }, 120_000);
});
