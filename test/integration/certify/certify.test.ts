// The operator certification kit: the project's receiver (src/operator/) passes every
// category; each deliberately broken receiver (broken-receivers.ts) fails exactly the
// category its defect belongs to. The CLI exits 0 / 1 / 2, prints a line per category and
// the failing exchange, writes HTML and JUnit reports with every request and answer,
// and prints no signature or secret.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories } from "../../../src/certify/checks.js";
import { runCertifyCli } from "../../../src/certify/cli.js";
import { runCertification } from "../../../src/certify/run.js";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";
import { startBrokenReceiver, type ReceiverDefect } from "./broken-receivers.js";

const run = promisify(execFile);
const partner = { ...sandboxPartner, memberId: "casino-7", secret: "casino-7 secret, not the sandbox's" };
const credentials = { memberId: partner.memberId, secret: partner.secret, kyrenToken: "" };

let receiver: TestReceiver;
let reportDir: string;
/** One certification of the project's receiver, which several tests read. */
let certified: Awaited<ReturnType<typeof runCertification>>;

beforeAll(async () => {
  receiver = await startTestReceiver([partner]);
  reportDir = mkdtempSync(join(tmpdir(), "certify-"));
  certified = await runCertification({ url: `${receiver.baseUrl}/`, credentials });
});

afterAll(async () => {
  await receiver?.close();
  rmSync(reportDir, { recursive: true, force: true });
});

async function failedCategories(url: string): Promise<string[]> {
  const result = await runCertification({ url, credentials });
  return [...new Set(result.report.cases.filter((entry) => entry.outcome === "failed").map((entry) => `${entry.suite}`))].sort();
}

describe("certification of the project's receiver", () => {
  it("passes every category, and every category has checks", async () => {
    const result = certified;
    expect(
      result.report.cases
        .filter((entry) => entry.outcome === "failed")
        .map((entry) => `${entry.suite}: ${entry.name}: ${entry.message}\n${entry.details}`),
    ).toEqual([]);
    expect(result.failed).toBe(false);
    expect([...new Set(result.report.cases.map((entry) => entry.suite))]).toEqual([...categories]);
    // The repeated callback was recorded once and acknowledged each time.
    expect(receiver.received().some((entry) => entry.deliveries >= 2)).toBe(true);
  });
});

// A receiver that skips a signature also gets the order of checks wrong (a stale or
// malformed callback with a wrong signature is answered as stale or malformed), and its
// "refused, then sent right" sequence starts with an answer that should have been 401.
const expectations: Array<[ReceiverDefect, string[]]> = [
  ["skips-hash", ["idempotency", "order of checks", "signature security"]],
  ["skips-body-hash", ["order of checks", "signature security"]],
  ["wrong-envelope", ["envelope"]],
  ["rejects-unknown-fields", ["robustness"]],
  ["refuses-duplicates", ["idempotency"]],
  ["success-as-html", ["envelope"]],
];

