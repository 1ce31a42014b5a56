// Start-up configuration: environment variables and PARTNERS_FILE are validated, and a
// bad value stops start-up with a message that names the field.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { loadConfig } from "../../../src/server/config.js";
import { loadPartnersFile } from "../../../src/partners/partners-file.js";
import { makeDataDir, removeDataDir, startChildServer } from "../../support/child-server.js";
import { freePort } from "../../support/processes.js";

const dir = mkdtempSync(join(tmpdir(), "session-api-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("environment", () => {
  it("defaults to a sandbox on 127.0.0.1:3000 with ./data/sessions.db", () => {
    expect(loadConfig({})).toMatchObject({
      host: "127.0.0.1",
      port: 3000,
      databaseUrl: "./data/sessions.db",
      partnersFile: undefined,
      sqliteSynchronous: "NORMAL",
    });
  });

  it("has a freshness tolerance of 300 s unless SIGNATURE_TOLERANCE_SECONDS says otherwise", () => {
    expect(loadConfig({}).signatureToleranceSeconds).toBe(300);
    expect(loadConfig({ SIGNATURE_TOLERANCE_SECONDS: "60" }).signatureToleranceSeconds).toBe(60);
    expect(() => loadConfig({ SIGNATURE_TOLERANCE_SECONDS: "0" })).toThrow("SIGNATURE_TOLERANCE_SECONDS must be >= 1");
    expect(() => loadConfig({ SIGNATURE_TOLERANCE_SECONDS: "2.5" })).toThrow("SIGNATURE_TOLERANCE_SECONDS must be integer");
  });

  it("refuses an EXPIRY_SWEEP_SECONDS over a day, which a timer cannot hold (it would fire at once, in a loop)", () => {
    expect(loadConfig({ EXPIRY_SWEEP_SECONDS: "86400" }).expirySweepSeconds).toBe(86400);
    expect(() => loadConfig({ EXPIRY_SWEEP_SECONDS: "3000000" })).toThrow("EXPIRY_SWEEP_SECONDS must be <= 86400");
  });

  it("warms up for 10 s unless BACKGROUND_WARM_UP_SECONDS says otherwise: 0 (none) to 600", () => {
    expect(loadConfig({}).backgroundWarmUpSeconds).toBe(10);
    expect(loadConfig({ BACKGROUND_WARM_UP_SECONDS: "0" }).backgroundWarmUpSeconds).toBe(0);
    expect(loadConfig({ BACKGROUND_WARM_UP_SECONDS: "600" }).backgroundWarmUpSeconds).toBe(600);
    expect(() => loadConfig({ BACKGROUND_WARM_UP_SECONDS: "-1" })).toThrow("BACKGROUND_WARM_UP_SECONDS must be >= 0");
    expect(() => loadConfig({ BACKGROUND_WARM_UP_SECONDS: "601" })).toThrow("BACKGROUND_WARM_UP_SECONDS must be <= 600");
    expect(() => loadConfig({ BACKGROUND_WARM_UP_SECONDS: "2.5" })).toThrow("BACKGROUND_WARM_UP_SECONDS must be integer");
  });

  it("takes SANDBOX_CALLBACK_URL, an http(s) URL, only without PARTNERS_FILE", () => {
    expect(loadConfig({ SANDBOX_CALLBACK_URL: "http://127.0.0.1:4000" }).sandboxCallbackUrl).toBe("http://127.0.0.1:4000");
    expect(() => loadConfig({ SANDBOX_CALLBACK_URL: "ftp://127.0.0.1" })).toThrow("SANDBOX_CALLBACK_URL must match pattern");
    expect(() => loadConfig({ SANDBOX_CALLBACK_URL: "http://127.0.0.1:4000", PARTNERS_FILE: "partners.yaml" })).toThrow(
      "SANDBOX_CALLBACK_URL is for the sandbox partner, without PARTNERS_FILE",
    );
  });

  it("names every invalid variable", () => {
    expect(() => loadConfig({ PORT: "70000", GAME_BASE_URL: "ftp://x", LAUNCH_TOKEN_SECRET: "short" })).toThrow(
      /PORT must be <= 65535.*GAME_BASE_URL must match pattern.*LAUNCH_TOKEN_SECRET must NOT have fewer than 32 characters/,
    );
    expect(() => loadConfig({ PORT: "eighty" })).toThrow("invalid configuration: PORT must be integer");
  });
});

