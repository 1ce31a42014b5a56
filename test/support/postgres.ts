/**
 * PostgreSQL for tests. `TEST_DATABASE_URL` names a server where the tests may create
 * databases (e.g. `postgres://postgres@127.0.0.1:55433/postgres`); each test file creates
 * its own fresh database and drops it afterwards, so files run in parallel.
 *
 * Without `TEST_DATABASE_URL` the PostgreSQL tests are skipped with a message that says how
 * to start a throwaway cluster, unless `REQUIRE_POSTGRES=1` (set by .ci/run): then
 * importing this module fails, and so does every file that needs PostgreSQL. A server
 * that is named but cannot be reached fails the tests in either case.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describePostgresError } from "../../src/store/postgres/errors.js";

/** The server's URL, or undefined when the PostgreSQL tests are skipped. */
export const postgresUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined;

/** How to get a server for these tests; printed when they are skipped or required. */
export const howToStartPostgres = [
  "start a throwaway cluster (apt-get install -y postgresql first if needed):",
  "  bash test/support/throwaway-postgres.sh start /tmp/pg 55433",
  "  export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55433/postgres",
  "and stop it afterwards with: bash test/support/throwaway-postgres.sh stop /tmp/pg",
].join("\n");

if (!postgresUrl && process.env.REQUIRE_POSTGRES === "1") {
  throw new Error(`REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: the PostgreSQL tests cannot run. To ${howToStartPostgres}`);
}

/** True when the PostgreSQL tests are skipped (use with `describe.skipIf`). */
export const skipPostgres = postgresUrl === undefined;
if (skipPostgres) console.warn(`PostgreSQL tests skipped: TEST_DATABASE_URL is not set. To run them, ${howToStartPostgres}`);

/** A fresh database of the test server; always `drop()` it. */
export interface TestDatabase {
  name: string;
  /** Its URL, as the superuser of TEST_DATABASE_URL. */
  url: string;
  /** Runs SQL in it (as the superuser), for arranging and checking what the API cannot. */
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /**
   * Creates a login role with a password that owns this database (dropped with it), for
   * tests of credentials.
   */
  createOwner(): Promise<{ user: string; password: string; url: string }>;
  /** Whether the server refuses the `createOwner` role with a wrong password (not so under `trust` for all). */
  checksPasswords(): Promise<boolean>;
  /** Loses the database: refuses new connections and terminates the open ones. */
  suspend(): Promise<void>;
  /** Lets connections in again. */
  resume(): Promise<void>;
  /** Drops the database (and the role of `createOwner`). */
  drop(): Promise<void>;
}

/** `url` with another database, and optionally other credentials. */
export function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (credentials) {
    parsed.username = encodeURIComponent(credentials.user);
    parsed.password = encodeURIComponent(credentials.password);
  }
  return parsed.toString();
}

/** Runs statements on the server's own database (TEST_DATABASE_URL) with a short-lived connection. */
async function onServer(statements: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach the PostgreSQL of TEST_DATABASE_URL: ${describePostgresError(error)}. To ${howToStartPostgres}`);
  }
  try {
    await statements(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database named `<prefix>_<random>`.
 *
 * @throws Error when TEST_DATABASE_URL is not set or its server cannot be reached
 */
export async function createTestDatabase(prefix = "test"): Promise<TestDatabase> {
  if (!postgresUrl) throw new Error(`TEST_DATABASE_URL is not set. To ${howToStartPostgres}`);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await onServer(async (client) => void (await client.query(`CREATE DATABASE ${name}`)));
  const url = withDatabase(postgresUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", () => undefined); // suspend() terminates its idle connections
  const roles: string[] = [];
  return {
    name,
    url,
    query: (text, values) => pool.query(text, values),
    async createOwner() {
      const user = `${name}_owner`;
      const password = `pw-${randomBytes(12).toString("hex")}`;
      await onServer(async (client) => {
        await client.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
        await client.query(`ALTER DATABASE ${name} OWNER TO ${user}`);
      });
      roles.push(user);
      return { user, password, url: withDatabase(url, name, { user, password }) };
    },
    async checksPasswords() {
      if (roles.length === 0) throw new Error("call createOwner() first");
      const client = new pg.Client({ connectionString: withDatabase(url, name, { user: roles[0]!, password: "wrong-password" }), connectionTimeoutMillis: 5000 });
      try {
        await client.connect();
        await client.end();
        return false;
      } catch {
        return true;
      }
    },
    suspend: () =>
      onServer(async (client) => {
        await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
      }),
    resume: () => onServer(async (client) => void (await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`))),
    async drop() {
      await pool.end();
      await onServer(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${role}`);
      });
    },
  };
}
