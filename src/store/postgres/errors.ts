/**
 * Short, clear descriptions of why PostgreSQL could not be used, for the one line that
 * stops start-up (issue "Storage that outgrows one machine": an unknown scheme, an
 * unreachable host or wrong credentials each get a line that names the problem). The
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
      return `${where} closed the connection`;
  }
  const message = failure.message ?? String(error);
  if (/timeout/i.test(message) && /connect/i.test(message)) return "no answer from the server in time (host unreachable, or PostgreSQL overloaded)";
  if (/SASL|client password must be a string/i.test(message)) return "the server asks for a password and DATABASE_URL gives none";
  return message;
}