describe("PARTNERS_FILE", () => {
  it("reads YAML, applies defaults, and reads JSON too", () => {
    const yaml = file(
      "ok.yaml",
      "partners:\n  - memberId: casino-one\n    secret: casino-one-secret-0001\n    kyrenToken: casino-one-kyren-01\n",
    );
    expect(loadPartnersFile(yaml)).toEqual([
      {
        memberId: "casino-one",
        secret: "casino-one-secret-0001",
        kyrenToken: "casino-one-kyren-01",
        callbackUrl: undefined,
        sessionExpiredCallback: false,
        requireTimestamp: false,
      },
    ]);
    const json = file(
      "ok.json",
      JSON.stringify({
        partners: [{ memberId: "c2", secret: "c2-secret-000000001", callbackUrl: "https://c2.example/lm", sessionExpiredCallback: true }],
      }),
    );
    expect(loadPartnersFile(json)[0]).toMatchObject({ memberId: "c2", callbackUrl: "https://c2.example/lm", sessionExpiredCallback: true });
  });

  it.each([
    ["a missing secret", "partners:\n  - memberId: c1\n", "partners[0] needs exactly one of secret and secrets"],
    [
      "both secret and secrets",
      "partners:\n  - memberId: c1\n    secret: c1-secret-00000001\n    secrets: [c1-secret-00000002]\n",
      "partners[0] needs exactly one of secret and secrets",
    ],
    [
      "three secrets",
      "partners:\n  - memberId: c1\n    secrets: [c1-secret-00000001, c1-secret-00000002, c1-secret-00000003]\n",
      "partners[0].secrets must NOT have more than 2 items",
    ],
    [
      "the same secret twice",
      "partners:\n  - memberId: c1\n    secrets: [c1-secret-00000001, c1-secret-00000001]\n",
      "partners[0].secrets must NOT have duplicate items",
    ],
    [
      "a short second secret",
      "partners:\n  - memberId: c1\n    secrets: [c1-secret-00000001, short]\n",
      "partners[0].secrets[1] must NOT have fewer than 16 characters",
    ],
    [
      "both kyrenToken and kyrenTokens",
      "partners:\n  - memberId: c1\n    secret: c1-secret-00000001\n    kyrenToken: c1-kyren-token-0001\n    kyrenTokens: [c1-kyren-token-0002]\n",
      "partners[0] takes kyrenToken or kyrenTokens, not both",
    ],
    ["a short secret", "partners:\n  - memberId: c1\n    secret: short\n", "partners[0].secret must NOT have fewer than 16 characters"],
    [
      "callbacks on without a URL",
      "partners:\n  - memberId: c1\n    secret: c1-secret-00000001\n    sessionExpiredCallback: true\n",
      "partners[0].callbackUrl is required",
    ],
    [
      "a misspelt field",
      "partners:\n  - memberId: c1\n    secret: c1-secret-00000001\n    kyren_token: x\n",
      "partners[0].kyren_token is not a known field",
    ],
    [
      "requireTimestamp that is not a boolean",
      "partners:\n  - memberId: c1\n    secret: c1-secret-00000001\n    requireTimestamp: yes please\n",
      "partners[0].requireTimestamp must be boolean",
    ],
    [
      "a duplicate partner",
      "partners:\n  - memberId: c1\n    secret: c1-secret-00000001\n  - memberId: c1\n    secret: c1-secret-00000002\n",
      "partners[1].memberId c1 is used twice",
    ],
    ["no partners", "partners: []\n", "partners must NOT have fewer than 1 items"],
    ["broken YAML", "partners: [\n", "PARTNERS_FILE"],
  ])("refuses %s, naming the field", (_name, content, message) => {
    const path = file(`bad-${Math.random()}.yaml`, content);
    expect(() => loadPartnersFile(path)).toThrow(message);
  });

  it("says where a YAML error is, in one line, without quoting the line: it may hold a secret", () => {
    const path = file("leaky.yaml", "partners:\n  - memberId: c1\n    secret: super: secret-value-123\n");
    expect(() => loadPartnersFile(path)).toThrow(
      /^PARTNERS_FILE .*leaky\.yaml: not valid YAML or JSON \(\w+ at line 3, column 13; the line is not shown/,
    );
    try {
      loadPartnersFile(path);
    } catch (error) {
      expect((error as Error).message).not.toContain("secret-value-123");
      expect((error as Error).message).not.toContain("\n");
    }
  });
});

describe("start-up", () => {
  const start = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "src/server/main.ts")], {
      env: { ...process.env, PORT: "0", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });

  it.each([
    [
      "a bad PARTNERS_FILE",
      () => ({ PARTNERS_FILE: file("bad.yaml", "partners:\n  - memberId: c1\n    secret: short\n"), DATABASE_URL: join(dir, "never.db") }),
      /PARTNERS_FILE .*bad\.yaml: partners\[0\]\.secret must NOT have fewer than 16 characters/,
    ],
    [
      "a DATABASE_URL it cannot serve",
      () => ({ DATABASE_URL: "mysql://db.example/sessions" }),
      /DATABASE_URL mysql:\/\/db\.example\/sessions: unsupported database URL scheme "mysql:"/,
    ],
    ["an invalid PORT", () => ({ PORT: "99999" }), /invalid configuration: PORT must be <= 65535/],
  ])("stops at %s with a message naming it and exit status 1", (_name, env, message) => {
    const result = start(env());
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^session-api server did not start: /);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    ["PORT", { PORT: "abc" }, "PORT must be a whole number from 0 to 65535, not abc"],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not loud"],
    [
      "SIGNATURE_TOLERANCE_SECONDS",
      { SIGNATURE_TOLERANCE_SECONDS: "0" },
      "SIGNATURE_TOLERANCE_SECONDS must be a whole number from 1 to 86400, not 0",
    ],
  ])("npm run operator stops at a bad %s with one line naming it and exit status 1", (_name, env, message) => {
    const result = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "src/operator/main.ts")], {
      env: { ...process.env, PORT: "0", ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`operator receiver did not start: ${message}\n`);
  });
});

