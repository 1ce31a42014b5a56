/**
 * JSON pointers (RFC 6901) as the spec's `x-error-envelope` uses them: where a failure
 * body carries its catalog code and message. Used by the code generator (the docs'
 * envelope table) and by the servers (building failure bodies), so both read one fact.
 */

/** The reference tokens of a pointer: `/error/code` → `["error", "code"]`. @throws Error for a pointer that does not start with `/` */
export function pointerTokens(pointer: string): string[] {
  if (!pointer.startsWith("/")) throw new Error(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * Sets `value` at `pointer` in `target`, creating the objects on the way.
 *
 * @returns `target`
 * @throws Error for a pointer that does not start with `/`
 */
export function setAtPointer(target: Record<string, unknown>, pointer: string, value: unknown): Record<string, unknown> {
  const tokens = pointerTokens(pointer);
  let node = target;
  for (const token of tokens.slice(0, -1)) {
    node[token] ??= {};
    node = node[token] as Record<string, unknown>;
  }
  node[tokens.at(-1)!] = value;
  return target;
}

/** The value at `pointer` in `source`, or undefined when a step is missing. */
export function getAtPointer(source: unknown, pointer: string): unknown {
  return pointerTokens(pointer).reduce<unknown>(
    (node, token) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[token] : undefined),
    source,
  );
}
