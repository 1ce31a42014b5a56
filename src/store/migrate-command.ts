/**
 * `npm run migrate`: applies the schema migrations of the store that `DATABASE_URL` names
 * (default `./data/sessions.db`, SQLite), then exits. The server does the same on start;
 * this runs it on its own, e.g. as a deployment step before the instances start. Safe to
 * run again, and beside running instances.
 *
 * Prints one line: `DATABASE_URL <url, password masked>: schema up to date`; on failure
 * `migrate failed: DATABASE_URL <…>: <problem>` on stderr and exit status 1. `--help`
 * prints the usage; any other argument is refused with exit status 2.
 */
import { defaultDatabaseUrl, redactDatabaseUrl } from "./database-url.js";
import { describeStoreError, openStore } from "./open-store.js";

const usage = `usage: [DATABASE_URL=…] npm run migrate
Applies the schema migrations of the store DATABASE_URL names (default ${defaultDatabaseUrl}, SQLite;
postgres://user:password@host:port/database for PostgreSQL). Takes no arguments.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) return console.log(usage);
  if (argv.length > 0) {
    console.error(`unexpected argument ${JSON.stringify(argv[0])}\n${usage}`);
    process.exit(2);
  }
  const databaseUrl = process.env.DATABASE_URL || defaultDatabaseUrl;
  const store = await openStore(databaseUrl);
  try {
    await store.migrate();
  } catch (error) {
    throw new Error(describeStoreError(databaseUrl, error));
  } finally {
    await store.close();
  }
  console.log(`DATABASE_URL ${redactDatabaseUrl(databaseUrl)}: schema up to date`);
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${(error as Error).message}`);
  process.exit(1);
});
