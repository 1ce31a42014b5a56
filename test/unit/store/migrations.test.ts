// The numbered SQL migrations (src/store/migrations/) and their migrator, on both stores:
// a database that the earlier code created (its TypeScript migrations, kept verbatim in
// fixtures/migrations-before-sql-files.ts) at any version it knew, with rows in it, migrates
// forward with nothing lost: the schema ends up exactly as on a database the files create
// from nothing, every row keeps its values, the columns a migration adds are filled, and the
// store works on it. Also: what a run reports, the file rules, and a failed file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationFiles, type MigrationDialect } from "../../../src/store/migrations/migrator.js";
import { openStore } from "../../../src/store/open-store.js";
import { createTestDatabase, skipPostgres, type TestDatabase } from "../../support/postgres.js";
import { claim, key, session, UUID_V4 } from "../../support/store-backends.js";
import { LATEST_BEFORE, migratePostgresBefore, migrateSqliteBefore } from "./fixtures/migrations-before-sql-files.js";

type Row = Record<string, unknown>;

/** A dialect under test: fresh databases, the earlier code's migrations, and reads of what is in one. */
interface Subject {
  dialect: MigrationDialect;
  skip: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** An empty database; returns its URL. */
  fresh(): Promise<string>;
  /** Runs the earlier code's migrations up to `version`. */
  migrateBefore(url: string, version: number): Promise<void>;
  exec(url: string, sql: string): Promise<void>;
  query(url: string, sql: string): Promise<Row[]>;
  /** Everything the schema defines, normalized, for comparison. */
  schema(url: string): Promise<unknown>;
  /** The schema version the database records. */
  version(url: string): Promise<number>;
}

const squeeze = (sql: unknown) =>
  String(sql)
    .replace(/\s+/g, " ")
    .replace(/\s*([(),])\s*/g, "$1")
    .trim();

function sqliteSubject(): Subject {
  let dir = "";
  let count = 0;
  const withDb = <T>(url: string, use: (db: Database.Database) => T): T => {
    const db = new Database(url);
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  return {
    dialect: "sqlite",
    skip: false,
    setup: async () => void (dir = mkdtempSync(join(tmpdir(), "store-migrations-"))),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
    fresh: async () => join(dir, `db-${++count}.db`),
    migrateBefore: async (url, version) => withDb(url, (db) => migrateSqliteBefore(db, version)),
    exec: async (url, sql) => withDb(url, (db) => void db.exec(sql)),
    query: async (url, sql) => withDb(url, (db) => db.prepare(sql).all() as Row[]),
    schema: async (url) =>
      withDb(url, (db) => ({
        objects: (
          db
            .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
            .all() as Row[]
        ).map((row) => ({ ...row, sql: squeeze(row.sql) })),
        version: (db.prepare("PRAGMA user_version").get() as Row).user_version,
      })),
    version: async (url) => withDb(url, (db) => Number((db.prepare("PRAGMA user_version").get() as Row).user_version)),
  };
}

function postgresSubject(): Subject {
  let database: TestDatabase | undefined;
  const pools = new Map<string, pg.Pool>();
  const catalog = {
    columns: `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
              FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 3`,
    indexes: "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    constraints: `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
                  FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    triggers: "SELECT tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1",
    functions: "SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1",
    versions: "SELECT version, description FROM schema_migrations ORDER BY 1",
  };
  return {
    dialect: "postgres",
    skip: skipPostgres,
    setup: async () => void (database = await createTestDatabase("migrations")),
    teardown: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      await database?.drop();
    },
    async fresh() {
      await database!.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      return database!.url;
    },
    async migrateBefore(url, version) {
      if (!pools.has(url)) pools.set(url, new pg.Pool({ connectionString: url, max: 1 }));
      await migratePostgresBefore(pools.get(url)!, version);
    },
    exec: async (_url, sql) => void (await database!.query(sql)),
    query: async (_url, sql) => (await database!.query(sql)).rows,
    async schema() {
      const read = async (sql: string) =>
        (await database!.query(sql)).rows.map((row) => ("prosrc" in row ? { ...row, prosrc: squeeze(row.prosrc) } : row));
      return Object.fromEntries(await Promise.all(Object.entries(catalog).map(async ([part, sql]) => [part, await read(sql)])));
    },
    version: async () =>
      Number((await database!.query("SELECT coalesce(max(version), 0) AS version FROM schema_migrations")).rows[0].version),
  };
}

