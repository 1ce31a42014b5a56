// Each partner's adaptive concurrency limit of the callback delivery (AIMD with a slow
// start) and how one claim shares the instance's slots among partners, as pure functions.
import { describe, expect, it } from "vitest";
import {
  ConcurrencyLimits,
  INITIAL_LIMIT,
  initialState,
  nextLimit,
  restarted,
  type LimitState,
} from "../../../src/server/delivery/concurrency-limit.js";
import { PartnerSlots } from "../../../src/server/delivery/partner-slots.js";
import { loadConfig } from "../../../src/server/config.js";
import { fairShares, planSlots, type PartnerLoad } from "../../../src/server/delivery/slot-plan.js";

const CEILING = 64;
const ok = (state: LimitState, saturated = true) => nextLimit(state, { ok: true, saturated, epoch: state.epoch }, CEILING);
const failed = (state: LimitState, epoch = state.epoch) => nextLimit(state, { ok: false, saturated: true, epoch }, CEILING);
/** One round trip at the limit: every attempt in flight answered, each started with the whole limit in flight. */
const roundTrip = (state: LimitState) => {
  const answers = Math.floor(state.limit);
  for (let answer = 0; answer < answers; answer++) state = ok(state);
  return state;
};

describe("adaptive concurrency limit of a partner", () => {
  it("starts at the earlier fixed 8, within the ceiling", () => {
    expect(initialState(CEILING)).toEqual({ limit: INITIAL_LIMIT, threshold: CEILING, epoch: 0 });
    expect(INITIAL_LIMIT).toBe(8);
    expect(initialState(3).limit).toBe(3);
  });

  it("doubles every round trip below the threshold while the partner uses its whole limit, and stops at the ceiling", () => {
    let state = initialState(CEILING);
    const limits: number[] = [];
    for (let trip = 0; trip < 5; trip++) limits.push(Math.floor((state = roundTrip(state)).limit));
    expect(limits).toEqual([16, 32, 64, 64, 64]);
  });

  it("does not grow while the partner has fewer attempts in flight than its limit", () => {
    const state = initialState(CEILING);
    expect(ok(state, false)).toBe(state);
  });

  it("halves on a retryable failure, once per round trip, never below 1; then grows by one per round trip", () => {
    let state: LimitState = { limit: 64, threshold: 64, epoch: 3 };
    const started = state.epoch; // 64 attempts started under the limit of 64 …
    state = failed(state, started);
    expect(state).toEqual({ limit: 32, threshold: 32, epoch: 4 });
    for (let late = 0; late < 63; late++) state = failed(state, started); // … and all of them failed
    expect(state.limit).toBe(32);
    expect(nextLimit(state, { ok: true, saturated: true, epoch: started }, CEILING)).toBe(state); // nor grown by their answers …
    state = roundTrip(state); // … while answers under the new limit add one per round trip (congestion avoidance)
    expect(state.limit).toBeCloseTo(33, 0);
    expect(state.limit).toBeLessThan(33.1);
    for (let failure = 0; failure < 10; failure++) state = failed(state);
    expect(state.limit).toBe(1);
    expect(state.threshold).toBe(1);
  });

  it("follows a receiver that overloads above 20 attempts: it stays between 10 and the overload, far from the ceiling", () => {
    let state = initialState(CEILING);
    const seen: number[] = [];
    for (let trip = 0; trip < 60; trip++) {
      state = Math.floor(state.limit) > 20 ? failed(state) : roundTrip(state);
      seen.push(Math.floor(state.limit));
    }
    expect(Math.max(...seen.slice(10))).toBeLessThanOrEqual(21);
    expect(Math.min(...seen.slice(10))).toBeGreaterThanOrEqual(10);
  });

  it("restarts after an outage at 8 at most, with slow start up to the threshold it learnt", () => {
    expect(restarted({ limit: 1, threshold: 32, epoch: 7 }, CEILING)).toEqual({ limit: 8, threshold: 32, epoch: 8 });
    expect(restarted({ limit: 1, threshold: 2.5, epoch: 7 }, CEILING)).toEqual({ limit: 2.5, threshold: 2.5, epoch: 8 });
    expect(restarted({ limit: 1, threshold: 32, epoch: 0 }, 4).limit).toBe(4);
    let state = restarted({ limit: 1, threshold: 20, epoch: 7 }, CEILING);
    const limits: number[] = [];
    for (let trip = 0; trip < 4; trip++) limits.push(Math.floor((state = roundTrip(state)).limit));
    expect(limits).toEqual([16, 20, 21, 22]); // 8, doubled to 16, then past the threshold of 20 one a round trip
  });

  it("keeps state per partner, reports whole-number changes, restarts after an outage and forgets a removed partner", () => {
    const changes: Array<[string, number | undefined]> = [];
    const limits = new ConcurrencyLimits({
      ceiling: CEILING,
      adaptive: true,
      onChange: (partner, slots) => changes.push([partner, slots]),
    });
    expect([limits.slots("a"), limits.slots("b")]).toEqual([8, 8]);
    for (let answer = 0; answer < 8; answer++) limits.record("a", limits.ticket("a", true), true);
    limits.record("b", limits.ticket("b", true), false);
    expect([limits.slots("a"), limits.slots("b")]).toEqual([16, 4]);
    limits.restart("b");
    expect(limits.slots("b")).toBe(4); // at most the threshold it learnt
    limits.retain(new Set(["b"]));
    expect(changes).toEqual([
      ["a", 8],
      ["b", 8],
      ...[9, 10, 11, 12, 13, 14, 15, 16].map((slots) => ["a", slots]),
      ["b", 4],
      ["a", undefined],
    ]);
  });

  it("stays at the ceiling when adaptation is off", () => {
    const limits = new ConcurrencyLimits({ ceiling: 8, adaptive: false });
    for (let failure = 0; failure < 5; failure++) limits.record("a", limits.ticket("a", true), false);
    limits.restart("a");
    expect(limits.slots("a")).toBe(8);
  });
});

