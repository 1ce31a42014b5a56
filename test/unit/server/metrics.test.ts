// /metrics (Prometheus, prom-client) and /health of the reference server for the callback
// delivery: attempts and results by partner and outcome, attempt latency, each partner's
// concurrency limit, the outbox by state and the oldest pending age; no session id,
// callback id or signature in any label.
import { signingSecret } from "@luckymonaco/session-api-client";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSessionApiClient } from "@luckymonaco/session-api-client";
import type { Partner } from "../../../src/partners/directory.js";
import { withDeadline } from "../../../src/server/deadline.js";
import { createDeliveryMetrics, type DeliveryMetrics } from "../../../src/server/delivery/metrics.js";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import { startCallbackLoops } from "../../support/callback-loops.js";
import { startScriptedReceiver, type StandIn } from "../../support/callback-receivers.js";
import { enterBody } from "../../support/requests.js";
import { bundledSpec } from "../../support/spec-views.js";
import { buildServer } from "../../../src/server/app.js";
import { launchTokens } from "../../../src/server/launch-tokens.js";
import { partnerDirectory } from "../../../src/partners/directory.js";
import { repoRoot } from "../../../src/shared/spec-document.js";
import type { FastifyInstance } from "fastify";
import type { SessionStore } from "../../../src/store/session-store.js";

