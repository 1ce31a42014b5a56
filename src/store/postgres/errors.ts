/**
 * Short, clear descriptions of why PostgreSQL could not be used, for the one line that
 * stops start-up (an unknown scheme, an unreachable host or wrong credentials each get a
 * line that names the problem). The
 * caller masks the password in the result (`redactSecrets`).
 */

/** The fields of node-postgres and Node network errors that the description reads. */
interface DriverError {
  message?: string;
  /** SQLSTATE (e.g. 28P01) or a Node error code (e.g. ECONNREFUSED). */
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  errors?: DriverError[];
}

/**
 * Describes a connection or query error of the driver, e.g. "connection refused by
 * 127.0.0.1:5 (is PostgreSQL running there?)", "password authentication failed for user
 * "app"", "database "x" does not exist".
 */
export function describePostgresError(error: unknown): string {
  const failure = (error ?? {}) as DriverError;
  // Node reports a host with several addresses (localhost: ::1 and 127.0.0.1) as an AggregateError.
  const first = failure.errors?.[0] ?? failure;
  const where = first.address ? `${first.address}${first.port ? `:${first.port}` : ""}` : "the server";
  switch (first.code ?? failure.code) {
    case "ECONNREFUSED":
      return `connection refused by ${where} (is PostgreSQL running there?)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host ${first.hostname ?? ""} not found`.replace("  ", " ");
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `${where} is unreachable (${first.code})`;
    case "ECONNRESET":
      return `${where} closed the connection before answering (is the host and port of DATABASE_URL a PostgreSQL server?)`;
  }
  const message = failure.message ?? String(error);
  if (/timeout/i.test(message) && /connect/i.test(message))
    return "no answer from the server in time (host unreachable, or PostgreSQL overloaded)";
  if (/SASL|client password must be a string/i.test(message)) return "the server asks for a password and DATABASE_URL gives none";
  if (/Connection terminated unexpectedly/i.test(message))
    return "the server closed the connection before answering (is the host and port of DATABASE_URL a PostgreSQL server?)";
  return message;
}

/**
 * Whether a failed batch statement should be retried call by call: only when a row of it
 * broke a rule of the data (SQLSTATE class 22, data exception, or 23, integrity constraint
 * violation), so that the one bad row fails alone, or it lost a deadlock or serialization
 * check again and again (class 40), which calls alone avoid. Not for a connection that failed, a
 * timeout or a database that is down: every call would fail again, each after its own
 * timeout, and the answers would come late (../group-commit.ts).
 */
export function isRowError(error: unknown): boolean {
  const code = (error as DriverError | undefined)?.code;
  return typeof code === "string" && /^(22|23|40)[0-9A-Z]{3}$/.test(code);
}
