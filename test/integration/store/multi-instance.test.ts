// Two server processes on one PostgreSQL database behave as one service: one uuid spread over both settles to one session and one
// URL (or one winner and 409 G.03), a session opened on one closes on the other, their
// sweeps deliver each session expired callback once, one takes over the callbacks of the
// other when that one is killed (kill -9) during delivery (the repeat carries the
// same callback id and the receiver records it once), both answer 500 G.01 and report
// unhealthy while the database is lost and recover by themselves, and after kill -9 of one
// the other replays its acknowledged ENTERs. The database password is never logged.
import { signingSecret } from "@luckymonaco/session-api-client";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import type { Partner } from "../../../src/partners/directory.js";
import { makeDataDir, removeDataDir, startChildServer, type ChildServer } from "../../support/child-server.js";
import { createTestDatabase, skipPostgres, type TestDatabase } from "../../support/postgres.js";
import { enterBody, postRaw } from "../../support/requests.js";
import { eventually } from "../../support/eventually.js";
import { startTestReceiver, type TestReceiver } from "../../support/servers.js";
import { startGate, type Gate } from "../../support/callback-receivers.js";

const mainPartner: Partner = {
  memberId: "casino-main",
  secret: "casino-main-secret-0001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: false,
};
const callbackPartner: Partner = {
  memberId: "casino-cb",
  secret: "casino-cb-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
/** Its receiver is behind a gate that can hold the attempts in flight. */
const slowPartner: Partner = {
  memberId: "casino-slow",
  secret: "casino-slow-secret-0001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};

const health = async (server: ChildServer) => (await fetch(`${server.baseUrl}/health`)).status;

describe.skipIf(skipPostgres)("two instances on one PostgreSQL database", () => {
  let dataDir: string;
  let database: TestDatabase;
  let password: string;
  let receiver: TestReceiver;
  let gate: Gate;
  let env: NodeJS.ProcessEnv;
  let a: ChildServer;
  let b: ChildServer;
  /** ENTER with exactly these bytes, signed for `partner`. */
  const enter = (server: ChildServer, body: unknown, partner: Partner = mainPartner) =>
    postRaw(server.baseUrl, "/api/session", JSON.stringify(body), {
      query: { MEMB_ID: partner.memberId },
      secret: signingSecret(partner.secret),
    });
  const count = async (sql: string, values: unknown[]) => Number((await database.query(sql, values)).rows[0].count);

  beforeAll(async () => {
    dataDir = makeDataDir();
    [database, receiver] = await Promise.all([
      createTestDatabase("multi"),
      startTestReceiver([
        { ...callbackPartner, sessionExpiredCallback: false },
        { ...slowPartner, sessionExpiredCallback: false },
      ]),
    ]);
    gate = await startGate(receiver.baseUrl);
    const owner = await database.createOwner();
    password = owner.password;
    const partnersFile = join(dataDir, "partners.json");
    writeFileSync(
      partnersFile,
      JSON.stringify({
        partners: [mainPartner, { ...callbackPartner, callbackUrl: receiver.baseUrl }, { ...slowPartner, callbackUrl: gate.url }],
      }),
    );
    env = {
      DATABASE_URL: owner.url,
      LAUNCH_TOKEN_SECRET: randomBytes(32).toString("hex"),
      PARTNERS_FILE: partnersFile,
      EXPIRY_SWEEP_SECONDS: "0.2",
      LOG_LEVEL: "info",
      // A lease of 3 s: how soon an instance takes over the callbacks of one that died.
      CALLBACK_TIMEOUT_MS: "2000",
      CALLBACK_LEASE_MARGIN_SECONDS: "1",
      CALLBACK_PARTNER_CONCURRENCY: "1",
    };
    [a, b] = await Promise.all([startChildServer(dataDir, env), startChildServer(dataDir, env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.process.stop(), b?.process.stop(), receiver?.close(), gate?.close()]);
    await database?.drop();
    if (dataDir) removeDataDir(dataDir);
  });

  it("settles concurrent ENTERs with one uuid and one body, spread over both, to one session and one URL", async () => {
    const body = enterBody({ player: { ...enterBody().player, id: "player-same-body" } });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => enter(index % 2 ? b : a, body)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((answer) => answer.body.url)).size).toBe(1);
    expect(await count("SELECT count(*) FROM sessions WHERE player_id = $1", ["player-same-body"])).toBe(1);
  });

  it("lets exactly one of concurrent ENTERs with one uuid and different bodies win, and answers 409 G.03 to the rest", async () => {
    const uuid = crypto.randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        enter(
          index % 2 ? b : a,
          enterBody({ uuid, gameid: `game_${index}`, player: { ...enterBody().player, id: "player-other-bodies" } }),
        ),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.map((answer) => [answer.status, answer.body.errors.code])).toEqual(Array(19).fill([409, "G.03"]));
    expect(await count("SELECT count(*) FROM sessions WHERE player_id = $1", ["player-other-bodies"])).toBe(1);
  });

  it("closes on one instance a session opened on the other", async () => {
    const opened = await enter(a, enterBody({ player: { ...enterBody().player, id: "player-a-to-b" } }));
    expect(opened.status).toBe(200);
    const onB = createSessionApiClient({ baseUrl: b.baseUrl, partnerId: mainPartner.memberId, secret: signingSecret(mainPartner.secret) });
    const closed = await onB.POST("/V4/closesession", { body: { secureLogin: "player-a-to-b" } });
    expect(closed.data).toEqual({ error: 0, description: "Success" });
    expect((await database.query("SELECT status FROM sessions WHERE player_id = $1", ["player-a-to-b"])).rows).toEqual([
      { status: "closed" },
    ]);
  });

  it("delivers each session expired callback once while both instances sweep", async () => {
    const bodies = Array.from({ length: 24 }, (_, index) => enterBody({ player: { ...enterBody().player, id: `expiring-${index}` } }));
    const answers = await Promise.all(bodies.map((body, index) => enter(index % 2 ? b : a, body, callbackPartner)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(24).fill(200));
    // Make them idle for longer than the idle timeout (the server has no activity signal to wait for).
    await database.query("UPDATE sessions SET last_activity_at = 0 WHERE partner_id = $1", [callbackPartner.memberId]);
    const allDelivered = await eventually(async () => (await count("SELECT count(*) FROM callbacks WHERE state = 'delivered'", [])) === 24);
    expect(allDelivered).toBe(true);
    const received = receiver.received().filter((callback) => callback.memberId === callbackPartner.memberId);
    expect(received).toHaveLength(24);
    expect(received.every((callback) => callback.deliveries === 1)).toBe(true);
    expect(await count("SELECT count(*) FROM sessions WHERE partner_id = $1 AND status = 'expired'", [callbackPartner.memberId])).toBe(24);
  });

  it("takes over the callbacks of an instance killed during delivery; the repeat carries the same callback id and is recorded once", async () => {
    gate.hold = true;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, index) => enter(a, enterBody({ player: { ...enterBody().player, id: `slow-${index}` } }), slowPartner)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    await database.query("UPDATE sessions SET last_activity_at = 0 WHERE partner_id = $1", [slowPartner.memberId]);
    // One attempt in flight per instance (CALLBACK_PARTNER_CONCURRENCY=1), both held: kill -9 one.
    expect(await eventually(async () => gate.held() === 2)).toBe(true);
    process.kill(-b.process.child.pid!, "SIGKILL");
    await new Promise((resolve) => b.process.child.once("exit", resolve));
    gate.release();
    const delivered = async () =>
      (await count("SELECT count(*) FROM callbacks WHERE partner_id = $1 AND state = 'delivered'", [slowPartner.memberId])) === 6;
    expect(await eventually(delivered)).toBe(true);
    const received = receiver.received().filter((entry) => entry.memberId === slowPartner.memberId);
    expect(received).toHaveLength(6);
    const repeated = received.filter((entry) => entry.deliveries > 1);
    expect(repeated).toHaveLength(1); // the killed instance's attempt, sent again by the other
    const attempts = gate.seen.filter((request) => request.body.sessionId === repeated[0]!.body.sessionId);
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.body.callbackId).toBe(attempts[0]!.body.callbackId);
    b = await startChildServer(dataDir, env);
  });

  it("answers 500 G.01 and reports unhealthy while the database is lost, and recovers by itself", async () => {
    await database.suspend();
    try {
      for (const server of [a, b]) {
        const refused = await enter(server, enterBody({ player: { ...enterBody().player, id: "player-during-outage" } }));
        expect([refused.status, refused.body]).toEqual([500, { errors: { code: "G.01", message: "System error" } }]);
        expect(await health(server)).toBe(503);
      }
    } finally {
      await database.resume();
    }
    expect(await eventually(async () => (await health(a)) === 200 && (await health(b)) === 200)).toBe(true);
    for (const server of [a, b]) expect((await enter(server, enterBody())).status).toBe(200);
    // Nothing was stored for the refused ENTERs.
    expect(await count("SELECT count(*) FROM sessions WHERE player_id = $1", ["player-during-outage"])).toBe(0);
  });

  it("replays on one instance the ENTERs acknowledged by the other before its kill -9", async () => {
    const bodies = Array.from({ length: 20 }, () => enterBody());
    const acknowledged = await Promise.all(bodies.map((body) => enter(a, body)));
    expect(acknowledged.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    process.kill(-a.process.child.pid!, "SIGKILL");
    await new Promise((resolve) => a.process.child.once("exit", resolve));
    const replayed = await Promise.all(bodies.map((body) => enter(b, body)));
    expect(replayed.map((answer) => answer.body.url)).toEqual(acknowledged.map((answer) => answer.body.url));
  });

  it("never writes the database password in a log line", () => {
    const output = a.process.output() + b.process.output();
    expect(output).toContain("answering 500 G.01"); // the outage above was logged, with the driver's errors
    expect(output).not.toContain(password);
  });
});
