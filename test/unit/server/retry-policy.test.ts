// The retry schedule, its jitter, Retry-After, which answers stop retrying, and the
// per-partner circuit breaker, as pure functions.
import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../../src/server/delivery/circuit-breaker.js";
import {
  defaultRetrySchedule,
  JITTER,
  nextPauseMs,
  parseRetryAfter,
  parseRetrySchedule,
  scheduleSpanSeconds,
  stopsRetrying,
} from "../../../src/server/delivery/retry-policy.js";
import { loadConfig } from "../../../src/server/config.js";
import { allOperations } from "../../support/spec-views.js";
import { operationObject } from "../../../src/contract/bundle.js";

describe("retry schedule", () => {
  it("is the one the spec promises operators, with its jitter and the attempt timeout (operation sessionExpired)", () => {
    const operation = allOperations.find((candidate) => candidate.implementedBy === "operator")!;
    const description = String(operationObject(operation).description).replace(/\s+/g, " ");
    const duration = (seconds: number) =>
      seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
    const pauses = defaultRetrySchedule.map(duration);
    expect(description).toContain(`${pauses.slice(0, -1).join(", ")} and ${pauses.at(-1)} (${defaultRetrySchedule.length + 1} attempts`);
    expect(description).toContain(`±${JITTER * 100} %`);
    expect(description).toContain(`waits ${loadConfig({}).callbackTimeoutMs / 1000} seconds for each attempt`);
  });

  it("spans more than 24 hours by default, even with every pause drawn at its shortest", () => {
    expect(loadConfig({}).callbackRetrySchedule).toEqual(defaultRetrySchedule);
    const shortest = defaultRetrySchedule.reduce(
      (total, _pause, index) => total + nextPauseMs(defaultRetrySchedule, index + 1, () => 0)!,
      0,
    );
    expect(shortest).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(scheduleSpanSeconds(defaultRetrySchedule)).toBe(124_955);
  });

  it("reads CALLBACK_RETRY_SCHEDULE and names a bad entry", () => {
    expect(parseRetrySchedule("1, 2,4 ,0.5")).toEqual([1, 2, 4, 0.5]);
    expect(loadConfig({ CALLBACK_RETRY_SCHEDULE: "1,2,4,8" }).callbackRetrySchedule).toEqual([1, 2, 4, 8]);
    for (const [text, message] of [
      ["1,,4", /entry 2 \(""\)/],
      ["1,-2", /entry 2 \("-2"\)/],
      ["5s,30", /entry 1 \("5s"\)/],
      ["0", /entry 1 \("0"\) must be a number of seconds > 0/],
      ["999999999", /<= 604800/],
      [" , ", /at least one pause/],
    ] as const) {
      expect(() => loadConfig({ CALLBACK_RETRY_SCHEDULE: text }), text).toThrow(message);
    }
    expect(() => loadConfig({ CALLBACK_RETRY_SCHEDULE: "1,2" })).not.toThrow();
  });

  it("refuses a per-partner concurrency above the total", () => {
    expect(() => loadConfig({ CALLBACK_CONCURRENCY: "4", CALLBACK_PARTNER_CONCURRENCY: "8" })).toThrow(
      /CALLBACK_PARTNER_CONCURRENCY \(8\) must be <= CALLBACK_CONCURRENCY \(4\)/,
    );
    expect(() => loadConfig({ CALLBACK_TIMEOUT_MS: "0" })).toThrow(/CALLBACK_TIMEOUT_MS must be >= 100/);
  });

  it("jitters each pause within ±20 %, gives up after the last, and waits at least a Retry-After (at most 24 h)", () => {
    const schedule = [10, 20];
    expect(nextPauseMs(schedule, 1, () => 0)).toBe(8000);
    expect(nextPauseMs(schedule, 1, () => 0.5)).toBe(10_000);
    expect(nextPauseMs(schedule, 1, () => 0.999_999)).toBe(12_000);
    expect(nextPauseMs(schedule, 2, () => 0.5)).toBe(20_000);
    expect(nextPauseMs(schedule, 3, () => 0.5)).toBeUndefined();
    expect(nextPauseMs(schedule, 1, () => 0.5, 60_000)).toBe(60_000);
    expect(nextPauseMs(schedule, 1, () => 0.5, 1000)).toBe(10_000);
    expect(nextPauseMs(schedule, 1, () => 0.5, 10 * 24 * 3600 * 1000)).toBe(24 * 3600 * 1000);
    const draws = Array.from({ length: 200 }, () => nextPauseMs(schedule, 1, Math.random)!);
    expect(draws.every((pause) => pause >= 8000 && pause <= 12_000)).toBe(true);
    expect(new Set(draws).size).toBeGreaterThan(50); // not in lockstep
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = Date.UTC(2026, 9, 21, 7, 0, 0);
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT", now)).toBe(28 * 60_000);
    expect(parseRetryAfter("Wed, 21 Oct 2020 07:28:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("stops only at a 4xx other than 408 and 429", () => {
    expect([400, 401, 404, 409, 410, 413, 415, 422].every(stopsRetrying)).toBe(true);
    expect([408, 429, 500, 502, 503, 504, 200, 204, 301].some(stopsRetrying)).toBe(false);
  });
});

describe("circuit breaker per partner", () => {
  const breakers = () => new CircuitBreakers({ threshold: 3, cooldownMs: 1000 });

  it("opens after N failures in a row, lets one probe through after the cool-down, and closes when the probe is answered", () => {
    const breaker = breakers();
    expect(breaker.slots("b", 0, 8, 2)).toBe(6);
    expect(breaker.record("b", false, 10)).toBeUndefined();
    expect(breaker.record("b", false, 11)).toBeUndefined();
    expect(breaker.record("b", false, 12)).toBe("opened");
    expect([breaker.state("b", 13), breaker.slots("b", 13, 8, 0)]).toEqual(["open", 0]);
    expect([breaker.state("b", 1012), breaker.slots("b", 1012, 8, 0), breaker.slots("b", 1012, 8, 1)]).toEqual(["half-open", 1, 0]);
    expect(breaker.record("b", false, 1500)).toBe("opened"); // the probe failed
    expect(breaker.slots("b", 2000, 8, 0)).toBe(0);
    expect(breaker.record("b", true, 2600)).toBe("closed");
    expect([breaker.state("b", 2600), breaker.slots("b", 2600, 8, 0)]).toEqual(["closed", 8]);
  });

  it("counts only failures in a row, per partner", () => {
    const breaker = breakers();
    breaker.record("b", false, 1);
    breaker.record("b", false, 2);
    breaker.record("b", true, 3); // a 4xx answer or a delivery resets the count
    breaker.record("b", false, 4);
    breaker.record("a", false, 4);
    breaker.record("a", false, 4);
    expect([breaker.state("a", 5), breaker.state("b", 5)]).toEqual(["closed", "closed"]);
    expect(breaker.record("a", false, 5)).toBe("opened");
    expect(breaker.state("b", 6)).toBe("closed");
  });
});
