// The warm-up of a new server process (src/server/warm-up.ts, BACKGROUND_WARM_UP_SECONDS),
// on a fake monotonic clock: background work takes a share of its pace that rises in a
// straight line from a tenth to all of it.
import { describe, expect, it } from "vitest";
import { NO_WARM_UP, WARM_UP_FIRST_SHARE, WarmUp } from "../../../src/server/warm-up.js";

/** A warm-up of `durationMs` on a clock the test moves. */
function warmUp(durationMs: number) {
  const clock = { ms: 5000 };
  return { warm: new WarmUp({ durationMs, clock: () => clock.ms }), clock };
}

describe("WarmUp", () => {
  it("rises in a straight line from a tenth at the start to all at the end, then stays there", () => {
    const { warm, clock } = warmUp(10_000);
    expect(WARM_UP_FIRST_SHARE).toBe(0.1);
    expect(warm.share()).toBeCloseTo(0.1, 10);
    clock.ms += 5000;
    expect(warm.share()).toBeCloseTo(0.55, 10);
    clock.ms += 4000;
    expect(warm.share()).toBeCloseTo(0.91, 10);
    clock.ms += 1000;
    expect(warm.share()).toBe(1);
    clock.ms += 3_600_000;
    expect(warm.share()).toBe(1);
  });

  it("counts a clock that went back as the start", () => {
    const { warm, clock } = warmUp(10_000);
    clock.ms -= 60_000;
    expect(warm.share()).toBeCloseTo(0.1, 10);
  });

  it("is all of the pace at once when it lasts 0, or when there is none", () => {
    expect(warmUp(0).warm.share()).toBe(1);
    expect(NO_WARM_UP.share()).toBe(1);
  });

  it("refuses a duration below 0 or not finite", () => {
    expect(() => new WarmUp({ durationMs: -1 })).toThrow(RangeError);
    expect(() => new WarmUp({ durationMs: Number.NaN })).toThrow(RangeError);
    expect(() => new WarmUp({ durationMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});