/**
 * Rows as the earlier code's schema at `version` takes them: four sessions (one active, three
 * expired with a pending, a delivered and a failed callback), two idempotency keys.
 */
function rowsAt(dialect: MigrationDialect, version: number): string {
  const sessions = ["active", "expired", "expired", "expired"].map((status, index) => {
    const ended = status === "active" ? "NULL" : `${2000 + index}`;
    return `('${"s".repeat(31)}${index}', 'demo', 'player-${index}', 'Luca', 'lm_monaco_riches', 'slot', 'EUR', 'en',
             'op-${index}', '203.0.113.${index}', 'token-hash-${index}', '${status}', ${1000 + index}, ${1500 + index}, ${ended})`;
  });
  const outbox = dialect === "sqlite" ? version >= 3 : version >= 2;
  const leased = dialect === "sqlite" ? version >= 2 : true;
  const callbacks = (["pending", "delivered", "failed"] as const).map((state, offset) => {
    const index = offset + 1;
    const values = [
      `'${"s".repeat(31)}${index}'`,
      "'demo'",
      `'player-${index}'`,
      `'${state}'`,
      state === "pending" ? "0" : "3",
      `${2500 + index}`,
      state === "failed" ? "'HTTP 410'" : "NULL",
      `${2600 + index}`,
    ];
    if (leased) values.push("NULL", "NULL");
    if (outbox)
      values.push(
        `'00000000-0000-4000-8000-00000000000${index}'`,
        `${2000 + index}`,
        state === "pending" ? "NULL" : state === "delivered" ? "200" : "410",
        state === "delivered" ? `${2600 + index}` : "NULL",
      );
    return `(${values.join(", ")})`;
  });
  const callbackColumns = ["session_id", "partner_id", "player_id", "state", "attempts", "next_attempt_at", "last_error", "updated_at"];
  if (leased) callbackColumns.push("leased_until", "lease");
  if (outbox) callbackColumns.push("callback_id", "created_at", "last_status", "delivered_at");
  return `
    INSERT INTO sessions (id, partner_id, player_id, player_nickname, game_id, game_type, currency, language, partner_session_id, player_ip,
                          token_hash, status, created_at, last_activity_at, ended_at) VALUES ${sessions.join(", ")};
    INSERT INTO idempotency_keys (partner_id, uuid, operation_id, fingerprint, session_id, created_at)
      VALUES ('demo', 'key-0', 'enterGameSession', 'fingerprint-0', '${"s".repeat(31)}0', 1000),
             ('demo', 'key-9', 'closeSessionKyren', 'fingerprint-9', NULL, 1900);
    INSERT INTO callbacks (${callbackColumns.join(", ")}) VALUES ${callbacks.join(", ")};`;
}

const TABLES = { sessions: "id", idempotency_keys: "uuid", callbacks: "session_id" } as const;

/** Every row of the three tables, in key order. */
async function contents(subject: Subject, url: string): Promise<Record<string, Row[]>> {
  const entries = await Promise.all(
    Object.entries(TABLES).map(
      async ([table, order]) => [table, await subject.query(url, `SELECT * FROM ${table} ORDER BY ${order}`)] as const,
    ),
  );
  return Object.fromEntries(entries);
}