describe("npm run migrate", () => {
  const migrate = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "src/store/migrate-command.ts"), ...args], {
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 30_000,
    });

  it("migrates the SQLite file DATABASE_URL names, saying what it applied, and again with nothing to do", () => {
    const database = join(dir, "migrated", "sessions.db");
    const first = migrate([], { DATABASE_URL: database });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^(DATABASE_URL ${database}: applied \\d{4}_[a-z0-9_]+\\.sql\n)+DATABASE_URL ${database}: schema up to date at version \\d+\n$`,
      ),
    );
    expect(first.stdout).toContain(`DATABASE_URL ${database}: applied 0001_initial.sql\n`);
    const version = /at version (\d+)/.exec(first.stdout)![1];
    expect(first.stdout.match(/: applied /g)).toHaveLength(Number(version));
    const again = migrate([], { DATABASE_URL: database });
    expect([again.status, again.stdout], again.stderr).toEqual([0, `DATABASE_URL ${database}: schema up to date at version ${version}\n`]);
    expect(existsSync(database)).toBe(true);
  });

  it("prints its usage for --help, refuses an argument with status 2, and a bad DATABASE_URL with status 1", () => {
    expect(migrate(["--help"])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^usage: \[DATABASE_URL=…\] npm run migrate/) });
    expect(migrate(["now"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^unexpected argument "now"\nusage:/) });
    expect(migrate([], { DATABASE_URL: "mysql://db.example/sessions" })).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/^migrate failed: .*unsupported database URL scheme "mysql:"/),
    });
  });
});

describe("/metrics, whose labels name partner ids", () => {
  it("is served only on METRICS_HOST:METRICS_PORT with a partners file, and not at all without METRICS_PORT", async () => {
    const partners = file("metrics.yaml", "partners:\n  - memberId: casino-metrics\n    secret: casino-metrics-secret-01\n");
    const dataDir = makeDataDir();
    const metricsPort = await freePort();
    const internal = await startChildServer(dataDir, { PARTNERS_FILE: partners, METRICS_PORT: String(metricsPort), LOG_LEVEL: "info" });
    const hidden = await startChildServer(makeDataDir(), { PARTNERS_FILE: partners, LOG_LEVEL: "info" });
    try {
      const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain("session_expired_callback_outbox_readable 1");
      expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(404);
      for (const server of [internal, hidden]) {
        const onApi = await fetch(`${server.baseUrl}/metrics`);
        expect([onApi.status, ((await onApi.json()) as { error: { code: string } }).error.code]).toEqual([404, "G.05"]);
      }
      expect(internal.process.output()).toContain(`metrics at http://127.0.0.1:${metricsPort}/metrics`);
      expect(hidden.process.output()).toContain("/metrics is not served: set METRICS_PORT");
    } finally {
      await Promise.all([internal.process.stop(), hidden.process.stop()]);
      removeDataDir(dataDir);
      removeDataDir(hidden.dataDir);
    }
  });
});

describe("start-up warning about timestamp", () => {
  const warningLines = (output: string) => output.split("\n").filter((line) => line.includes("requireTimestamp is off"));

  it("logs one warning naming the partners that do not require timestamp, and none in the sandbox", async () => {
    const partners = file(
      "timestamps.yaml",
      "partners:\n  - memberId: lax-one\n    secret: lax-one-secret-00001\n  - memberId: strict-one\n    secret: strict-one-secret-001\n    requireTimestamp: true\n  - memberId: lax-two\n    secret: lax-two-secret-00001\n    requireTimestamp: false\n",
    );
    const dataDir = makeDataDir();
    const configured = await startChildServer(dataDir, { PARTNERS_FILE: partners });
    const sandbox = await startChildServer(dataDir);
    try {
      const [line, ...more] = warningLines(configured.process.output());
      expect(more).toEqual([]);
      expect(JSON.parse(line!)).toMatchObject({ level: 40, msg: expect.stringMatching(/for 2 partner\(s\): lax-one, lax-two\./) });
      expect(line).not.toContain("strict-one");
      expect(warningLines(sandbox.process.output())).toEqual([]);
      expect(sandbox.process.output()).toContain("SANDBOX credentials are active");
    } finally {
      await Promise.all([configured.process.stop(), sandbox.process.stop()]);
      removeDataDir(dataDir);
    }
  });
});
