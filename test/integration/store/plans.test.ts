// Every statement of both stores walks an index at a million rows: a database filled as
// after years of service (test/support/prefill.ts: 1,000,000 sessions, 550,000 callbacks,
// about 300,000 idempotency keys), and each statement's plan read with EXPLAIN. A plan
// fails when it reads a whole large table (a full scan, or a full scan of an index) or
// sorts every row it matched. SQLite is checked twice: before any statistics exist (a
// database just migrated, when SQLite guesses) and after the sampled `ANALYZE` the
// server runs hourly (`optimize()`). Statements are enumerated from the stores themselves, so a new one
// is checked without being listed here; on PostgreSQL it needs sample values below, or
// the test fails naming it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../../src/store/open-store.js";
import { BATCH_SQL as attemptBatchSql } from "../../../src/store/postgres/attempt-batch.js";
import { BATCH_SQL as openSessionBatchSql } from "../../../src/store/postgres/open-session-batch.js";
import { PLANNED_PER_CALL, SQL as postgresStatements } from "../../../src/store/postgres/store.js";
import { SQL as sqliteStatements } from "../../../src/store/sqlite/store.js";
import { createTestDatabase, skipPostgres, type TestDatabase } from "../../support/postgres.js";
import { fillPostgres, fillSqlite, scenarioShape } from "../../support/prefill.js";

const ROWS = 1_000_000;
const shape = { ...scenarioShape(ROWS), keys: "sequential" as const };
const LARGE_TABLES = ["sessions", "callbacks", "idempotency_keys"];

/**
 * Sorts allowed by name, with the reason: the rows sorted are bounded by the statement's
 * own limit, not by the table.
 */
const BOUNDED_SORTS: Record<string, string> = {
  listCallbacks: "merges the rows of three subqueries, each walking an index and cut at the limit",
};

/** The lines of an SQLite plan that read a whole large table or sort what it matched. */
function sqliteProblems(name: string, plan: string[]): string[] {
  return plan.filter((line) => {
    if (LARGE_TABLES.some((table) => new RegExp(`^SCAN ${table}\\b`).test(line))) return true;
    return /USE TEMP B-TREE FOR ORDER BY/.test(line) && !(name in BOUNDED_SORTS);
  });
}

describe("SQLite statements at a million rows", () => {
  let dir: string;
  let file: string;
  const plans = () => {
    const db = new Database(file);
    try {
      return Object.entries(sqliteStatements).map(([name, sql]) => {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail);
        const problems = sqliteProblems(name, plan);
        return { name, problems, plan: problems.length === 0 ? [] : plan };
      });
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "plans-"));
    file = join(dir, "sessions.db");
    const store = await openStore(file);
    await store.migrate();
    await store.close();
    const db = new Database(file);
    fillSqlite(db, shape);
    db.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("filled the database to size", () => {
    const db = new Database(file);
    const count = (table: string) => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n);
    expect([count("sessions"), count("callbacks"), count("idempotency_keys")]).toEqual([
      ROWS,
      shape.oldCallbacks + shape.deadLetters + shape.pending,
      expect.any(Number),
    ]);
    expect(count("idempotency_keys")).toBeGreaterThan(shape.oldKeys);
    db.close();
  });

  it("walks an index in every statement before statistics exist", () => {
    const checked = plans();
    expect(checked.length).toBeGreaterThan(20);
    expect(checked.filter((entry) => entry.problems.length > 0)).toEqual([]);
  });

  it("still does once the sampled ANALYZE gathered statistics", async () => {
    const store = await openStore(file);
    await store.optimize();
    await store.close();
    const db = new Database(file);
    expect(Number((db.prepare("SELECT count(*) AS n FROM sqlite_stat1").get() as { n: number }).n)).toBeGreaterThan(5);
    db.close();
    expect(plans().filter((entry) => entry.problems.length > 0)).toEqual([]);
  });
});

/** A PostgreSQL plan node of EXPLAIN (FORMAT JSON). */
interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** The nodes of a plan that read a whole large table, or sort all the rows of a scan of one. */
function postgresProblems(name: string, node: PlanNode): string[] {
  const scansLarge = (candidate: PlanNode) => LARGE_TABLES.includes(candidate["Relation Name"] ?? "");
  const own: string[] = [];
  if (node["Node Type"] === "Seq Scan" && scansLarge(node)) own.push(`Seq Scan on ${node["Relation Name"]}`);
  if (node["Node Type"] === "Sort" && !(name in BOUNDED_SORTS) && (node.Plans ?? []).some(scansLarge))
    own.push(`Sort of every row of ${node.Plans![0]!["Relation Name"]}`);
  return [...own, ...(node.Plans ?? []).flatMap((child) => postgresProblems(name, child))];
}

