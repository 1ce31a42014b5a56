/**
 * Polling for tests that wait on other processes or loops: no fixed sleeps, and never a
 * timing assertion (the machine is shared).
 */

/**
 * Checks `check` every `everyMs` until it holds or `ms` pass.
 *
 * @returns whether it held
 */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 20_000, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
