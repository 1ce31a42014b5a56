/**
 * The size of the next batch of a background job: rows scaled so that a batch takes about
 * the store's `targetMs` (store/session-store.ts `BatchBudget`). The cost of a row changes
 * with the table's size, the cache and the machine, so the size follows what the last
 * batch measured instead of being fixed: at most doubled or halved at a time, so one
 * unlucky batch (a checkpoint, a busy core) does not swing it, and kept within
 * `[minRows, maxRows]`.
 */
import type { BatchBudget } from "../../store/session-store.js";

/**
 * @param rows the size of the batch just run (its limit, not what it found)
 * @param elapsedMs how long it took, milliseconds
 * @returns the limit of the next batch, a whole number in `[budget.minRows, budget.maxRows]`
 */
export function nextBatchSize(rows: number, elapsedMs: number, budget: BatchBudget): number {
  const scale = elapsedMs > 0 ? Math.min(2, Math.max(0.5, budget.targetMs / elapsedMs)) : 2;
  return Math.round(Math.min(budget.maxRows, Math.max(budget.minRows, rows * scale)));
}