const now = shape.now;
const partner = shape.callbackPartner;
/** Sample values of each PostgreSQL statement's parameters, as the store binds them. */
const samples: Record<string, unknown[]> = {
  openSession: [
    partner,
    "u",
    "enterGameSession",
    "f",
    "a".repeat(32),
    now,
    "player-1",
    null,
    "g",
    "slot",
    "EUR",
    "en",
    "op",
    "203.0.113.1",
    "t",
  ],
  readKey: [partner, "u"],
  closeSessions: [partner, "player-1", null, true, now],
  closeSessionsOnce: [partner, "player-1", null, true, now, "u", "closeSession", "f"],
  expire: [now, now - 1_800_000, [partner], 500],
  claimCallbacks: [now, 15_000, [partner], [8], 50, "lease", 8],
  recordAttempt: ["delivered", null, null, 200, now, now, "a".repeat(32), "lease"],
  listCallbacks: [partner, "failed", 100],
  redeliverSessions: [now, ["a".repeat(32)]],
  redeliverFailed: [now, partner],
  countCallbacks: [],
  oldestPending: [],
  forgetKeys: [now - 48 * 3_600_000, 500],
  forgetEnded: [now - 90 * 86_400_000, -1, "", 500],
  forgetDelivered: [now - 30 * 86_400_000, 500],
  sessionById: ["a".repeat(32)],
  sessionByTokenHash: ["t"],
  ping: [],
  heartbeat: [now],
};
const batchStatements: Record<string, { text: string; values: unknown[] }> = {
  openSessionBatch: { text: openSessionBatchSql, values: samples.openSession!.map((value) => Array.from({ length: 200 }, () => value)) },
  recordAttemptBatch: {
    text: attemptBatchSql,
    values: [["delivered"], ["a".repeat(32)], [null], [null], [200], [now], [now], ["lease"]].map((column) =>
      Array.from({ length: 200 }, () => column[0]),
    ),
  },
};

/** A value as an SQL literal, for EXECUTE (arrays in PostgreSQL's array syntax, cast by the parameter's type). */
function literal(value: unknown): string {
  if (value === null) return "NULL";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return literal(`{${value.map((item) => (item === null ? "NULL" : `"${String(item)}"`)).join(",")}}`);
  return `'${String(value).replace(/'/g, "''")}'`;
}

describe.skipIf(skipPostgres)("PostgreSQL statements at a million rows", () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase("plans");
    const store = await openStore(database.url);
    await store.migrate();
    await store.close();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await fillPostgres((sql) => pool.query(sql), shape);
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("has sample values for every statement", () => {
    expect(Object.keys(postgresStatements).filter((name) => !(name in samples))).toEqual([]);
  });

  const statements = () => [
    ...Object.entries(postgresStatements).map(([name, text]) => ({ name, text, values: samples[name] ?? [] })),
    ...Object.entries(batchStatements).map(([name, statement]) => ({ name, ...statement })),
  ];

  /**
   * Checks the plan that `explain` gives (EXPLAIN's options, and how to run it) of every
   * statement `which` keeps; a failure shows the whole plan.
   */
  async function check(
    explain: (options: string, text: string, values: unknown[]) => Promise<string[] | { Plan: PlanNode }[]>,
    which: (name: string) => boolean = () => true,
  ) {
    const checked = [];
    for (const { name, text, values } of statements().filter((statement) => which(statement.name))) {
      const json = (await explain("(FORMAT JSON)", text, values)) as { Plan: PlanNode }[];
      const problems = postgresProblems(name, json[0]!.Plan);
      checked.push({ name, problems, plan: problems.length === 0 ? [] : await explain("", text, values) });
    }
    expect(checked.length).toBeGreaterThan(14);
    return checked.filter((entry) => entry.problems.length > 0);
  }

  it("walks an index in every statement, as planned for its values", async () => {
    const problems = await check(async (options, text, values) => {
      const { rows } = await pool.query(`EXPLAIN ${options} ${text}`, values);
      return options ? rows[0]["QUERY PLAN"] : rows.map((row) => row["QUERY PLAN"]);
    });
    expect(problems).toEqual([]);
  });

  it("walks an index in every statement, as planned once for any values (the plan a prepared statement may settle on)", async () => {
    const client = await pool.connect();
    try {
      await client.query("SET plan_cache_mode = force_generic_plan");
      let count = 0;
      const problems = await check(
        async (options, text, values) => {
          const name = `generic_${++count}`;
          await client.query(`PREPARE ${name} AS ${text}`);
          const { rows } = await client.query(
            `EXPLAIN ${options} EXECUTE ${name}${values.length > 0 ? `(${values.map(literal).join(", ")})` : ""}`,
          );
          await client.query(`DEALLOCATE ${name}`);
          return options ? rows[0]["QUERY PLAN"] : rows.map((row) => row["QUERY PLAN"]);
        },
        (name) => !PLANNED_PER_CALL.has(name as keyof typeof postgresStatements),
      );
      expect(problems).toEqual([]);
    } finally {
      client.release();
    }
  });
});
