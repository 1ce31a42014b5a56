// The code samples of the docs (openapi/code_samples, wired with x-codeSamples) work as
// pasted: every sample of every operation, enumerated from the spec, runs unchanged, in
// curl, TypeScript, PHP, Java and Python (runners: test/support/sample-languages.ts;
// without php, java or python3 their samples are skipped with a message, or fail when
// REQUIRE_SAMPLE_LANGUAGES=1). A sample of an operation Lucky Monaco serves calls the
// reference server; a sample of an operation the operator serves (the callback) is a
// receiver, which must accept a correctly signed callback and refuse a forged one, except
// the curl sample, which plays Lucky Monaco and calls the example receiver. The samples
// run concurrently (`java post.java` compiles on every start). A language without a
// runner, an operation without an expectation, or a sample file no operation shows fails
// loudly. Each language's signer against the vectors: test/integration/samples/. The
// `sign` CLI the README shows is tested here too.
import { execFile } from "node:child_process";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { OperationId } from "../../../generated/operations.js";
import { runCertification } from "../../../src/certify/run.js";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import { signingVectors } from "../../../src/codegen/spec.js";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { startProcess, withFreePort } from "../../support/processes.js";
import { postRaw, SANDBOX } from "../../support/requests.js";
import { missingTool, sampleLanguages } from "../../support/sample-languages.js";
import { useServerAndReceiver } from "../../support/servers.js";
import { codeSamples, orphanSampleFiles, requestExample, type CodeSample } from "../../support/spec-views.js";

const run = promisify(execFile);
/** The older secret a receiver sample is given (PREVIOUS_SECRET) as if a secret were being rotated. */
const PREVIOUS_SECRET = "sandbox-previous-secret";
const ends = useServerAndReceiver();

const env = (extra: NodeJS.ProcessEnv = {}) => ({
  ...process.env,
  BASE_URL: ends.server.baseUrl,
  OPERATOR_URL: ends.receiver.baseUrl,
  NODE_NO_WARNINGS: "1",
  ...extra,
});

/** The command and arguments that run a sample as pasted, or the message of its missing tool (a skip). */
function runnerOf(sample: CodeSample): [string, string[]] | string {
  return missingTool(sample.lang) ?? sampleLanguages[sample.lang]!.run(sample.file);
}

/** What a client sample of each provider operation prints when the call succeeds. */
const printsOnSuccess: Partial<Record<OperationId, RegExp>> = {
  enterGameSession: /https:\/\/games\.luckymonaco\.example\/index\.html\?token=/,
  closeSession: /Success/,
  closeSessionKyren: /Success/,
  sessionExpired: /Success/, // the curl sample, answered by the example receiver
};

/** A receiver sample plays the operator's side: every sample of an operator-implemented operation but the curl one. */
const isReceiver = (sample: CodeSample) => sample.operation.implementedBy === "operator" && sample.lang !== "Shell";
const name = (sample: CodeSample) => `${sample.operation.operationId} in ${sample.label}`;

it("shows every file under openapi/code_samples in some operation's x-codeSamples", () => {
  expect(orphanSampleFiles.map((file) => relative(repoRoot, file))).toEqual([]);
});

describe.each(codeSamples.filter((sample) => !isReceiver(sample)).map((sample) => [name(sample), sample] as const))(
  "%s",
  (_name, sample) => {
    it.concurrent("succeeds against the sandbox, as pasted", async ({ expect, skip }) => {
      const expected = printsOnSuccess[sample.operation.operationId as OperationId];
      if (!expected) throw new Error(`no expected output for ${sample.operation.operationId}: add it to printsOnSuccess`);
      const runner = runnerOf(sample);
      if (typeof runner === "string") return skip(runner);
      const { stdout } = await run(...runner, { env: env(), cwd: repoRoot });
      expect(stdout).toMatch(expected);
    });
  },
);

