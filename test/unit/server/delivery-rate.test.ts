// The token bucket of CALLBACK_MAX_PER_SECOND (src/server/delivery/delivery-rate.ts), on a
// fake monotonic clock.
import { describe, expect, it } from "vitest";
import { DeliveryRate } from "../../../src/server/delivery/delivery-rate.js";

/** A bucket of `perSecond` on a clock the test moves. */
function bucket(perSecond: number) {
  const clock = { ms: 1000 };
  return { rate: new DeliveryRate({ perSecond, clock: () => clock.ms }), clock };
}

describe("DeliveryRate", () => {
  it("starts empty, then allows the pace, holding no more than a fifth of a second's worth", () => {
    const { rate, clock } = bucket(100);
    expect(rate.available()).toBe(0); // no burst at start-up
    clock.ms += 250;
    expect(rate.available()).toBe(20); // 25 earned, 20 held
    rate.take(20);
    expect(rate.available()).toBe(0);
    clock.ms += 150;
    expect(rate.available()).toBe(15);
    rate.take(12);
    expect(rate.available()).toBe(0); // 3 held: less than a batch (a twentieth of a second's worth)
    clock.ms += 20;
    expect(rate.available()).toBe(5);
    clock.ms += 60_000; // an idle minute still holds a fifth of a second's worth
    expect(rate.available()).toBe(20);
  });

  it("says how long until a batch of a twentieth of a second's attempts may start", () => {
    const { rate, clock } = bucket(1000);
    expect(rate.msUntilBatch()).toBe(50); // 50 attempts at 1000/s
    clock.ms += 5;
    expect(rate.msUntilBatch()).toBe(45);
    clock.ms += 100;
    expect(rate.msUntilBatch()).toBe(0);
    const slow = bucket(2);
    expect(slow.rate.msUntilBatch()).toBe(500); // at least one attempt
  });

  it("adds nothing when the clock goes back, and takes no more than it has", () => {
    const { rate, clock } = bucket(10);
    clock.ms += 200;
    rate.take(25);
    expect(rate.available()).toBe(0);
    clock.ms -= 10_000;
    expect(rate.available()).toBe(0);
    clock.ms += 100;
    expect(rate.available()).toBe(1);
  });

  it("while the process warms up, earns the warm-up's share of the pace, in batches of that share", () => {
    const clock = { ms: 1000 };
    const warmUp = { now: 0.1 };
    const rate = new DeliveryRate({ perSecond: 1000, clock: () => clock.ms, warmUp: { share: () => warmUp.now } });
    expect(rate.msUntilBatch()).toBe(50); // a batch of 5 at 100/s
    clock.ms += 40;
    expect(rate.available()).toBe(0); // 4 earned: below a batch
    clock.ms += 10;
    expect(rate.available()).toBe(5);
    clock.ms += 1000;
    expect(rate.available()).toBe(20); // it holds a fifth of a second of 100/s
    rate.take(20);
    warmUp.now = 1;
    clock.ms += 100;
    expect(rate.available()).toBe(100); // warm: the whole pace
  });

  it("refuses a pace that is not a number above 0", () => {
    for (const perSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new DeliveryRate({ perSecond })).toThrow(RangeError);
  });
});
