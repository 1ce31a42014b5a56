/**
 * Runs async tasks with at most `concurrency` in flight, keeping the results in input order.
 */

/**
 * Maps `items` through `task`, `concurrency` at a time.
 *
 * @returns the results in the order of `items`; rejects with the first task's error
 */
export async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  concurrency: number,
  task: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
