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
import { createDatabase, type TestDatabase } from "./postgres-databases.js";

export { withDatabase, type TestDatabase } from "./postgres-databases.js";

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

/**
 * A fresh database on the server of TEST_DATABASE_URL, named `<prefix>_<random>`.
 *
 * @throws Error when TEST_DATABASE_URL is not set or its server cannot be reached
 */
export async function createTestDatabase(prefix = "test"): Promise<TestDatabase> {
  if (!postgresUrl) throw new Error(`TEST_DATABASE_URL is not set. To ${howToStartPostgres}`);
  try {
    return await createDatabase(postgresUrl, prefix);
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL: ${(error as Error).message}. To ${howToStartPostgres}`);
  }
}
