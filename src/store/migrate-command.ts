/**
 * `npm run migrate`: applies the schema migrations of the store that `DATABASE_URL` names
 * (default `./data/sessions.db`, SQLite), then exits. The server does the same on start;
 * this runs it on its own, e.g. as a deployment step before the instances start. Safe to
 * run again, and beside running instances.
 *
 * Prints one line: `DATABASE_URL <url, password masked>: schema up to date`; on failure
 * `migrate failed: DATABASE_URL <…>: <problem>` on stderr and exit status 1.
 */
import { defaultDatabaseUrl, redactDatabaseUrl } from "./database-url.js";
import { describeStoreError, openStore } from "./open-store.js";

async function main(): Promise<void> {
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
