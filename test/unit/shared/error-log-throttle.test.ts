// Error lines during an outage (src/shared/error-log-throttle.ts): the first error of a kind
// with its stack, the repeats counted, one line with the count when the window ends.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { FastifyBaseLogger } from "fastify";
import { ErrorLogThrottle } from "../../../src/shared/error-log-throttle.js";

let lines: Array<{ fields: Record<string, unknown>; message: string }>;
const log = {
  error: (fields: Record<string, unknown>, message: string) => lines.push({ fields, message }),
} as unknown as FastifyBaseLogger;

beforeEach(() => {
  lines = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

it("writes the first error of a kind with its stack, counts the repeats, and says how many at the window's end", () => {
  const throttle = new ErrorLogThrottle(60_000);
  const down = new Error("connect ECONNREFUSED 127.0.0.1:5432");
  for (let request = 0; request < 100; request++)
    throttle.error(log, { path: "/api/session" }, down, "unexpected error; answering 500 G.01");
  throttle.error(log, {}, new Error("Query read timeout"), "unexpected error; answering 500 G.01");
  expect(lines.map((line) => [line.message, (line.fields.err as Error).message])).toEqual([
    ["unexpected error; answering 500 G.01", "connect ECONNREFUSED 127.0.0.1:5432"],
    ["unexpected error; answering 500 G.01", "Query read timeout"],
  ]);
  expect(lines[0]!.fields.path).toBe("/api/session");
  vi.advanceTimersByTime(60_000);
  expect(lines.slice(2)).toEqual([
    {
      fields: { repeats: 99, windowSeconds: 60, error: "connect ECONNREFUSED 127.0.0.1:5432" },
      message: "unexpected error; answering 500 G.01 (repeated 99 times; the first is logged above with its stack)",
    },
  ]);
  throttle.error(log, {}, down, "unexpected error; answering 500 G.01");
  expect(lines).toHaveLength(4);
  expect(lines[3]!.fields.err).toBe(down);
});
