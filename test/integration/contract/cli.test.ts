// `npm run contract` as a provider's CI runs it: the CLI in a child process against a
// remote provider (here a broken one: signatures ignored) and operator. It prints the
// seed, fails with exit 1 on the check that catches the defect, prints a reproduction
// that, pasted into bash, reproduces the failure, and writes JUnit and HTML reports.
// A bad variable is exit 2 with a message that names it.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runContractCli } from "../../../src/contract/cli.js";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";
import type { DefectProxy as BrokenProxy } from "../../support/defect-proxy.js";
import { startBrokenProxy } from "./broken-server-proxies.js";

const run = promisify(execFile);
const credentials = { memberId: sandboxPartner.memberId, secret: sandboxPartner.secret, kyrenToken: sandboxPartner.kyrenToken! };

let server: TestServer;
let receiver: TestReceiver;
let proxy: BrokenProxy;
let reportDir: string;
let cli: { code: number; stdout: string; stderr: string };

/** Runs the CLI with `env` over the inherited environment; never rejects. */
async function contractCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(repoRoot, "src/contract/cli.ts")], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  [server, receiver] = await Promise.all([startTestServer(), startTestReceiver()]);
  proxy = await startBrokenProxy("ignores-signatures", server.baseUrl, credentials);
  reportDir = mkdtempSync(join(tmpdir(), "contract-cli-"));
  cli = await contractCli({
    CONTRACT_BASE_URL: proxy.baseUrl,
    CONTRACT_OPERATOR_URL: receiver.baseUrl,
    CONTRACT_MEMBER_ID: credentials.memberId,
    CONTRACT_SECRET: credentials.secret,
    CONTRACT_KYREN_TOKEN: credentials.kyrenToken,
    CONTRACT_SEED: "77",
    CONTRACT_CASES: "4",
    CONTRACT_CHECKS: "ignored_auth",
    CONTRACT_REPORT_DIR: reportDir,
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([proxy?.close(), server?.close(), receiver?.close()]);
  rmSync(reportDir, { recursive: true, force: true });
});

describe("npm run contract against a provider that ignores signatures", () => {
  it("prints the seed first and exits 1 on ignored_auth", () => {
    expect(cli.stdout.split("\n")[1], cli.stderr).toMatch(/^Seed 77 \(CONTRACT_SEED=77 repeats this run\), 4 generated requests/);
    expect(cli.code, cli.stdout).toBe(1);
    expect(cli.stdout).toMatch(/✗ ignored_auth +\d+ passed, 2 FAILED/);
    expect(cli.stdout).toMatch(/Generated: \d+ requests \(\d+ cases\) in [\d.]+ s: \d+ requests\/s/);
    expect(cli.stdout).toContain("CONTRACT_SEED=77 CONTRACT_CASES=4 npm run contract");
  });

  it("prints no signature, secret, Kyren token or launch token", () => {
    expect(cli.stdout).toContain("token=<launch token sha256:");
    expect(cli.stdout).not.toMatch(/token=[A-Za-z0-9_-]{40,}/);
    expect(cli.stdout).not.toMatch(/HASH=[0-9a-f]{64}/);
    expect(cli.stdout).not.toContain(credentials.secret);
    expect(cli.stdout).not.toContain(credentials.kyrenToken);
  });

  it("prints a reproduction that reproduces the failure (a wrong HASH accepted) when pasted into bash", async () => {
    const lines = cli.stdout.split("\n").map((line) => line.replace(/^ {6}/, ""));
    const start = lines.findIndex((line) => line.includes("HASH keyed with a wrong secret"));
    expect(lines[start + 1]).toContain("expected 401 G.00, got 200");
    const script = lines.slice(start + 1).slice(lines.slice(start + 1).findIndex((line) => line.startsWith("TS=")));
    const curl = script.findIndex((line) => line.startsWith("curl "));
    expect(curl, cli.stdout).toBeGreaterThan(0);
    const { stdout } = await run("bash", ["-c", script.slice(0, curl + 1).join("\n")], {
      env: { ...process.env, CONTRACT_SECRET: credentials.secret },
    });
    expect(stdout).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("writes a JUnit report with the failures and an HTML report grouped by check", () => {
    const junit = readFileSync(join(reportDir, "junit.xml"), "utf8");
    expect(junit).toMatch(/<testsuite name="ignored_auth"[^>]*failures="2"/);
    expect(junit).toContain("<failure");
    const html = readFileSync(join(reportDir, "report.html"), "utf8");
    expect(html).toContain("<h2>ignored_auth");
    expect(html).toContain("HASH keyed with a wrong secret");
  });

  it("exits 2 naming a bad variable (in-process: the same function the bin runs)", async () => {
    const errors: string[] = [];
    expect(
      await runContractCli(
        { CONTRACT_CASES: "many" },
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join("\n")).toContain("CONTRACT_CASES must be an integer");
    expect(
      await runContractCli(
        { CONTRACT_TOLERANCE_SECONDS: "0" },
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join("\n")).toContain('CONTRACT_TOLERANCE_SECONDS must be an integer of at least 1, not "0"');
    expect(
      await runContractCli(
        { CONTRACT_BASE_URL: "http://127.0.0.1:9" },
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join("\n")).toContain("CONTRACT_MEMBER_ID, CONTRACT_SECRET must be set");
  });

  it("prints its usage for --help and exits 0, and exits 2 for an argument, without testing anything", async () => {
    const lines: string[] = [];
    expect(
      await runContractCli(
        {},
        (line) => lines.push(line),
        (line) => lines.push(line),
        ["--help"],
      ),
    ).toBe(0);
    expect(lines.join("\n")).toMatch(/^usage: .*npm run contract[\s\S]*CONTRACT_CHECKS/);
    expect(
      await runContractCli(
        {},
        (line) => lines.push(line),
        (line) => lines.push(line),
        ["--url", "http://x"],
      ),
    ).toBe(2);
    expect(lines.join("\n")).toContain('contract: unexpected argument "--url"');
    expect(lines.join("\n")).not.toContain("Contract tests:");
  });
});
