// Group commit on PostgreSQL (src/store/postgres/turn-batch.ts), without a database: the
// calls of one event-loop turn go out as one batch; a batch that fails because of a row is
// sent again call by call, so the bad row fails alone; a batch that fails because the
// database is unreachable fails every call at once, without a second timeout per call.
import { describe, expect, it } from "vitest";
import { isRowError } from "../../../src/store/postgres/errors.js";
import { TurnBatch } from "../../../src/store/postgres/turn-batch.js";

/** A TurnBatch whose batch statement fails with `failure`, and whose single calls fail for the input "bad". */
function failingBatch(failure: Error & { code?: string }) {
  const sent = { many: 0, single: [] as string[] };
  const batch = new TurnBatch<string, string>({
    maxBatch: 10,
    retryAlone: isRowError,
    async many() {
      sent.many += 1;
      throw failure;
    },
    async single(input) {
      sent.single.push(input);
      if (input === "bad") throw Object.assign(new Error("duplicate key"), { code: "23505" });
      return `stored ${input}`;
    },
  });
  const settle = (input: string) => batch.run(input).then((value) => ({ value }), (error: Error) => ({ error: error.message }));
  return { sent, run: () => Promise.all(["a", "bad", "c"].map(settle)) };
}

describe("TurnBatch", () => {
  it("sends each call alone after a row broke a constraint, so only that call fails", async () => {
    const { sent, run } = failingBatch(Object.assign(new Error("duplicate key"), { code: "23505" }));
    expect(await run()).toEqual([{ value: "stored a" }, { error: "duplicate key" }, { value: "stored c" }]);
    expect(sent).toEqual({ many: 1, single: ["a", "bad", "c"] });
  });

  it("fails every call at once when the database did not answer, sending none of them again", async () => {
    for (const failure of [new Error("Query read timeout"), Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" })]) {
      const { sent, run } = failingBatch(failure);
      expect(await run()).toEqual([{ error: failure.message }, { error: failure.message }, { error: failure.message }]);
      expect(sent).toEqual({ many: 1, single: [] });
    }
  });
});