describe("certification of broken receivers", () => {
  it("fails only the one-message check of a receiver whose G.00 messages say which check failed (the sandbox receiver)", async () => {
    const sandbox = await startTestReceiver();
    try {
      const result = await runCertification({
        url: sandbox.baseUrl,
        credentials: { memberId: "demo", secret: "sandbox-secret", kyrenToken: "" },
      });
      const failed = result.report.cases.filter((entry) => entry.outcome === "failed");
      expect(failed.map((entry) => `${entry.suite}: ${entry.name.split(" (")[0]}`)).toEqual([
        "signature security: every G.00 has the same message, whichever check failed",
      ]);
      expect(failed[0]!.message).toMatch(/the G\.00 answers carry 4 different messages .*MEMB_ID names no known partner/);
    } finally {
      await sandbox.close();
    }
  });

  it("sends each check its own callbacks: no sessionId or callbackId is shared by two checks", async () => {
    const result = certified;
    const owner = new Map<string, string>();
    const shared: string[] = [];
    for (const entry of result.report.cases.filter((candidate) => candidate.suite !== "envelope")) {
      for (const id of new Set((entry.details ?? "").match(/"(?:sessionId|callbackId)":"[0-9a-f-]{32,36}"/g) ?? [])) {
        if (owner.has(id) && owner.get(id) !== entry.name) shared.push(`${id}: ${owner.get(id)} and ${entry.name}`);
        owner.set(id, entry.name);
      }
    }
    expect(owner.size).toBeGreaterThan(50);
    expect(shared).toEqual([]);
  });

  it.each(expectations)("%s fails %j, and only those", async (defect, failing) => {
    const broken = await startBrokenReceiver(defect, receiver.baseUrl, partner);
    try {
      expect(await failedCategories(broken.baseUrl)).toEqual(failing);
    } finally {
      await broken.close();
    }
  });

  it("names the failed check of a receiver that skips the HASH check", async () => {
    const broken = await startBrokenReceiver("skips-hash", receiver.baseUrl, partner);
    try {
      const result = await runCertification({ url: broken.baseUrl, credentials });
      const failed = result.report.cases.filter((entry) => entry.outcome === "failed").map((entry) => entry.name);
      expect(failed).toEqual(
        expect.arrayContaining([
          "HASH keyed with a wrong secret: 401 G.00",
          "an unknown MEMB_ID (HASH keyed with the partner secret): 401 G.00",
        ]),
      );
      expect(failed).not.toContain("body hash keyed with a wrong secret: 401 G.00");
    } finally {
      await broken.close();
    }
  });
});