describe.each(codeSamples.filter(isReceiver).map((sample) => [name(sample), sample] as const))("%s (a receiver)", (_name, sample) => {
  it.concurrent("accepts a signed callback once, refuses a forged or stale one, a body that is not an object, a wrong media type and an oversized body, and passes the certification kit", async ({
    expect,
    skip,
  }) => {
    const runner = runnerOf(sample);
    if (typeof runner === "string") return skip(runner);
    let port = 0;
    const child = await withFreePort((free) => {
      port = free;
      return startProcess(...runner, {
        readyUrl: `http://127.0.0.1:${port}/`,
        env: env({ PORT: String(port), PREVIOUS_SECRET: PREVIOUS_SECRET }),
      });
    });
    try {
      const baseUrl = `http://127.0.0.1:${port}`;
      const lucky = createSessionApiClient({ baseUrl, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
      const body = { providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "player-1001" };
      const accepted = await lucky.POST("/V4/sessionexpired", { body });
      expect(accepted.response.status).toBe(200);
      expect(accepted.data).toEqual({ error: 0, description: "Success" });
      // While a secret is rotated, a callback signed with the previous one is accepted too.
      const rotating = createSessionApiClient({ baseUrl, partnerId: SANDBOX.memberId, secret: PREVIOUS_SECRET });
      const previous = await rotating.POST("/V4/sessionexpired", { body: { ...body, sessionId: "b".repeat(32) } });
      expect([previous.response.status, previous.data], "signed with PREVIOUS_SECRET").toEqual([200, { error: 0, description: "Success" }]);
      const forged = createSessionApiClient({ baseUrl, partnerId: SANDBOX.memberId, secret: "guessed-secret" });
      const { error, response } = await forged.POST("/V4/sessionexpired", { body });
      expect(response.status).toBe(401);
      expect(error?.error.code).toBe("G.00");
      await expect.poll(() => child.output(), { timeout: 5000 }).toContain(body.sessionId);
      const again = await lucky.POST("/V4/sessionexpired", { body });
      expect(again.data, "a repeat is acknowledged").toEqual({ error: 0, description: "Success" });
      const unknownField = await lucky.POST("/V4/sessionexpired", {
        body: { ...body, sessionId: "f".repeat(32), idleSeconds: 1800, final: true } as typeof body,
      });
      expect(unknownField.data, "unknown fields are ignored (and signed)").toEqual({ error: 0, description: "Success" });
      await expect.poll(() => child.output(), { timeout: 5000 }).toContain("f".repeat(32));
      expect(child.output().split(body.sessionId).length - 1, "a repeat is not recorded twice").toBe(1);
      // A callback as Lucky Monaco sends it now, with callbackId and createdAt: accepted, and its repeat recorded once.
      const identified = {
        ...body,
        sessionId: "a".repeat(32),
        callbackId: "0b0a0c2e-2f4e-4c1a-9d3b-7e6f5a4b3c2d",
        createdAt: "2026-11-21T23:59:00Z",
      };
      for (let attempt = 0; attempt < 2; attempt++)
        expect((await lucky.POST("/V4/sessionexpired", { body: identified })).data).toEqual({ error: 0, description: "Success" });
      await expect.poll(() => child.output(), { timeout: 5000 }).toContain(identified.sessionId);
      expect(child.output().split(identified.sessionId).length - 1, "a repeat with its callbackId is not recorded twice").toBe(1);
      const stale = createSessionApiClient({
        baseUrl,
        partnerId: SANDBOX.memberId,
        secret: SANDBOX.secret,
        now: () => Date.now() - 600_000,
      });
      const refused = await stale.POST("/V4/sessionexpired", { body: { ...body, sessionId: "0".repeat(32) } });
      expect([refused.response.status, refused.error?.error.code]).toEqual([401, "G.04"]);
      const notAnObject = await postRaw(baseUrl, "/V4/sessionexpired", "[1,2]");
      expect([notAnObject.status, notAnObject.body?.error?.code], "a correctly signed body that is not a JSON object").toEqual([
        400,
        "V.01",
      ]);
      const wrongType = await fetch(`${baseUrl}/V4/sessionexpired`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "x",
      });
      expect(wrongType.status).toBe(415);
      const tooLarge = await fetch(`${baseUrl}/V4/sessionexpired`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "x".repeat(20000),
      });
      expect(tooLarge.status).toBe(413);
      expect((await tooLarge.json()).error.code).toBe("V.03");
      expect(child.output(), "no log line holds HASH").not.toMatch(/HASH=[0-9a-f]{64}/);
      // What the go-live checklist asks of a receiver: the docs' own samples pass it.
      const certification = await runCertification({
        url: baseUrl,
        credentials: { memberId: SANDBOX.memberId, secret: SANDBOX.secret, kyrenToken: "" },
      });
      expect(
        certification.report.cases
          .filter((entry) => entry.outcome === "failed")
          .map((entry) => `${entry.suite}: ${entry.name}: ${entry.message}`),
        "the certification kit passes",
      ).toEqual([]);
    } finally {
      await child.stop();
    }
  });
});

