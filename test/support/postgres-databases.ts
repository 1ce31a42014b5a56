/**
 * Fresh PostgreSQL databases for tests and the benchmark, on a server whose URL names a
 * user that may create databases and roles (e.g. the superuser of a throwaway cluster).
 * No side effects on import; test/support/postgres.ts adds the TEST_DATABASE_URL rules.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { redactDatabaseUrl } from "../../src/store/database-url.js";
import { describePostgresError } from "../../src/store/postgres/errors.js";

/** A fresh database of a PostgreSQL server; always `drop()` it. */
export interface TestDatabase {
  name: string;
  /** Its URL, as the user of the server's URL. */
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

/**
 * Runs statements on the server's own database with a short-lived connection.
 *
 * @throws Error naming the server (password masked) when it cannot be reached
 */
async function onServer(serverUrl: string, statements: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL at ${redactDatabaseUrl(serverUrl)}: ${describePostgresError(error)}`);
  }
  try {
    await statements(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database named `<prefix>_<random>` on the server of `serverUrl` (whose user
 * may create databases and roles).
 *
 * @throws Error when the server cannot be reached or refuses
 */
export async function createDatabase(serverUrl: string, prefix: string): Promise<TestDatabase> {
  const onServerDo = (statements: (client: pg.Client) => Promise<void>) => onServer(serverUrl, statements);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await onServerDo(async (client) => void (await client.query(`CREATE DATABASE ${name}`)));
  const url = withDatabase(serverUrl, name);
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
      await onServerDo(async (client) => {
        await client.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
        await client.query(`ALTER DATABASE ${name} OWNER TO ${user}`);
      });
      roles.push(user);
      return { user, password, url: withDatabase(url, name, { user, password }) };
    },
    async checksPasswords() {
      if (roles.length === 0) throw new Error("call createOwner() first");
      const client = new pg.Client({
        connectionString: withDatabase(url, name, { user: roles[0]!, password: "wrong-password" }),
        connectionTimeoutMillis: 5000,
      });
      try {
        await client.connect();
        await client.end();
        return false;
      } catch {
        return true;
      }
    },
    suspend: () =>
      onServerDo(async (client) => {
        await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [name]);
      }),
    resume: () => onServerDo(async (client) => void (await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`))),
    async drop() {
      await pool.end();
      await onServerDo(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${role}`);
      });
    },
  };
}