/** Runs the certify CLI; never rejects. */
async function certifyCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(repoRoot, "src/certify/cli.ts"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run -s certify", () => {
  it("exits 0 for the project's receiver, with a line per category and reports of every exchange", async () => {
    const result = await certifyCli(["--url", receiver.baseUrl, "--member-id", partner.memberId, "--report-dir", reportDir], {
      CERTIFY_SECRET: partner.secret,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const category of categories) expect(result.stdout).toMatch(new RegExp(`✓ ${category} +\\d+ passed`));
    expect(result.stdout).toContain("CERTIFIED");
    const html = readFileSync(join(reportDir, "report.html"), "utf8");
    expect(html.match(/curl -sS -i -X POST/g)!.length).toBeGreaterThanOrEqual(20);
    expect(html).not.toContain(partner.secret);
    expect(html).not.toMatch(/HASH=[0-9a-f]{64}/);
    expect(readFileSync(join(reportDir, "junit.xml"), "utf8")).toMatch(/<testsuite name="signature security"[^>]*failures="0"/);
  });

  it("exits 1 for a receiver that skips the HASH check, showing the failed exchange (in-process: the same function the bin runs)", async () => {
    const broken = await startBrokenReceiver("skips-hash", receiver.baseUrl, partner);
    try {
      const lines: string[] = [];
      const code = await runCertifyCli(
        ["--url", broken.baseUrl, "--member-id", partner.memberId, "--secret", partner.secret, "--report-dir", reportDir],
        {},
        (line) => lines.push(line),
      );
      const result = { code, stdout: lines.join("\n") };
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toMatch(/✗ signature security +\d+ passed, \d+ FAILED/);
      expect(result.stdout).toMatch(/✗ HASH keyed with a wrong secret: 401 G\.00: expected 401 G\.00, got 200/);
      expect(result.stdout).toContain(`-hmac "$CERTIFY_SECRET-not-the-secret"`);
      expect(result.stdout).toContain("NOT CERTIFIED");
      expect(result.stdout).not.toContain(partner.secret);
    } finally {
      await broken.close();
    }
  });

  it("says so first when every correctly signed callback gets 401 G.00: the wrong partner or secret", async () => {
    const lines: string[] = [];
    const code = await runCertifyCli(
      ["--url", receiver.baseUrl, "--member-id", partner.memberId, "--secret", "not-the-partner-secret", "--report-dir", reportDir],
      {},
      (line) => lines.push(line),
    );
    expect(code).toBe(1);
    expect(lines[1]).toBe(
      `! Every correctly signed callback was refused with 401 G.00: does the receiver know MEMB_ID ${partner.memberId} with this secret? Most failures below follow from that.`,
    );
    lines.length = 0;
    await runCertifyCli(
      ["--url", receiver.baseUrl, "--member-id", partner.memberId, "--secret", partner.secret, "--report-dir", reportDir],
      {},
      (line) => lines.push(line),
    );
    expect(lines.join("\n")).not.toContain("! Every correctly signed callback");
  });

  it("says so first when every correctly signed callback gets 401 G.04: the receiver's clock, with its skew", async () => {
    const late = await startTestReceiver([partner], { now: () => Date.now() - 3_600_000 });
    try {
      const result = await runCertification({ url: late.baseUrl, credentials });
      // Node's Date header is the machine's clock, not the receiver's: the kit reads no skew, and says so.
      expect(result.report.hints).toHaveLength(1);
      expect(result.report.hints![0]).toMatch(
        /^Every correctly signed callback was refused with 401 G\.04 \(request expired\): is the receiver's clock in sync \(NTP\)\? Measured: its clock reads [+-]0\.\d s from the tester's \(from its Date header, ±\d\.\d s\)\.$/,
      );
    } finally {
      await late.close();
    }
  });

  it("refuses --url given as the full endpoint with exit 2, naming the base URL to use", async () => {
    const errors: string[] = [];
    expect(
      await runCertifyCli(
        ["--url", `${receiver.baseUrl}/callbacks/V4/sessionexpired/`, "--member-id", "x", "--secret", "y"],
        {},
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join("\n")).toBe(
      `certify: --url is the base URL registered as the callbackUrl, and the kit appends /V4/sessionexpired; ${receiver.baseUrl}/callbacks/V4/sessionexpired/ already ends with it. Run it with --url ${receiver.baseUrl}/callbacks (and register that base URL with Lucky Monaco).`,
    );
  });

  it("puts every hint of the console in report.html and junit.xml too: a wrong base path (every answer 404)", async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), "certify-hints-"));
    try {
      expect(
        await runCertifyCli(
          ["--url", `${receiver.baseUrl}/callbacks`, "--member-id", partner.memberId, "--secret", partner.secret, "--report-dir", dir],
          {},
          (line) => lines.push(line),
        ),
      ).toBe(1);
      const hint = `Every correctly signed callback was answered 404: is ${receiver.baseUrl}/callbacks the base URL registered as the callbackUrl? The kit calls ${receiver.baseUrl}/callbacks/V4/sessionexpired.`;
      expect(lines[1]).toBe(`! ${hint}`);
      expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(`<ul class="hints"><li>${hint}</li></ul>`);
      const junit = readFileSync(join(dir, "junit.xml"), "utf8");
      expect(junit).toMatch(/<testsuite name="hints"/);
      expect(junit).toContain(`hint: ${hint}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes no long line in its reproductions: the padding of a 16 KiB body is a printf expression", async () => {
    const result = certified;
    const details = result.report.cases.map((entry) => entry.details ?? "").join("\n");
    expect(details).toContain(`BODY='{"providerId":`);
    expect(details).toMatch(/"\$\(printf -- ' %\.0s' \{1\.\.\d{4,5}\}\)"/);
    // The answers are shown up to 2,000 characters; the requests have no line that long.
    expect(details.split("\n").filter((line) => !line.startsWith("{") && line.length > 1500)).toEqual([]);
  });

  it("exits 2 without the required arguments, with a URL that is not http(s), or a timeout outside (0, 600] s", async () => {
    const errors: string[] = [];
    expect(
      await runCertifyCli(
        ["--url", receiver.baseUrl],
        {},
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join("\n")).toContain("--member-id, --secret (or CERTIFY_SECRET) required");
    expect(
      await runCertifyCli(
        ["--url", "ftp://casino.example", "--member-id", "x", "--secret", "y"],
        {},
        () => {},
        (line) => errors.push(line),
      ),
    ).toBe(2);
    expect(errors.join("\n")).toContain("--url must be an http(s) URL");
    for (const timeout of ["0", "Infinity", "601", "soon"]) {
      expect(
        await runCertifyCli(
          ["--url", receiver.baseUrl, "--member-id", "x", "--secret", "y", "--timeout", timeout],
          {},
          () => {},
          (line) => errors.push(line),
        ),
        timeout,
      ).toBe(2);
    }
    expect(errors.join("\n")).toContain('--timeout must be a number of seconds above 0, at most 600, not "Infinity"');
  });
});
