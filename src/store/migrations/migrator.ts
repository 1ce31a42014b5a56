/**
 * Schema migrations of both stores: numbered SQL files, one folder per dialect
 * (`sqlite/0001_initial.sql`, …, `postgres/0001_initial.sql`, …), applied in number order by
 * Umzug (a maintained, storage-agnostic migrator: this module gives it the files, the runner
 * and where the versions are recorded). Why Umzug, and how to add a migration:
 * src/store/README.md.
 *
 * A database records how many files it has applied where the stores always kept their
 * version (SQLite `PRAGMA user_version`, PostgreSQL table `schema_migrations`), so a
 * database created by any earlier version of the stores continues from where it is. The
 * caller holds the lock and the transaction around `applyPending` (sqlite/migrate.ts,
 * postgres/migrate.ts): a migration run is all or nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Which folder of migrations. */
export type MigrationDialect = "sqlite" | "postgres";

/** One migration file. */
export interface MigrationFile {
  /** Its number, 1, 2, …: the schema version it brings the database to. */
  version: number;
  /** The file name, e.g. `0003_callback_outbox.sql`. */
  name: string;
  /** Its first line, without `-- ` (recorded in PostgreSQL's `schema_migrations.description`). */
  description: string;
  sql: string;
}

/** What a migration run did. */
export interface MigrationReport {
  /** The files applied by this run, in order (none when the schema was up to date). */
  applied: string[];
  /** The schema version the database is at now. */
  version: number;
}

/** Where a database records its version, and how a file runs on it (in the caller's transaction). */
export interface MigrationTarget {
  /** The versions applied so far (1 … n on SQLite; the rows of `schema_migrations` on PostgreSQL). */
  appliedVersions(): Promise<number[]>;
  /** Runs the SQL of one file. */
  run(sql: string): Promise<void>;
  /** Records that `file` was applied. */
  record(file: MigrationFile): Promise<void>;
}

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/**
 * The migration files of `dialect`, in version order. Located beside this module (so also
 * beside the sandbox package's bundle, src/packaging/bundled.ts).
 *
 * @throws Error when a `.sql` file is misnamed, or the numbers are not 1, 2, … without a gap
 */
export function migrationFiles(dialect: MigrationDialect): MigrationFile[] {
  const folder = fileURLToPath(new URL(`./${dialect}/`, import.meta.url));
  const names = readdirSync(folder)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  return names.map((name, index) => {
    const number = FILE_NAME.exec(name)?.[1];
    if (number === undefined) throw new Error(`migration file ${dialect}/${name}: name it NNNN_words.sql (lowercase, digits, underscores)`);
    if (Number(number) !== index + 1) {
      throw new Error(`migration file ${dialect}/${name}: expected number ${index + 1} (numbers run 1, 2, … without a gap)`);
    }
    const sql = readFileSync(`${folder}${name}`, "utf8");
    const description = /^-- (.+)$/m.exec(sql.split("\n", 1)[0]!)?.[1] ?? name;
    return { version: index + 1, name, description, sql };
  });
}

/**
 * The error of a failed file (Umzug's `MigrationError`) as one that names the file, with the
 * driver's SQLSTATE (`code`) kept for the error's description (postgres/errors.ts).
 */
function failedFile(error: unknown): unknown {
  const migration = (error as { migration?: { name?: unknown } } | undefined)?.migration;
  if (typeof migration?.name !== "string") return error;
  const cause = (error as Error).cause as (Error & { code?: unknown }) | undefined;
  const failure = new Error(`migration ${migration.name} failed: ${cause?.message ?? String(cause)}`, { cause });
  return cause?.code === undefined ? failure : Object.assign(failure, { code: cause.code });
}

/**
 * Applies the files of `dialect` that `target` has not applied yet, in order, recording
 * each. Run it inside one transaction that holds the migration lock.
 *
 * @throws Error when the database has a schema version newer than these files
 *   (`the database has schema version N, newer than this server knows (M): upgrade the server`),
 *   or a file failed (`migration NNNN_x.sql failed: <the database's message>`)
 */
export async function applyPending(dialect: MigrationDialect, target: MigrationTarget): Promise<MigrationReport> {
  const files = migrationFiles(dialect);
  const applied = await target.appliedVersions();
  const newest = Math.max(0, ...applied);
  if (newest > files.length) {
    throw new Error(`the database has schema version ${newest}, newer than this server knows (${files.length}): upgrade the server`);
  }
  if (applied.length === files.length) return { applied: [], version: files.length };
  // Loaded only when there is work: importing Umzug loads its command-line part too (about 0.1 s of CPU).
  const { Umzug } = await import("umzug");
  const umzug = new Umzug({
    migrations: files.map((file) => ({ name: file.name, up: () => target.run(file.sql) })),
    storage: {
      executed: async () => applied.map((version) => files[version - 1]!.name),
      logMigration: async ({ name }) => target.record(files.find((file) => file.name === name)!),
      unlogMigration: async () => {
        throw new Error("migrations are never reverted: add a new one");
      },
    },
    logger: undefined,
  });
  try {
    const ran = await umzug.up();
    return { applied: ran.map((migration) => migration.name), version: files.length };
  } catch (error) {
    throw failedFile(error);
  }
}