const load = (partnerId: string, cap: number, inFlight = 0, backlogged = false): PartnerLoad => ({ partnerId, cap, inFlight, backlogged });

describe("slots of one claim", () => {
  it("shares max-min fairly: a small cap is met, the rest is split equally, the remainder goes first in order", () => {
    expect(fairShares([64, 8, 64], 100)).toEqual([46, 8, 46]);
    expect(fairShares([64, 64, 64], 100)).toEqual([34, 33, 33]);
    expect(fairShares([3, 0, 2], 100)).toEqual([3, 0, 2]);
    expect(fairShares([5, 5, 5], 2)).toEqual([1, 1, 0]);
  });

  it("gives one slow partner its whole limit when it is alone", () => {
    expect(planSlots([load("slow", 64, 10, true), load("idle", 8)], 256, 10)).toEqual(
      new Map([
        ["slow", 54],
        ["idle", 8],
      ]),
    );
  });

  it("holds a slow partner to its fair share while others have callbacks, and never exceeds the total", () => {
    const plan = planSlots([load("slow", 64, 40, true), load("fast", 64, 0, true), load("new", 8)], 64, 40);
    // Two compete: 32 each. The slow one is above its share and gets nothing new.
    expect(plan).toEqual(
      new Map([
        ["slow", 0],
        ["fast", 24],
        ["new", 0],
      ]),
    );
    expect(planSlots([load("new", 8), load("slow", 64, 40, true), load("fast", 64, 0, true)], 64, 40)).toEqual(
      new Map([
        ["new", 8],
        ["slow", 0],
        ["fast", 16],
      ]),
    );
  });

  it("lets a newcomer in at once, at most its cap and an equal share, from what is free", () => {
    // The last 4 free slots go to whichever comes first: the rotation puts each first in turn.
    expect(planSlots([load("slow", 64, 60, true), load("new", 64)], 64, 60)).toEqual(
      new Map([
        ["slow", 4],
        ["new", 0],
      ]),
    );
    expect(planSlots([load("new", 64), load("slow", 64, 60, true)], 64, 60)).toEqual(
      new Map([
        ["new", 4],
        ["slow", 0],
      ]),
    );
    expect(planSlots([load("new", 64), load("slow", 64, 20, true)], 256, 20)).toEqual(
      new Map([
        ["new", 64],
        ["slow", 44],
      ]),
    );
    expect(planSlots([load("a", 64), load("b", 64), load("c", 64)], 30, 0)).toEqual(
      new Map([
        ["a", 30],
        ["b", 0],
        ["c", 0],
      ]),
    );
  });

  it("gives a partner whose breaker is open nothing, and one probe while half-open", () => {
    expect(planSlots([load("open", 0, 2, true), load("probe", 1), load("busy", 1, 1, true)], 64, 3)).toEqual(
      new Map([
        ["open", 0],
        ["probe", 1],
        ["busy", 0],
      ]),
    );
  });
});

