// Every boundary probe catches a bug: each one-bug implementation (one-bug-implementations.ts:
// the reference server or the example receiver behind a proxy with exactly one bug) fails
// the probes of the kinds it names, and every kind of probe the builders make is named by
// some implementation, so that no probe is vacuous. Against the unbroken server and
// receiver the same probes pass (generated.test.ts runs every check).
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundaryProbes } from "../../../src/contract/boundaries/index.js";
import { allOperations } from "../../../src/contract/bundle.js";
import { pathVariantProbes } from "../../../src/contract/checks/routing.js";
import { estimateClock } from "../../../src/contract/clock.js";
import { mapConcurrently } from "../../../src/contract/pool.js";
import { runProbe } from "../../../src/contract/probe.js";
import type { Probe } from "../../../src/contract/types.js";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { startDefectProxy } from "../../support/defect-proxy.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";
import { oneBugImplementations, type OneBug } from "./one-bug-implementations.js";

const credentials = { memberId: sandboxPartner.memberId, secret: sandboxPartner.secret, kyrenToken: sandboxPartner.kyrenToken! };
const probes: Probe[] = [...boundaryProbes({ credentials, toleranceSeconds: 300, operations: allOperations }), ...pathVariantProbes()];
const sideOf = (probe: Probe) => probe.steps[0]!.side;

let server: TestServer;
let receiver: TestReceiver;

beforeAll(async () => {
  [server, receiver] = await Promise.all([startTestServer(), startTestReceiver()]);
});

afterAll(async () => {
  await Promise.all([server?.close(), receiver?.close()]);
});

describe("the one-bug implementations", () => {
  it("name every kind of boundary probe, and only kinds that exist", () => {
    const kinds = new Set(probes.map((probe) => probe.kind!));
    const caught = new Set(oneBugImplementations.flatMap((implementation) => implementation.catches));
    expect([...kinds].filter((kind) => !caught.has(kind)).sort(), "kinds no one-bug implementation proves").toEqual([]);
    expect([...caught].filter((kind) => !kinds.has(kind)).sort(), "kinds that no builder makes").toEqual([]);
    expect(new Set(oneBugImplementations.map((implementation) => implementation.name)).size).toBe(oneBugImplementations.length);
    // ... and on a side where that kind of probe is sent.
    const proven = (kind: string) =>
      oneBugImplementations.some(
        (implementation) =>
          implementation.catches.includes(kind) &&
          probes.some((probe) => probe.kind === kind && implementation.sides.includes(sideOf(probe))),
      );
    expect([...kinds].filter((kind) => !proven(kind)).sort(), "kinds named only on a side that sends none").toEqual([]);
  });
});

