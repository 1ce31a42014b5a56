// The adaptive size of a background batch (src/server/background/batch-size.ts): it
// follows the measured duration toward the store's target, at most doubling or halving
// per batch, within the budget's bounds.
import { describe, expect, it } from "vitest";
import { nextBatchSize } from "../../../../src/server/background/batch-size.js";

const budget = { targetMs: 10, initialRows: 100, minRows: 10, maxRows: 5000 };

describe("nextBatchSize", () => {
  it("scales toward the target duration", () => {
    expect(nextBatchSize(100, 8, budget)).toBe(125);
    expect(nextBatchSize(100, 12.5, budget)).toBe(80);
    expect(nextBatchSize(100, 10, budget)).toBe(100);
  });

  it("at most doubles or halves at a time, so one odd batch does not swing it", () => {
    expect(nextBatchSize(100, 0.5, budget)).toBe(200);
    expect(nextBatchSize(100, 0, budget)).toBe(200);
    expect(nextBatchSize(100, 400, budget)).toBe(50);
  });

  it("stays within the budget's bounds", () => {
    expect(nextBatchSize(4000, 1, budget)).toBe(5000);
    expect(nextBatchSize(15, 100, budget)).toBe(10);
  });
});
