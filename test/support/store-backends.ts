/**
 * What the store tests share: the two store implementations under test (SQLite and
 * PostgreSQL, the latter with TEST_DATABASE_URL) with a fresh database per test, and
 * builders of sessions, keys and close filters.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/open-store.js";
import { migrationFiles } from "../../src/store/migrations/migrator.js";
import type { IdempotencyKey, NewSession, SessionStore } from "../../src/store/session-store.js";
import { createTestDatabase, skipPostgres, type TestDatabase } from "./postgres.js";

/** The schema version of each store right before a migration that tests upgrade through. */
const MIGRATED = {
  outbox: { sqlite: 2, postgres: 1 },
  counts: { sqlite: 4, postgres: 3 },
} as const;

/** One store implementation under test: a database for the file, and stores ("instances") on it. */
export interface Backend {
  name: string;
  skip: boolean;
  setup(): Promise<void>;
  /** A fresh database for one test (an emptied one on PostgreSQL); returns its URL. */
  freshDatabase(): Promise<string>;
  /**
   * A fresh database with the schema of before a migration (`outbox`: the callback outbox
   * columns; `counts`: the outbox counters and session retention) and `rows` (SQL) in it;
   * returns its URL.
   */
  databaseBefore(migration: keyof typeof MIGRATED, rows: string): Promise<string>;
  /** Sets the recorded schema version of the database at `url`, as a newer server would. */
  setSchemaVersion(url: string, version: number): Promise<void>;
  /** Runs SQL on the database at `url` beside the store (to check what the API cannot show); returns its rows. */
  query(url: string, sql: string): Promise<Record<string, unknown>[]>;
  /** Runs SQL statements (no result) on the database at `url`. */
  exec(url: string, sql: string): Promise<void>;
  teardown(): Promise<void>;
}

export const sqliteBackend = (): Backend => {
  let dir = "";
  let count = 0;
  return {
    name: "SQLite",
    skip: false,
    async setup() {
      dir = mkdtempSync(join(tmpdir(), "session-store-"));
    },
    async freshDatabase() {
      return join(dir, `store-${++count}.db`);
    },
    async databaseBefore(migration, rows) {
      const url = join(dir, `store-${++count}.db`);
      const version = MIGRATED[migration].sqlite;
      const files = migrationFiles("sqlite").slice(0, version);
      await this.exec(url, `${files.map((file) => file.sql).join(";\n")}; PRAGMA user_version = ${version}; ${rows}`);
      return url;
    },
    async setSchemaVersion(url, version) {
      const store = await openStore(url);
      await store.close();
      const { default: Database } = await import("libsql");
      const db = new Database(url);
      db.exec(`PRAGMA user_version = ${version}`);
      db.close();
    },
    async query(url, sql) {
      const { default: Database } = await import("libsql");
      const db = new Database(url);
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async exec(url, sql) {
      const { default: Database } = await import("libsql");
      const db = new Database(url);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

export const postgresBackend = (): Backend => {
  let database: TestDatabase | undefined;
  return {
    name: "PostgreSQL",
    skip: skipPostgres,
    async setup() {
      database = await createTestDatabase("store");
    },
    async freshDatabase() {
      await database!.query(
        "DROP TABLE IF EXISTS callbacks, callback_counts, heartbeat, idempotency_keys, sessions, schema_migrations; DROP FUNCTION IF EXISTS callback_counts_apply",
      );
      return database!.url;
    },
    async databaseBefore(migration, rows) {
      const url = await this.freshDatabase();
      await database!.query(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      for (const applied of migrationFiles("postgres").slice(0, MIGRATED[migration].postgres)) {
        await database!.query(applied.sql);
        await database!.query("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", [
          applied.version,
          applied.description,
        ]);
      }
      await database!.query(rows);
      return url;
    },
    async setSchemaVersion(url, version) {
      const store = await openStore(url);
      await store.migrate();
      await store.close();
      await database!.query("INSERT INTO schema_migrations (version, description) VALUES ($1, 'from the future')", [version]);
    },
    async query(_url, sql) {
      return (await database!.query(sql)).rows;
    },
    async exec(_url, sql) {
      await database!.query(sql);
    },
    async teardown() {
      await database?.drop();
    },
  };
};

let counter = 0;

export function session(overrides: Partial<NewSession> = {}): NewSession {
  counter += 1;
  return {
    id: counter.toString(16).padStart(32, "0"),
    partnerId: "demo",
    playerId: "player-1001",
    playerNickname: "LuckyLuca",
    gameId: "lm_monaco_riches",
    gameType: "slot",
    currency: "EUR",
    language: "en",
    partnerSessionId: "op-1",
    playerIp: "203.0.113.42",
    tokenHash: `hash-${counter}`,
    createdAt: 1000,
    ...overrides,
  };
}

/** A lowercase UUID v4 (RFC 9562: version 4, variant 10xx). */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Claims up to `limit` due callbacks of any partner at `at`, leased for `leaseMs`. */
export const claim = (on: SessionStore, at: number, limit: number, leaseMs: number) => on.claimDueCallbacks({ at, leaseMs, others: limit });

export const key = (uuid: string, fingerprint = "f1", operationId: IdempotencyKey["operationId"] = "enterGameSession"): IdempotencyKey => ({
  partnerId: "demo",
  uuid,
  operationId,
  fingerprint,
});
export const everything = (playerId = "player-1001") => ({ partnerId: "demo", playerId, gameId: undefined, clearHistory: false });
