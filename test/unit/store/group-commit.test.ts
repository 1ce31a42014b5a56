// Group commit (src/store/group-commit.ts), the one batching primitive of both stores,
// without a database: the calls of one event-loop turn reach the database as one group in
// the order they were made; a group that fails because of a row is run again call by call,
// so the bad call fails alone, while one that fails because the database did not answer
// fails every call at once; `afterGroups`, or `hold` between flushes, holds the next
// groups (the SQLite WAL limit's backpressure); synchronous paths (libsql) run a whole group inside one flush.
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { GroupCommit, type GroupCommitPaths } from "../../../src/store/group-commit.js";
import { isRowError } from "../../../src/store/postgres/errors.js";

const rowError = () => Object.assign(new Error("duplicate key"), { code: "23505" });

/** A group commit over asynchronous paths that records what reached the database. */
function recording(overrides: Partial<GroupCommitPaths<string, string>> = {}) {
  const sent: Array<{ many: string[] } | { single: string }> = [];
  const commit = new GroupCommit<string, string>({
    retryAlone: isRowError,
    async many(inputs) {
      sent.push({ many: inputs });
      return inputs.map((input) => `stored ${input}`);
    },
    async single(input) {
      sent.push({ single: input });
      if (input === "bad") throw rowError();
      return `stored ${input}`;
    },
    ...overrides,
  });
  const settle = (input: string) =>
    commit.run(input).then(
      (value) => ({ value }),
      (error: Error) => ({ error: error.message }),
    );
  return { sent, commit, settle };
}

describe("group commit", () => {
  it("sends a turn's calls as one group, in order, answers each with its own result, and later calls in the next", async () => {
    const { sent, commit } = recording();
    const first = Promise.all(["a", "b", "c"].map((input) => commit.run(input)));
    await nextTurn();
    const second = Promise.all(["d", "e"].map((input) => commit.run(input)));
    expect(await first).toEqual(["stored a", "stored b", "stored c"]);
    expect(await second).toEqual(["stored d", "stored e"]);
    expect(sent).toEqual([{ many: ["a", "b", "c"] }, { many: ["d", "e"] }]);
  });

  it("cuts a turn into groups of at most maxGroup, and sends a group of one alone", async () => {
    const { sent, commit } = recording({ maxGroup: 2 });
    expect(await Promise.all(["a", "b", "c", "d", "e"].map((input) => commit.run(input)))).toEqual(
      ["a", "b", "c", "d", "e"].map((input) => `stored ${input}`),
    );
    expect(sent).toEqual([{ many: ["a", "b"] }, { many: ["c", "d"] }, { single: "e" }]);
  });

  it("runs each call alone after a row broke a constraint, so only that call fails", async () => {
    const { sent, settle } = recording({
      async many(inputs) {
        sent.push({ many: inputs });
        throw rowError();
      },
    });
    expect(await Promise.all(["a", "bad", "c"].map(settle))).toEqual([
      { value: "stored a" },
      { error: "duplicate key" },
      { value: "stored c" },
    ]);
    expect(sent).toEqual([{ many: ["a", "bad", "c"] }, { single: "a" }, { single: "bad" }, { single: "c" }]);
  });

  it("fails every call at once when the database did not answer, running none of them again", async () => {
    const failures = [
      new Error("Query read timeout"),
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }),
    ];
    for (const failure of failures) {
      const { sent, settle } = recording({
        async many(inputs) {
          sent.push({ many: inputs });
          throw failure;
        },
      });
      expect(await Promise.all(["a", "bad", "c"].map(settle))).toEqual([
        { error: failure.message },
        { error: failure.message },
        { error: failure.message },
      ]);
      expect(sent).toEqual([{ many: ["a", "bad", "c"] }]);
    }
  });

  it("fails only the caller whose own result failed after the group committed", async () => {
    const { settle } = recording({
      many: async (inputs) => inputs.map((input) => (input === "b" ? Promise.reject(new Error("lookup failed")) : `stored ${input}`)),
    });
    expect(await Promise.all(["a", "b", "c"].map(settle))).toEqual([
      { value: "stored a" },
      { error: "lookup failed" },
      { value: "stored c" },
    ]);
  });

  it("fails a caller that the group left without a result, never answering it with nothing", async () => {
    const { settle } = recording({ many: async (inputs) => inputs.slice(1).map((input) => `stored ${input}`) });
    expect(await Promise.all(["a", "b"].map(settle))).toEqual([
      { value: "stored b" },
      { error: "group commit: no result for call 2 of 2" },
    ]);
  });

  it("runs a synchronous group and its retries inside one flush, before afterGroups, and answers after it", async () => {
    const log: string[] = [];
    const commit = new GroupCommit<string, string>({
      retryAlone: () => true,
      many(inputs) {
        log.push(`group ${inputs.join(",")}`);
        throw new Error("constraint");
      },
      single(input) {
        log.push(`alone ${input}`);
        if (input === "bad") throw new Error("constraint");
        return input;
      },
      afterGroups: () => void log.push("after groups"),
    });
    const answered = ["a", "bad"].map((input) =>
      commit.run(input).then(
        (value) => log.push(`answered ${value}`),
        () => log.push(`failed ${input}`),
      ),
    );
    await Promise.all(answered);
    expect(log.slice(0, 4)).toEqual(["group a,bad", "alone a", "alone bad", "after groups"]);
    expect(log.slice(4).sort()).toEqual(["answered a", "failed bad"]);
  });

  it("holds the next groups while afterGroups' promise runs, queueing the calls meanwhile into one group", async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    let holds = 0;
    const { sent, commit } = recording({ afterGroups: () => (++holds === 1 ? hold : undefined) });
    expect(await Promise.all([commit.run("a"), commit.run("b")])).toEqual(["stored a", "stored b"]);
    const waiting = [commit.run("c")];
    await nextTurn();
    waiting.push(commit.run("d"));
    await nextTurn();
    expect(sent).toEqual([{ many: ["a", "b"] }]);
    release();
    expect(await Promise.all(waiting)).toEqual(["stored c", "stored d"]);
    expect(sent).toEqual([{ many: ["a", "b"] }, { many: ["c", "d"] }]);
  });

  it("holds the next groups from outside a flush with hold(), until every promise given settles, even a rejected one", async () => {
    const { sent, commit } = recording();
    let releaseFirst!: () => void;
    let failSecond!: (error: Error) => void;
    commit.hold(new Promise<void>((resolve) => (releaseFirst = resolve)));
    commit.hold(new Promise<void>((_resolve, reject) => (failSecond = reject)));
    const waiting = [commit.run("a"), commit.run("b")];
    await nextTurn();
    releaseFirst();
    await nextTurn();
    expect(sent).toEqual([]);
    failSecond(new Error("checkpoint failed"));
    expect(await Promise.all(waiting)).toEqual(["stored a", "stored b"]);
    expect(sent).toEqual([{ many: ["a", "b"] }]);
  });

  it("still answers the calls of a group when afterGroups throws or its promise rejects", async () => {
    for (const afterGroups of [
      () => {
        throw new Error("stat failed");
      },
      () => Promise.reject(new Error("checkpoint failed")),
    ]) {
      const { commit } = recording({ afterGroups });
      expect(await Promise.all([commit.run("a"), commit.run("b")])).toEqual(["stored a", "stored b"]);
      expect(await commit.run("c")).toBe("stored c");
    }
  });
});
