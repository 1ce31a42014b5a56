// The one deadline helper (src/deadline.ts): it settles as the work does, or rejects at the
// deadline with its error and aborts the work's signal with that error; it forwards a
// caller's abort; and it fires under forced garbage collection (the unit project runs with
// --expose-gc), where a timer held weakly may never fire on Node 20.
import { describe, expect, it } from "vitest";
import { withDeadline } from "../src/deadline.js";

const never = () => new Promise<never>(() => undefined);

describe("withDeadline", () => {
  it("settles as the work does when it is in time", async () => {
    await expect(withDeadline(async () => "answer", 5000, "the work")).resolves.toBe("answer");
    await expect(withDeadline(Promise.resolve(7), 5000, "the work")).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error("its own failure")), 5000, "the work")).rejects.toThrow("its own failure");
  });

  it("rejects at the deadline with the error it names, and aborts the work's signal with it", async () => {
    let given: AbortSignal | undefined;
    const outcome = withDeadline((signal) => ((given = signal), never()), 30, "the database");
    await expect(outcome).rejects.toThrow("the database did not answer within 30 ms");
    expect(given?.aborted).toBe(true);
    expect((given!.reason as Error).message).toBe("the database did not answer within 30 ms");
    const custom = new DOMException("no complete answer within 30 ms", "TimeoutError");
    await expect(withDeadline(never(), 30, () => custom)).rejects.toBe(custom);
  });

  it("forwards the abort of a caller's own signal to the work, and leaves the signal alone afterwards", async () => {
    const caller = new AbortController();
    const outcome = withDeadline(
      (signal) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
      5000,
      "the work",
      { signal: caller.signal },
    );
    caller.abort(new Error("the caller gave up"));
    await expect(outcome).rejects.toThrow("the caller gave up");
    const aborted = AbortSignal.abort(new Error("before it started"));
    await expect(
      withDeadline((signal) => (signal.aborted ? Promise.reject(signal.reason) : never()), 5000, "the work", { signal: aborted }),
    ).rejects.toThrow("before it started");
  });

  it("fires while garbage collections run", async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe("function");
    let done = false;
    let collections = 0;
    const collecting = (async () => {
      while (!done) {
        gc!();
        collections += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const outcome = withDeadline(() => never(), 150, "the work").finally(() => (done = true));
    await expect(outcome).rejects.toThrow("the work did not answer within 150 ms");
    await collecting;
    expect(collections).toBeGreaterThan(1);
  });
});
