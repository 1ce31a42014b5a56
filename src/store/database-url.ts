/**
 * `DATABASE_URL`: which store it names, and how to show it (or an error about it) without
 * its password (a password never appears in a log line or an error message).
 */

/** What a `DATABASE_URL` names. */
export type DatabaseTarget =
  /** A file path (relative to the working directory), a `file:` URL, or `:memory:`. */
  | { kind: "sqlite"; location: string }
  /** A `postgres://` or `postgresql://` URL, as given. */
  | { kind: "postgres"; url: string };

/** `DATABASE_URL` when none is set: SQLite, zero configuration. */
export const defaultDatabaseUrl = "./data/sessions.db";

/**
 * Classifies a `DATABASE_URL`: no scheme (a path), `file:` and `:memory:` are SQLite;
 * `postgres:` and `postgresql:` are PostgreSQL. A one-letter "scheme" is a drive letter,
 * so a path.
 *
 * @throws Error naming the scheme for any other scheme, e.g. `unsupported database URL scheme "mysql:"`
 */
export function databaseTarget(databaseUrl: string): DatabaseTarget {
  if (databaseUrl === ":memory:") return { kind: "sqlite", location: databaseUrl };
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(databaseUrl)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === "file") return { kind: "sqlite", location: databaseUrl };
  if (scheme === "postgres" || scheme === "postgresql") return { kind: "postgres", url: databaseUrl };
  throw new Error(
    `unsupported database URL scheme "${scheme}:": use a file path, a file: URL or :memory: for SQLite, or postgres://user:password@host:port/database`,
  );
}

/**
 * The URL with its password replaced by `***`, both in the user info
 * (`postgres://app:***@host/db`) and in a `password=` query parameter. Other text is kept
 * as is, so the result still says which database is meant.
 */
export function redactDatabaseUrl(databaseUrl: string): string {
  let redacted = databaseUrl;
  const start = redacted.indexOf("://");
  if (start >= 0) {
    // The host part never holds "@", so the last "@" ends the user info, even when an
    // unencoded "@" or "/" sits inside the password.
    const at = redacted.lastIndexOf("@");
    const colon = redacted.indexOf(":", start + 3);
    if (at > start && colon > start && colon < at) redacted = `${redacted.slice(0, colon + 1)}***${redacted.slice(at)}`;
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/** The password of a URL as written and as decoded, for masking; empty when it has none. */
function passwordsOf(databaseUrl: string): string[] {
  const found: string[] = [];
  const start = databaseUrl.indexOf("://");
  const at = databaseUrl.lastIndexOf("@");
  const colon = databaseUrl.indexOf(":", start + 3);
  if (start >= 0 && at > start && colon > start && colon < at) found.push(databaseUrl.slice(colon + 1, at));
  for (const match of databaseUrl.matchAll(/[?&]password=([^&#]*)/gi)) found.push(match[1]!);
  const withDecoded = found.flatMap((password) => {
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  });
  return withDecoded.filter((password) => password.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * `text` (e.g. a driver's error message) on one line, with any occurrence of the URL's
 * password replaced by `***`. Drivers do not put passwords in messages; this is the
 * second line of defence.
 */
export function redactSecrets(text: string, databaseUrl: string): string {
  let result = text.replace(/\s*\n\s*/g, " ").trim();
  for (const password of passwordsOf(databaseUrl)) result = result.split(password).join("***");
  return result;
}