describe("the freshness probes and the target's clock", () => {
  const freshness = probes.filter((probe) => probe.check === "freshness_tolerance");

  /** Runs the freshness probes of `side` through a proxy whose answers say the time is `dateSkewMs` from now (undefined: no Date header). */
  async function failedKinds(target: string, side: "provider" | "operator", dateSkewMs: number | undefined): Promise<string[]> {
    const proxy = await startDefectProxy(target, {
      headers(_status, headers) {
        if (dateSkewMs === undefined) delete headers.date;
        else headers.date = new Date(Date.now() + dateSkewMs).toUTCString();
      },
    });
    try {
      const path = allOperations.find((operation) => operation.implementedBy === side)!.path;
      const clock = await estimateClock(proxy.baseUrl, path);
      expect(clock.source).toBe(dateSkewMs === undefined ? "assumed" : "date-header");
      const mine = freshness.filter((probe) => sideOf(probe) === side);
      const results = await mapConcurrently(mine, 8, (probe) =>
        runProbe(probe, { provider: proxy.baseUrl, operator: proxy.baseUrl }, { clocks: { [side]: clock } }),
      );
      return [...new Set(results.filter((result) => result.findings.length).map((result) => result.probe.kind!))].sort();
    } finally {
      await proxy.close();
    }
  }

  it("allow for the clock skew of a target whose Date header shows it: a provider 2 minutes ahead, a receiver 90 s behind", async () => {
    const [ahead, behind] = await Promise.all([
      startTestServer({ now: () => Date.now() + 120_000 }),
      startTestReceiver(undefined, { now: () => Date.now() - 90_000 }),
    ]);
    try {
      expect(await failedKinds(ahead.baseUrl, "provider", 120_000)).toEqual([]);
      expect(await failedKinds(behind.baseUrl, "operator", -90_000)).toEqual([]);
      // Aimed at the tester's own clock instead, the edge probes land on the wrong side.
      expect(await failedKinds(ahead.baseUrl, "provider", 0)).toEqual(["freshness/inside-past", "freshness/outside-future"]);
    } finally {
      await Promise.all([ahead.close(), behind.close()]);
    }
  });

  it("send an edge probe again when its answer was slow (the target may have read its clock late), but not a quick wrong answer", async () => {
    let answered = 0;
    const slowOnce = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        answered += 1;
        const [status, body] =
          answered === 1
            ? [401, { errors: { code: "G.04", message: "Request expired" } }]
            : [200, { url: "https://games.luckymonaco.example/index.html?token=q8Zs1mC4v0pXyJ2kLr7uT9wEaB3nD6fH5gK1oP0iU2w" }];
        setTimeout(
          () => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)),
          answered === 1 ? 1100 : 0,
        );
      });
    });
    await new Promise<void>((resolve) => slowOnce.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(slowOnce.address() as { port: number }).port}`;
    try {
      const inside = freshness.find((probe) => probe.kind === "freshness/inside-past" && probe.subject === "enterGameSession")!;
      const result = await runProbe(inside, { provider: url, operator: url });
      expect([result.findings, result.attempts, answered]).toEqual([[], 2, 2]);
      answered = 1; // every answer now quick and wrong
      const outside = freshness.find((probe) => probe.kind === "freshness/outside-past" && probe.subject === "enterGameSession")!;
      const wrong = await runProbe(outside, { provider: url, operator: url });
      expect([wrong.findings.length > 0, wrong.attempts, answered]).toEqual([true, undefined, 2]);
    } finally {
      await new Promise<void>((resolve) => slowOnce.close(() => resolve()));
    }
  });

  it("take a target without a Date header to agree with the tester's clock", async () => {
    expect(await failedKinds(server.baseUrl, "provider", undefined)).toEqual([]);
  });
});

const cases = oneBugImplementations.flatMap((implementation) =>
  implementation.sides.map((side) => [`${implementation.name} (${side})`, implementation, side] as const),
);

describe("each boundary probe catches its bug", () => {
  it.concurrent.each(cases)("%s", async (_name, implementation: OneBug, side) => {
    const target = side === "provider" ? server.baseUrl : receiver.baseUrl;
    const proxy = await startDefectProxy(target, implementation.defect(credentials));
    try {
      const mine = probes.filter((probe) => sideOf(probe) === side && implementation.catches.includes(probe.kind!));
      expect(mine.length, `no probe of ${implementation.catches.join(", ")} on the ${side} side`).toBeGreaterThan(0);
      const path = allOperations.find((operation) => operation.implementedBy === side)!.path;
      const clock = await estimateClock(proxy.baseUrl, path, 1);
      const results = await mapConcurrently(mine, 8, (probe) =>
        runProbe(probe, { provider: proxy.baseUrl, operator: proxy.baseUrl }, { clocks: { [side]: clock } }),
      );
      const failed = new Set(results.filter((result) => result.findings.length > 0).map((result) => result.probe.kind!));
      const kinds = [...new Set(mine.map((probe) => probe.kind!))];
      expect(
        kinds.filter((kind) => !failed.has(kind)),
        `${implementation.bug}: these probes passed it`,
      ).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
