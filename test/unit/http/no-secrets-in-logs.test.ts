// Nothing secret in logs: a full run at LOG_LEVEL=trace,
// the provider's server and the operator receiver in-process with their real logger
// options and callbacks on, and the sign CLI: ENTER, both closes, an expiry with its
// callback, a callback that cannot be delivered, bad requests of every kind (wrong HASH,
// unknown MEMB_ID, broken JSON, framing errors, a huge query, a body that never arrives,
// wrong method, unknown path) and the CLI with --send and its error paths. Every HASH,
// body hash, secret, Kyren token and launch token of the run is collected, and none may
// appear in any log line (the CLI's stderr is its log; its stdout is its result).
import { signingSecret } from "@luckymonaco/session-api-client";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runSignCli } from "../../../src/cli/sign.js";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import type { Partner } from "../../../src/partners/directory.js";
import { requestSignature, signRequest } from "@luckymonaco/session-api-client";
import { rawExchange, requestHead } from "../../support/raw-http.js";
import { startCallbackLoops } from "../../support/callback-loops.js";
import { enterBody } from "../../support/requests.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";

const lines: string[] = [];
const capture = () => ({
  level: "trace",
  stream: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
});

/** Every secret value of the run; none may be logged. */
const secrets = new Set<string>();
const keep = (value: unknown) => typeof value === "string" && value.length >= 8 && secrets.add(value);

const casino = {
  memberId: "casino-one",
  secret: "casino-one-secret-0001",
  kyrenToken: "casino-one-kyren-token",
  callbackUrl: undefined as string | undefined,
  sessionExpiredCallback: true,
  requireTimestamp: true,
} satisfies Partner;
const gone = {
  memberId: "casino-gone",
  secret: "casino-gone-secret-001",
  kyrenToken: undefined,
  callbackUrl: "http://127.0.0.1:9",
  sessionExpiredCallback: true,
} satisfies Partner;
for (const partner of [casino, gone]) [partner.secret, partner.kyrenToken].forEach(keep);

let clock = Date.now();
let server: TestServer;
let receiver: TestReceiver;

/** A fetch that remembers the signatures, tokens and launch tokens it carries. */
const recordingFetch = async (request: Request): Promise<Response> => {
  const url = new URL(request.url);
  keep(url.searchParams.get("HASH"));
  const body = (await request.clone().text()) || "{}";
  const fields = JSON.parse(body) as Record<string, unknown>;
  keep(fields.hash);
  keep(fields.token);
  const response = await fetch(request);
  const answer = (await response.clone().text()) || "{}";
  const launch = (JSON.parse(answer) as { url?: string }).url;
  if (launch) keep(new URL(launch).searchParams.get("token"));
  return response;
};

beforeAll(async () => {
  receiver = await startTestReceiver([casino], { logger: capture(), now: () => clock, requestTimeoutMs: 300 });
  casino.callbackUrl = receiver.baseUrl;
  server = await startTestServer({ partners: [casino, gone], logger: capture(), now: () => clock, requestTimeoutMs: 300 });
  const client = (partner: Partner) =>
    createSessionApiClient({
      baseUrl: server.baseUrl,
      partnerId: partner.memberId,
      secret: signingSecret(partner.secret),
      fetch: recordingFetch,
      now: () => clock,
    });

  // The happy paths: ENTER (twice: a replay), V4 close with uuid, Kyren close.
  const enter = enterBody({ player: { ...enterBody().player, id: "log-player" } });
  await client(casino).POST("/api/session", { body: enter as never });
  await client(casino).POST("/api/session", { body: enter as never });
  await client(gone).POST("/api/session", { body: enterBody({ player: { ...enterBody().player, id: "gone-player" } }) as never });
  await client(casino).POST("/V4/closesession", { body: { secureLogin: "nobody", uuid: crypto.randomUUID() } });
  await client(casino).POST("/v1/CloseSession", {
    body: { secureLogin: casino.memberId, token: casino.kyrenToken!, userId: "nobody", uuid: crypto.randomUUID() },
  });

  // Expiry: a delivered callback (casino-one) and one that cannot be delivered (casino-gone).
  clock += 31 * 60_000;
  const expiry = startCallbackLoops({
    store: server.store,
    partners: [casino, gone],
    log: server.app.log,
    idleTimeoutMs: 30 * 60_000,
    retrySchedule: [0.001],
    attemptTimeoutMs: 500,
    now: () => clock,
  });
  await expiry.sweepAndDeliver();
  await expiry.stop();
  for (const { body } of receiver.received()) {
    keep(body.hash);
    const { hash: _hash, ...fields } = body;
    keep(signRequest(fields, casino.secret, true).HASH);
  }

  // Bad requests, each carrying a HASH in its URL.
  const wrong = signRequest({ secureLogin: "p", timestamp: Math.floor(clock / 1000) }, "a-guessed-secret-000", true);
  [wrong.HASH, wrong.hash].forEach(keep);
  const target = (path: string, HASH: string) => `${path}?MEMB_ID=${casino.memberId}&HASH=${HASH}`;
  for (const [base, path] of [
    [server.baseUrl, "/V4/closesession"],
    [receiver.baseUrl, "/V4/sessionexpired"],
  ] as const) {
    const post = (query: string, rawBody: string) =>
      fetch(`${base}${query}`, { method: "POST", headers: { "content-type": "application/json" }, body: rawBody });
    await post(target(path, wrong.HASH), wrong.rawBody);
    await post(`${path}?MEMB_ID=nobody&HASH=${requestSignature(wrong.rawBody, casino.secret)}`, wrong.rawBody);
    keep(requestSignature(wrong.rawBody, casino.secret));
    const broken = '{"secureLogin": "p",';
    keep(requestSignature(broken, casino.secret));
    await post(target(path, requestSignature(broken, casino.secret)), broken);
    await rawExchange(
      base,
      `${requestHead("POST", target(path, wrong.HASH), { "Content-Type": "application/json", "Content-Length": 5, "Transfer-Encoding": "chunked" })}0\r\n\r\n`,
    );
    await rawExchange(base, `${requestHead("POST", target(path, wrong.HASH), { "Content-Length": 2 }).replaceAll("\r\n", "\n")}{}`);
    await rawExchange(base, requestHead("POST", `${target(path, wrong.HASH)}&pad=${"x".repeat(20_000)}`));
    await rawExchange(
      base,
      requestHead("POST", target(path, wrong.HASH), { "Content-Type": "application/json", "Content-Length": 400 }) +
        wrong.rawBody.slice(0, 20),
    );
    await rawExchange(base, requestHead("GET", target(path, wrong.HASH)));
    await rawExchange(base, requestHead("POST", target("/no/such/path", wrong.HASH), { "Content-Length": 0 }));
    await rawExchange(base, requestHead("GET", `${target(path, wrong.HASH)}%zz`));
  }
});

