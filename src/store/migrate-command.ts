/**
 * `npm run migrate`: applies the schema migrations of the store that `DATABASE_URL` names
 * (default `./data/sessions.db`, SQLite), then exits. The server does the same on start;
 * this runs it on its own, e.g. as a deployment step before the instances start. Safe to
 * run again, and beside running instances.
 *
 * Prints a line per migration file it applied, `DATABASE_URL <url, password masked>: applied
 * 0003_callback_outbox.sql`, then `DATABASE_URL <…>: schema up to date at version 5`; on
 * failure `migrate failed: DATABASE_URL <…>: <problem>` on stderr (naming the file that
 * failed; nothing is applied then) and exit status 1. `--help` prints the usage; any other
 * argument is refused with exit status 2.
 */
import { defaultDatabaseUrl, redactDatabaseUrl } from "./database-url.js";
import type { MigrationReport } from "./migrations/migrator.js";
import { describeStoreError, openStore } from "./open-store.js";

const usage = `usage: [DATABASE_URL=…] npm run migrate
Applies the schema migrations of the store DATABASE_URL names (default ${defaultDatabaseUrl}, SQLite;
postgres://user:password@host:port/database for PostgreSQL), and prints each one it applied. Takes no arguments.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h")) return console.log(usage);
  if (argv.length > 0) {
    console.error(`unexpected argument ${JSON.stringify(argv[0])}\n${usage}`);
    process.exit(2);
  }
  const databaseUrl = process.env.DATABASE_URL || defaultDatabaseUrl;
  const store = await openStore(databaseUrl);
  let report: MigrationReport;
  try {
    report = await store.migrate();
  } catch (error) {
    throw new Error(describeStoreError(databaseUrl, error));
  } finally {
    await store.close();
  }
  const target = `DATABASE_URL ${redactDatabaseUrl(databaseUrl)}`;
  for (const file of report.applied) console.log(`${target}: applied ${file}`);
  console.log(`${target}: schema up to date at version ${report.version}`);
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${(error as Error).message}`);
  process.exit(1);
});