describe.each([sqliteSubject(), postgresSubject()])("migrations on $dialect", (subject) => {
  describe.skipIf(subject.skip)("from the earlier code", () => {
    const files = migrationFiles(subject.dialect);
    let reference: unknown;
    beforeAll(async () => {
      await subject.setup();
      const url = await subject.fresh();
      const store = await openStore(url);
      expect(await store.migrate()).toEqual({ applied: files.map((file) => file.name), version: files.length });
      await store.close();
      reference = await subject.schema(url);
    });
    afterAll(() => subject.teardown());

    it("has one file per version the earlier code knew, numbered without a gap, each with a description", () => {
      expect(files.map((file) => file.version)).toEqual(Array.from({ length: LATEST_BEFORE[subject.dialect] }, (_, index) => index + 1));
      expect(files.every((file) => file.description !== file.name && !file.description.startsWith("-"))).toBe(true);
    });

    it.each(Array.from({ length: LATEST_BEFORE[subject.dialect] + 1 }, (_, version) => version))(
      "migrates forward a database the earlier code left at version %i, losing nothing",
      async (version) => {
        const url = await subject.fresh();
        await subject.migrateBefore(url, version);
        if (version > 0) await subject.exec(url, rowsAt(subject.dialect, version));
        const before = version > 0 ? await contents(subject, url) : {};

        const store = await openStore(url);
        try {
          expect(await store.migrate()).toEqual({ applied: files.slice(version).map((file) => file.name), version: files.length });
          expect(await subject.schema(url)).toEqual(reference);
          const after = await contents(subject, url);
          for (const [table, rows] of Object.entries(before)) {
            expect(
              after[table]!.map((row) => Object.fromEntries(Object.keys(rows[0] ?? {}).map((column) => [column, row[column]]))),
            ).toEqual(rows);
          }
          if (version === 0) return;
          expect(
            after.callbacks!.map((row) => [
              row.callback_id,
              Number(row.created_at),
              row.delivered_at === null ? null : Number(row.delivered_at),
            ]),
          ).toEqual([
            [expect.stringMatching(UUID_V4), 2001, null],
            [expect.stringMatching(UUID_V4), 2002, 2602],
            [expect.stringMatching(UUID_V4), 2003, null],
          ]);
          const stats = await store.callbackStats();
          expect([stats.pendingByPartner, stats.failedByPartner, stats.oldestPendingCreatedAt]).toEqual([
            new Map([["demo", 1]]),
            new Map([["demo", 1]]),
            2001,
          ]);
          expect((await claim(store, 3000, 10, 1000)).map((callback) => callback.sessionId)).toEqual([`${"s".repeat(31)}1`]);
          expect(await store.openSession(key("key-0", "fingerprint-0"), session())).toEqual({
            outcome: "replayed",
            value: { sessionId: `${"s".repeat(31)}0` },
          });
          expect(await store.migrate()).toEqual({ applied: [], version: files.length });
        } finally {
          await store.close();
        }
      },
    );

    it("lets two instances that start together on one database apply each pending file once", async () => {
      const url = await subject.fresh();
      await subject.migrateBefore(url, 2);
      const [first, second] = await Promise.all([openStore(url), openStore(url)]);
      try {
        const reports = await Promise.all([first.migrate(), second.migrate()]);
        expect(reports.map((report) => report.applied).sort((a, b) => b.length - a.length)).toEqual([
          files.slice(2).map((file) => file.name),
          [],
        ]);
        expect(await subject.version(url)).toBe(files.length);
      } finally {
        await Promise.all([first.close(), second.close()]);
      }
    });

    it("applies nothing when a file fails, and names it", async () => {
      const url = await subject.fresh();
      await subject.migrateBefore(url, files.length - 1);
      // A table the last migration creates, made beforehand, makes that file fail.
      await subject.exec(url, "CREATE TABLE heartbeat (id INTEGER)");
      const store = await openStore(url);
      try {
        await expect(store.migrate()).rejects.toThrow(new RegExp(`^migration ${files.at(-1)!.name} failed: .*heartbeat`));
        expect(await subject.version(url)).toBe(files.length - 1);
        await expect(subject.query(url, "SELECT count(*) FROM callback_counts")).rejects.toThrow(/callback_counts/);
        await subject.exec(url, "DROP TABLE heartbeat");
        expect((await store.migrate()).applied).toEqual([files.at(-1)!.name]);
      } finally {
        await store.close();
      }
    });
  });
});