describe("the curl sample of the session expired callback", () => {
  const sample = codeSamples.find((candidate) => candidate.operation.operationId === "sessionExpired" && candidate.lang === "Shell")!;

  it("sends every field of the callback as Lucky Monaco sends it (the request example), and a repeat of its callbackId is recorded once", async () => {
    const callbackId = crypto.randomUUID();
    const repeat = { CALLBACK_ID: callbackId, CREATED_AT: "2026-11-21T23:59:00Z" };
    for (let attempt = 0; attempt < 2; attempt++) {
      const { stdout } = await run("bash", [sample.file], { env: env(repeat), cwd: repoRoot });
      expect(JSON.parse(stdout)).toEqual({ error: 0, description: "Success" });
    }
    const received = ends.receiver.received().filter((expiry) => (expiry.body as { callbackId?: string }).callbackId === callbackId);
    expect(received).toHaveLength(1);
    expect(received[0]!.deliveries).toBe(2);
    const asSent = Object.keys(requestExample(sample.operation)).filter((field) => field !== "hash");
    expect(Object.keys(received[0]!.body)).toEqual(expect.arrayContaining(asSent));
    expect(received[0]!.body).toMatchObject({ callbackId, createdAt: repeat.CREATED_AT });
    const { stdout } = await run("bash", [sample.file], { env: env(), cwd: repoRoot });
    expect(JSON.parse(stdout)).toEqual({ error: 0, description: "Success" });
    const fresh = ends.receiver.received().at(-1)!.body as { callbackId?: string; createdAt?: string };
    expect(fresh.callbackId, "each run without CALLBACK_ID is a new callback").toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(fresh.callbackId).not.toBe(callbackId);
    expect(fresh.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe("sign CLI", () => {
  const sign = (...args: string[]) => run(process.execPath, [join(repoRoot, "src/cli/session-api-sign.mjs"), ...args], { env: env() });

  it("signs a body with a timestamp exactly as the published vector", async () => {
    const vector = signingVectors().vectors.find((candidate) => candidate.name === "close-session-with-timestamp")!;
    const { stdout } = await sign("closeSession", JSON.stringify(vector.fields), "--base-url", ends.server.baseUrl);
    expect(stdout).toContain(`HASH=${vector.HASH}`);
    expect(stdout).toContain(vector.rawBody);
  });

  it("prints a curl command with the current timestamp that the server accepts", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { stdout } = await sign(
      "closeSession",
      '{"secureLogin":"player-1001","gameId":"lm_monaco_riches","clearHistory":"1"}',
      "--base-url",
      ends.server.baseUrl,
    );
    const timestamp = Number(/"timestamp":(\d+)/.exec(stdout)?.[1]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    const { stdout: answer } = await run("bash", ["-c", stdout]);
    expect(JSON.parse(answer)).toEqual({ error: 0, description: "Success" });
  });

  it("sends with --send", async () => {
    const body = JSON.stringify({
      uuid: crypto.randomUUID(),
      gametype: "slot",
      gameid: "lm_monaco_riches",
      player: { id: "p1", language: "en", currency: "EUR", session: { id: "s1", ip: "203.0.113.9" } },
    });
    const { stdout } = await sign("enterGameSession", body, "--base-url", ends.server.baseUrl, "--send");
    expect(stdout).toMatch(/^HTTP 200\n\{"url":"https:\/\/games\.luckymonaco\.example\/index\.html\?token=/);
  });

  it("sends each operation to its side by default: BASE_URL for the provider's, OPERATOR_URL for the callback", async () => {
    const enter = await sign(
      "enterGameSession",
      JSON.stringify({
        uuid: crypto.randomUUID(),
        gametype: "slot",
        gameid: "lm_monaco_riches",
        player: { id: "p1", language: "en", currency: "EUR", session: { id: "s1", ip: "203.0.113.9" } },
      }),
      "--send",
    );
    expect(enter.stdout).toMatch(/^HTTP 200\n\{"url":/);
    const callback = await sign(
      "sessionExpired",
      JSON.stringify({ providerId: "luckymonaco", sessionId: "c".repeat(32), playerId: "player-1001" }),
      "--send",
    );
    expect(callback.stdout).toBe('HTTP 200\n{"error":0,"description":"Success"}\n');
  });

  it("--send exits 1 on a non-2xx answer, after printing its status and body", async () => {
    const failure = await sign(
      "closeSession",
      '{"secureLogin":"x"}',
      "--base-url",
      ends.server.baseUrl,
      "--secret",
      "wrong-secret",
      "--send",
    ).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/^HTTP 401\n\{"error":\{"code":"G.00"/);
    const stale = await sign(
      "closeSession",
      '{"secureLogin":"x","timestamp":1767225600}',
      "--base-url",
      ends.server.baseUrl,
      "--send",
    ).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(stale?.stdout).toMatch(/^HTTP 401\n\{"error":\{"code":"G.04"/);
  });

  it("follows BASE_URL when no --base-url is given, like the curl samples", async () => {
    const { stdout } = await sign("closeSession", '{"secureLogin":"x"}', "--send");
    expect(stdout).toBe('HTTP 200\n{"error":0,"description":"Success"}\n');
  });

  it("prints the usage with --help and exits 0", async () => {
    const { stdout, stderr } = await sign("--help");
    expect(stdout).toContain("usage: sign <operationId>");
    expect(stdout).toContain("$BASE_URL");
    expect(stderr).not.toContain("Unknown option");
  });

  it("refuses bad arguments with exit status 2 and the usage", async () => {
    for (const args of [["nope", "{}"], ["closeSession", "{not json"], ["closeSession", '{"nested":{"a":1}}'], ["closeSession"]]) {
      const failure = await sign(...args).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code, args.join(" ")).toBe(2);
      expect(failure?.stderr).toContain("usage: sign <operationId>");
    }
  });
});