describe("per-partner bookkeeping of the loop", () => {
  const partnerSlots = () => new PartnerSlots({ ceiling: 16, adaptive: true, breakerThreshold: 2, breakerCooldownMs: 1000 });

  it("marks a claim that filled the partner's limit as saturated, so that its answers grow the limit", () => {
    const slots = partnerSlots();
    const plan = slots.plan(["a"], 0, 64, 0);
    expect(plan.slots.get("a")).toBe(8);
    const tickets = slots.claimed(plan, Array(8).fill("a"));
    expect(tickets.every((ticket) => ticket.saturated)).toBe(true);
    for (const ticket of tickets) {
      slots.answered("a", ticket, { ok: true, at: 1 });
      slots.finished("a");
    }
    expect(slots.limits.slots("a")).toBe(16);
  });

  it("judges saturation by the limit when the claim was planned, though answers raise it before the claim returns", () => {
    const slots = partnerSlots();
    const first = slots.claimed(slots.plan(["a"], 0, 64, 0), Array(8).fill("a"));
    for (const ticket of first.slice(0, 3)) {
      slots.answered("a", ticket, { ok: true, at: 1 });
      slots.finished("a");
    }
    const plan = slots.plan(["a"], 1, 64, 5); // limit 11, 5 in flight: 6 more fill it
    expect(plan.slots.get("a")).toBe(6);
    for (const ticket of first.slice(3)) {
      slots.answered("a", ticket, { ok: true, at: 2 }); // meanwhile the other 5 answer: limit 16
      slots.finished("a");
    }
    expect(slots.claimed(plan, Array(6).fill("a")).every((ticket) => ticket.saturated)).toBe(true);
  });

  it("does not grow a partner whose due callbacks do not fill its limit, and stops counting it as competing once drained", () => {
    const slots = partnerSlots();
    const plan = slots.plan(["a", "b"], 0, 64, 0);
    const tickets = slots.claimed(plan, ["a", "a", "b", "b", "b", "b", "b", "b", "b", "b"]);
    expect(tickets.map((ticket) => ticket.saturated)).toEqual([false, false, ...Array(8).fill(true)]);
    for (const ticket of tickets.slice(0, 2)) slots.answered("a", ticket, { ok: true, at: 1 });
    expect(slots.limits.slots("a")).toBe(8);
    for (const partnerId of ["a", "a", "b", "b", "b", "b", "b", "b", "b", "b"]) slots.finished(partnerId);
    // a got 2 of the 8 it asked for (drained), b all 8 (more may be due): of 12 slots b,
    // first in order, may take its whole limit; had a still competed, b would get half.
    expect(slots.plan(["b", "a"], 0, 12, 0).slots).toEqual(
      new Map([
        ["b", 8],
        ["a", 4],
      ]),
    );
    expect(planSlots([load("b", 8, 0, true), load("a", 8, 0, true)], 12, 0)).toEqual(
      new Map([
        ["b", 6],
        ["a", 6],
      ]),
    );
  });

  it("learns nothing while the breaker is open or half-open, and restarts the limit when it closes", () => {
    const slots = partnerSlots();
    for (let failure = 0; failure < 2; failure++) {
      const [ticket] = slots.claimed(slots.plan(["a"], failure, 64, 0), ["a"]);
      expect(slots.answered("a", ticket!, { ok: false, at: failure })).toBe(failure === 1 ? "opened" : undefined);
      slots.finished("a");
    }
    expect(slots.limits.slots("a")).toBe(2); // 8, halved twice (one attempt at a time: each its own round trip)
    expect(slots.plan(["a"], 500, 64, 0).slots.get("a")).toBe(0); // open
    for (const at of [1100, 2200]) {
      const [probe] = slots.claimed(slots.plan(["a"], at, 64, 0), ["a"]);
      expect(slots.answered("a", probe!, { ok: false, at: at + 1 })).toBe("opened"); // a failed probe
      slots.finished("a");
    }
    expect(slots.limits.slots("a")).toBe(2);
    const [probe] = slots.claimed(slots.plan(["a"], 3300, 64, 0), ["a"]);
    expect(slots.answered("a", probe!, { ok: true, at: 3400 })).toBe("closed");
    expect(slots.limits.slots("a")).toBe(2); // min(8, its threshold of 2), in a new round trip
    const next = slots.claimed(slots.plan(["a"], 3500, 64, 0), ["a", "a"]);
    expect(next.every((ticket) => ticket.saturated)).toBe(true);
  });
});

describe("configuration", () => {
  it("adapts by default up to 64 a partner and 256 an instance; CALLBACK_ADAPTIVE_CONCURRENCY=false fixes each partner at its ceiling", () => {
    expect(loadConfig({})).toMatchObject({ callbackConcurrency: 256, callbackPartnerConcurrency: 64, callbackAdaptiveConcurrency: true });
    expect(loadConfig({ CALLBACK_ADAPTIVE_CONCURRENCY: "false", CALLBACK_PARTNER_CONCURRENCY: "8" })).toMatchObject({
      callbackPartnerConcurrency: 8,
      callbackAdaptiveConcurrency: false,
    });
    expect(() => loadConfig({ CALLBACK_ADAPTIVE_CONCURRENCY: "off" })).toThrow(/CALLBACK_ADAPTIVE_CONCURRENCY must be boolean/);
  });
});
