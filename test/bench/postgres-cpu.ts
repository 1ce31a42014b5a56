/**
 * What the benchmark reads from the PostgreSQL side: the CPU its backends spend for the
 * reference server (they are processes of the database server, not of the server child,
 * so the server's own CPU figure leaves them out) and the sessions stored.
 */
import { readFileSync } from "node:fs";
import type { TestDatabase } from "../support/postgres-databases.js";

/**
 * CPU seconds (user + system) used so far by the backends serving the reference server
 * (`application_name = 'session-api'`) on `database`, from /proc (Linux, USER_HZ 100; the
 * database must run on this machine); undefined where /proc cannot tell. The pool keeps
 * its connections through a run, so two readings bracket it.
 */
export async function backendCpuSeconds(database: TestDatabase): Promise<number | undefined> {
  const { rows } = await database.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'session-api'", [
    database.name,
  ]);
  let total = 0;
  for (const { pid } of rows as { pid: number }[]) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return undefined;
    }
  }
  return rows.length > 0 ? total : undefined;
}

/** Rows in the `sessions` table of the benchmark's database. */
export async function countPostgresSessions(database: TestDatabase): Promise<number> {
  return Number((await database.query("SELECT count(*) AS n FROM sessions")).rows[0].n);
}