const ok: Partner = {
  memberId: "casino-ok",
  secret: "casino-ok-secret-00001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
const gone: Partner = {
  memberId: "casino-gone",
  secret: "casino-gone-secret-001",
  kyrenToken: undefined,
  callbackUrl: undefined,
  sessionExpiredCallback: true,
};
let clock = Date.UTC(2026, 10, 22, 12);
/** The reference server with /metrics (the test helpers' servers have none). */
let server: { app: FastifyInstance; baseUrl: string; store: SessionStore };
let metrics: DeliveryMetrics;
let okReceiver: StandIn;
let goneReceiver: StandIn;

beforeAll(async () => {
  const store = await openSqliteStore({ location: ":memory:" });
  metrics = createDeliveryMetrics(
    () => store.callbackStats(),
    () => clock,
  );
  [okReceiver, goneReceiver] = await Promise.all([startScriptedReceiver(), startScriptedReceiver([410, 503])]);
  await store.migrate();
  const app = await buildServer({
    spec: bundledSpec,
    docsDir: join(repoRoot, "dist/docs"),
    store,
    partners: partnerDirectory([ok, gone]),
    sandbox: false,
    launchTokens: launchTokens(randomBytes(32), "https://games.luckymonaco.example"),
    logger: false,
    now: () => clock,
    metrics: metrics.registry,
  });
  server = { app, baseUrl: await app.listen({ host: "127.0.0.1", port: 0 }), store };
});
afterAll(async () => {
  await server.app.close();
  await Promise.all([server.store.close(), okReceiver.close(), goneReceiver.close()]);
});

it("counts attempts, results, latency and the outbox, with partners as the only ids in labels", async () => {
  const ids: string[] = [];
  for (const partner of [ok, ok, gone, gone]) {
    const client = createSessionApiClient({
      baseUrl: server.baseUrl,
      partnerId: partner.memberId,
      secret: signingSecret(partner.secret),
      now: () => clock,
    });
    const { data } = await client.POST("/api/session", { body: enterBody() as never });
    ids.push(new URL(data!.url).searchParams.get("token")!);
  }
  clock += 60_000;
  const loops = startCallbackLoops({
    store: server.store,
    partners: [
      { ...ok, callbackUrl: okReceiver.url },
      { ...gone, callbackUrl: goneReceiver.url },
    ],
    log: server.app.log,
    idleTimeoutMs: 30_000,
    partnerConcurrency: 1,
    metrics,
    now: () => clock,
  });
  try {
    await loops.sweepAndDeliver();
  } finally {
    await loops.stop();
  }
  clock += 90_000; // the pending callback is now 90 s old
  const response = await fetch(`${server.baseUrl}/metrics`);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const value = (pattern: string) => Number(new RegExp(`^${pattern} ([0-9.e+-]+)$`, "m").exec(text)?.[1]);
  expect(value('session_expired_callback_attempts_total\\{partner="casino-ok",outcome="delivered"\\}')).toBe(2);
  expect(value('session_expired_callback_attempts_total\\{partner="casino-gone",outcome="rejected"\\}')).toBe(1);
  expect(value('session_expired_callback_attempts_total\\{partner="casino-gone",outcome="http_error"\\}')).toBe(1);
  expect(value('session_expired_callback_results_total\\{partner="casino-ok",result="delivered"\\}')).toBe(2);
  expect(value('session_expired_callback_results_total\\{partner="casino-gone",result="failed"\\}')).toBe(1);
  expect(value('session_expired_callback_attempt_duration_seconds_count\\{partner="casino-ok"\\}')).toBe(2);
  expect(value('session_expired_callback_outbox\\{partner="casino-gone",state="pending"\\}')).toBe(1);
  expect(value('session_expired_callback_outbox\\{partner="casino-gone",state="failed"\\}')).toBe(1);
  expect(value("session_expired_callback_oldest_pending_age_seconds")).toBe(90);
  // Each partner's limit, within its ceiling of 1 (partnerConcurrency).
  expect(value('session_expired_callback_concurrency_limit\\{partner="casino-ok"\\}')).toBe(1);
  expect(value('session_expired_callback_concurrency_limit\\{partner="casino-gone"\\}')).toBe(1);
  expect(text).toContain("session_api_process_cpu_seconds_total");
  // Nothing that identifies a session, a callback or a signature.
  const rows = await server.store.listCallbacks({ limit: 10 });
  for (const secret of [...rows.flatMap((row) => [row.sessionId, row.callbackId]), ...ids, ok.secret, gone.secret])
    expect(text).not.toContain(secret);

  expect(await (await fetch(`${server.baseUrl}/health`)).json()).toEqual({
    status: "ok",
    callbacks: { pending: 1, failed: 1, oldestPendingAgeSeconds: 90 },
  });
});

it("says the outbox is unreadable, with no counts and an unknown age, while the database does not answer", async () => {
  let up = true;
  const metrics = createDeliveryMetrics(
    async () => {
      if (!up) throw new Error("connection refused");
      return { pendingByPartner: new Map([["casino-one", 2]]), failedByPartner: new Map(), oldestPendingCreatedAt: 1_000 };
    },
    () => 31_000,
  );
  const scrape = async () => (await metrics.registry.metrics()).split("\n").filter((line) => line.startsWith("session_expired_callback_o"));
  expect(await scrape()).toEqual([
    "session_expired_callback_outbox_readable 1",
    'session_expired_callback_outbox{partner="casino-one",state="pending"} 2',
    "session_expired_callback_oldest_pending_age_seconds 30",
  ]);
  up = false;
  await new Promise((resolve) => setImmediate(resolve)); // the next scrape reads again
  expect(await scrape()).toEqual(["session_expired_callback_outbox_readable 0", "session_expired_callback_oldest_pending_age_seconds Nan"]);
});

it("reports the outbox unreadable when the store hangs past the scrape's deadline", async () => {
  const metrics = createDeliveryMetrics(() => withDeadline(new Promise<never>(() => undefined), 50, "the database"));
  const lines = (await metrics.registry.metrics()).split("\n");
  expect(lines).toContain("session_expired_callback_outbox_readable 0");
});

it("shows each partner's concurrency limit, and drops a partner that left the partners file", async () => {
  const metrics = createDeliveryMetrics(async () => ({
    pendingByPartner: new Map(),
    failedByPartner: new Map(),
    oldestPendingCreatedAt: undefined,
  }));
  metrics.concurrencyLimit("casino-one", 8);
  metrics.concurrencyLimit("casino-two", 3);
  metrics.concurrencyLimit("casino-one", 16);
  metrics.concurrencyLimit("casino-two", undefined);
  const lines = (await metrics.registry.metrics())
    .split("\n")
    .filter((line) => line.startsWith("session_expired_callback_concurrency_limit"));
  expect(lines).toEqual(['session_expired_callback_concurrency_limit{partner="casino-one"} 16']);
});
