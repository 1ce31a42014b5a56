// The code samples of the docs (openapi/code_samples, wired with x-codeSamples) work as
// pasted: each runs unchanged against the reference server (or, for the callback, the
// operator receiver), and so does the `sign` CLI the README shows.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { createSessionApiClient } from "../../../src/client.js";
import { startProcess, withFreePort } from "../../support/processes.js";
import { SANDBOX } from "../../support/requests.js";
import { startServerAndReceiver, type TestReceiver, type TestServer } from "../../support/servers.js";

const run = promisify(execFile);
const samples = join(repoRoot, "openapi/code_samples");
let server: TestServer;
let receiver: TestReceiver;

let stopBoth: () => Promise<void>;

beforeAll(async () => {
  ({ server, receiver, close: stopBoth } = await startServerAndReceiver());
});
afterAll(() => stopBoth());

const env = () => ({ ...process.env, BASE_URL: server.baseUrl, OPERATOR_URL: receiver.baseUrl, NODE_NO_WARNINGS: "1" });

describe("curl samples", () => {
  it("ENTER answers a launch URL", async () => {
    const { stdout } = await run("bash", [join(samples, "curl/api_session/post.sh")], { env: env() });
    expect(JSON.parse(stdout).url).toMatch(/^https:\/\/games\.luckymonaco\.example\/index\.html\?token=/);
  });

  it.each(["V4_closesession", "v1_CloseSession"])("%s answers Success", async (path) => {
    const { stdout } = await run("bash", [join(samples, `curl/${path}/post.sh`)], { env: env() });
    expect(JSON.parse(stdout)).toEqual({ error: 0, description: "Success" });
  });

  it("the session expired sample is accepted by the operator receiver", async () => {
    const { stdout } = await run("bash", [join(samples, "curl/V4_sessionexpired/post.sh")], { env: env() });
    expect(JSON.parse(stdout)).toEqual({ error: 0, description: "Success" });
    expect(receiver.received().at(-1)?.body.sessionId).toBe("6fd2d6f3bb8f4c5a9fadf15d81206af2");
  });
});

describe("TypeScript samples", () => {
  const tsx = (file: string, extra: NodeJS.ProcessEnv = {}) => run(process.execPath, ["--import", "tsx", join(samples, file)], { env: { ...env(), ...extra }, cwd: repoRoot });

  it("ENTER prints the launch URL", async () => {
    expect((await tsx("TypeScript/api_session/post.ts")).stdout).toMatch(/^Redirect the player to https:\/\/games\.luckymonaco\.example\//);
  });

  it.each(["TypeScript/V4_closesession/post.ts", "TypeScript/v1_CloseSession/post.ts"])("%s prints Success", async (file) => {
    expect((await tsx(file)).stdout.trim()).toBe("Success");
  });

  it("the session expired receiver accepts a signed callback and refuses a forged one", async () => {
    let port = 0;
    const child = await withFreePort((free) => {
      port = free;
      return startProcess(process.execPath, ["--import", "tsx", join(samples, "TypeScript/V4_sessionexpired/post.ts")], { readyUrl: `http://127.0.0.1:${port}/`, env: { PORT: String(port) } });
    });
    try {
      const lucky = createSessionApiClient({ baseUrl: `http://127.0.0.1:${port}`, partnerId: SANDBOX.memberId, secret: SANDBOX.secret });
      const body = { providerId: "luckymonaco", sessionId: "6fd2d6f3bb8f4c5a9fadf15d81206af2", playerId: "player-1001" };
      expect((await lucky.POST("/V4/sessionexpired", { body })).response.status).toBe(200);
      const forged = createSessionApiClient({ baseUrl: `http://127.0.0.1:${port}`, partnerId: SANDBOX.memberId, secret: "guessed-secret" });
      const { error, response } = await forged.POST("/V4/sessionexpired", { body });
      expect(response.status).toBe(401);
      expect(error?.error.code).toBe("G.00");
      expect(child.output()).toContain("session 6fd2d6f3bb8f4c5a9fadf15d81206af2 of player player-1001 expired");
      const wrongType = await fetch(`http://127.0.0.1:${port}/V4/sessionexpired`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
      expect(wrongType.status).toBe(415);
      const tooLarge = await fetch(`http://127.0.0.1:${port}/V4/sessionexpired`, { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(20000) });
      expect(await tooLarge.json()).toEqual({ error: { code: "V.03", message: "Payload too large" } });
    } finally {
      await child.stop();
    }
  });
});

describe("sign CLI", () => {
  const sign = (...args: string[]) => run(process.execPath, [join(repoRoot, "src/cli/session-api-sign.mjs"), ...args], { env: env() });

  it("prints a curl command that the server accepts", async () => {
    const { stdout } = await sign("closeSession", '{"secureLogin":"player-1001","gameId":"lm_monaco_riches","clearHistory":"1"}', "--base-url", server.baseUrl);
    expect(stdout).toContain("HASH=5c8ee68477d8cb3dbab368408cf137c5575552398788af9e1e03742c2c0fd0f6"); // vector close-session-all-fields
    const { stdout: answer } = await run("bash", ["-c", stdout]);
    expect(JSON.parse(answer)).toEqual({ error: 0, description: "Success" });
  });

  it("sends with --send", async () => {
    const body = JSON.stringify({ uuid: crypto.randomUUID(), gametype: "slot", gameid: "lm_monaco_riches", player: { id: "p1", language: "en", currency: "EUR", session: { id: "s1", ip: "203.0.113.9" } } });
    const { stdout } = await sign("enterGameSession", body, "--base-url", server.baseUrl, "--send");
    expect(stdout).toMatch(/^HTTP 200\n\{"url":"https:\/\/games\.luckymonaco\.example\/index\.html\?token=/);
  });

  it("--send exits 1 on a non-2xx answer, after printing its status and body", async () => {
    const failure = await sign("closeSession", '{"secureLogin":"x"}', "--base-url", server.baseUrl, "--secret", "wrong-secret", "--send").then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/^HTTP 401\n\{"error":\{"code":"G.00"/);
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
      const failure = await sign(...args).then(() => undefined, (error: { code: number; stderr: string }) => error);
      expect(failure?.code, args.join(" ")).toBe(2);
      expect(failure?.stderr).toContain("usage: sign <operationId>");
    }
  });
});
