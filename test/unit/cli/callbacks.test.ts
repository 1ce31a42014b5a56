// `npm run callbacks`: its arguments, the table it lists and what redeliver re-queues, on
// a SQLite store in memory (the store operations themselves run on both stores in
// test/unit/store/store.test.ts; the command as a process in test/integration/server).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCallbacksCommand, runCallbacksCommand, UsageError } from "../../../src/cli/callbacks.js";
import { openSqliteStore } from "../../../src/store/sqlite/store.js";
import type { SessionStore } from "../../../src/store/session-store.js";

describe("arguments", () => {
  it("reads list and redeliver", () => {
    expect(parseCallbacksCommand(["list"])).toEqual({ command: "list", partnerId: undefined, state: undefined, limit: 100 });
    expect(parseCallbacksCommand(["list", "--partner", "casino-one", "--state", "failed", "--limit", "5"])).toEqual({
      command: "list",
      partnerId: "casino-one",
      state: "failed",
      limit: 5,
    });
    expect(parseCallbacksCommand(["redeliver", "a", "b"])).toEqual({ command: "redeliver", sessionIds: ["a", "b"] });
    expect(parseCallbacksCommand(["redeliver", "--partner", "casino-one", "--failed"])).toEqual({
      command: "redeliver",
      partnerId: "casino-one",
      failed: true,
    });
    const help = expect.stringMatching(/^usage: callbacks <list\|redeliver>[\s\S]*list[\s\S]*redeliver/);
    expect(parseCallbacksCommand(["--help"])).toMatchObject({ command: "help", text: help });
    expect(parseCallbacksCommand(["list", "--help"])).toMatchObject({ command: "help", text: expect.stringContaining("--state <state>") });
  });

  it.each([
    [[], /a command is required/],
    [["purge"], /unknown command purge/],
    [["list", "--state", "lost"], /--state must be one of pending, delivered, failed, not lost/],
    [["list", "--limit", "0"], /--limit must be a whole number from 1 to 10000/],
    [["list", "--verbose"], /unknown option '--verbose'/],
    [["redeliver"], /needs session ids, or --partner ID --failed/],
    [["redeliver", "--partner", "casino-one"], /needs session ids, or --partner ID --failed/],
    [["redeliver", "abc", "--partner", "casino-one", "--failed"], /not both/],
  ])("refuses %j", (args, message) => {
    expect(() => parseCallbacksCommand(args as string[])).toThrow(UsageError);
    expect(() => parseCallbacksCommand(args as string[])).toThrow(message);
  });
});

describe("on a store", () => {
  let store: SessionStore;
  let lines: string[];
  const print = (line: string) => lines.push(line);
  const run = (args: string[]) => runCallbacksCommand(parseCallbacksCommand(args), store, print, () => Date.UTC(2026, 10, 22, 12));

  beforeEach(async () => {
    store = await openSqliteStore({ location: ":memory:" });
    await store.migrate();
    lines = [];
    for (const [index, partnerId] of ["casino-one", "casino-one", "casino-two"].entries()) {
      const id = String(index + 1).repeat(32);
      await store.openSession(
        { partnerId, uuid: id, operationId: "enterGameSession", fingerprint: "f" },
        {
          id,
          partnerId,
          playerId: `p${index}`,
          playerNickname: undefined,
          gameId: "g",
          gameType: "slot",
          currency: "EUR",
          language: "en",
          partnerSessionId: "s",
          playerIp: "203.0.113.1",
          tokenHash: id,
          createdAt: 0,
        },
      );
    }
    await store.expireIdleSessions(1, Date.UTC(2026, 10, 21, 23, 59), new Set(["casino-one", "casino-two"]), 1000);
    const claimed = await store.claimDueCallbacks({ at: Date.UTC(2026, 10, 22), leaseMs: 1000, others: 10 });
    await store.recordCallbackAttempt(
      claimed.find((c) => c.sessionId === "1".repeat(32))!,
      { state: "failed", error: "HTTP 410", status: 410 },
      Date.UTC(2026, 10, 22),
    );
    await store.recordCallbackAttempt(
      claimed.find((c) => c.sessionId === "2".repeat(32))!,
      { state: "delivered", status: 200 },
      Date.UTC(2026, 10, 22, 0, 0, 1),
    );
    await store.recordCallbackAttempt(
      claimed.find((c) => c.sessionId === "3".repeat(32))!,
      { state: "pending", nextAttemptAt: Date.UTC(2026, 10, 22, 0, 5), error: "timeout: no answer within 5000 ms" },
      Date.UTC(2026, 10, 22),
    );
  });
  afterEach(() => store.close());

  it("lists the outbox as a table, filtered by partner and state", async () => {
    expect(await run(["list"])).toBe(0);
    const [header, ...rows] = lines[0]!.split("\n");
    expect(header).toMatch(/^CALLBACK ID\s+SESSION\s+PARTNER\s+STATE\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR \/ STATUS\s+CREATED$/);
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row.includes("1".repeat(32)))).toMatch(
      /[0-9a-f-]{36}\s+1{32}\s+casino-one\s+failed\s+1\s+-\s+HTTP 410\s+2026-11-21T23:59:00Z$/,
    );
    expect(rows.find((row) => row.includes("2".repeat(32)))).toMatch(/delivered\s+1\s+-\s+delivered 2026-11-22T00:00:01Z/);
    expect(rows.find((row) => row.includes("3".repeat(32)))).toMatch(
      /casino-two\s+pending\s+1\s+2026-11-22T00:05:00Z\s+timeout: no answer within 5000 ms/,
    );
    expect(lines[1]).toBe("3 callbacks");

    lines = [];
    await run(["list", "--partner", "casino-one", "--state", "failed"]);
    expect(lines[0]!.split("\n")).toHaveLength(2);
    expect(lines[1]).toBe("1 callback");
    lines = [];
    await run(["list", "--limit", "2"]);
    expect(lines[1]).toBe("2 callbacks (the first 2; --limit shows more)");
  });

  it("re-queues a partner's failed callbacks, or sessions' callbacks, and names sessions without one", async () => {
    expect(await run(["redeliver", "--partner", "casino-one", "--failed"])).toBe(0);
    expect(lines).toEqual([`re-queued 1 callback: ${"1".repeat(32)}`]);
    lines = [];
    expect(await run(["redeliver", "2".repeat(32), "f".repeat(32)])).toBe(1);
    expect(lines).toEqual([`re-queued 1 callback: ${"2".repeat(32)}`, `no callback for session ${"f".repeat(32)}`]);
    const listed = await store.listCallbacks({ partnerId: "casino-one", limit: 10 });
    expect(listed.map((row) => [row.state, row.attempts, row.nextAttemptAt])).toEqual([
      ["pending", 0, Date.UTC(2026, 10, 22, 12)],
      ["pending", 0, Date.UTC(2026, 10, 22, 12)],
    ]);
  });
});