afterAll(async () => void (await Promise.all([server?.close(), receiver?.close()])));

describe("a full run at LOG_LEVEL=trace", () => {
  it("logged at debug, info and warn, with the paths of the requests (so the search below means something)", () => {
    const text = lines.join("");
    for (const level of [20, 30, 40]) expect(text, `level ${level}`).toContain(`"level":${level}`);
    expect(text).toContain('"path":"/V4/closesession"');
    expect(text).toContain('"path":"/V4/sessionexpired"');
    expect(text).toContain("session expired recorded");
    expect(text).toContain("session expired callback not delivered");
    expect(text).toContain("request refused by the HTTP layer");
    expect(secrets.size).toBeGreaterThanOrEqual(15);
  });

  it("holds no HASH, body hash, secret, Kyren token or launch token", () => {
    const text = lines.join("");
    expect([...secrets].filter((secret) => text.includes(secret))).toEqual([]);
    expect(text).not.toMatch(/HASH=/);
  });
});

describe("the sign CLI", () => {
  async function cli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((...args) => void out.push(args.join(" ")));
    const error = vi.spyOn(console, "error").mockImplementation((...args) => void err.push(args.join(" ")));
    try {
      return { status: await runSignCli(argv), stdout: out.join("\n"), stderr: err.join("\n") };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  it("with --send and on its error paths, writes no HASH, secret or token to stderr, and the server logs none of its HASH", async () => {
    const body = JSON.stringify({ secureLogin: "cli-player", uuid: crypto.randomUUID(), timestamp: Math.floor(clock / 1000) });
    const printed = await cli(
      "closeSession",
      body,
      "--base-url",
      server.baseUrl,
      "--member-id",
      casino.memberId,
      "--secret",
      casino.secret,
    );
    const HASH = /HASH=([0-9a-f]{64})/.exec(printed.stdout)![1]!;
    const before = lines.length;
    const sent = await cli(
      "closeSession",
      body,
      "--base-url",
      server.baseUrl,
      "--member-id",
      casino.memberId,
      "--secret",
      casino.secret,
      "--send",
    );
    expect(sent.stdout).toBe('HTTP 200\n{"error":0,"description":"Success"}');
    const unreachable = await cli("closeSession", body, "--base-url", "http://127.0.0.1:9", "--secret", casino.secret, "--send");
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/^could not reach http:\/\/127\.0\.0\.1:9\/V4\/closesession: /);
    const brokenKyren = await cli("closeSessionKyren", `{"secureLogin":"casino-one","token":"${casino.kyrenToken}",`);
    const wrongSecret = await cli("closeSession", body, "--base-url", server.baseUrl, "--secret", "a-guessed-secret-000", "--send");
    expect([brokenKyren.status, wrongSecret.status]).toEqual([2, 1]);
    const stderr = [sent, unreachable, brokenKyren, wrongSecret].map((run) => run.stderr).join("\n");
    for (const secret of [HASH, casino.secret, casino.kyrenToken!, "a-guessed-secret-000"]) expect(stderr).not.toContain(secret);
    expect(stderr).not.toContain("HASH=");
    expect(lines.slice(before).join("")).not.toContain(HASH);
  });
});
