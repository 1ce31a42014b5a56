/**
 * Failure responses in each operation's own body shape (spec: "Error catalog"):
 *
 *   enterGameSession                 {"errors": {"code", "message"}}
 *   closeSession, sessionExpired     {"error": {"code", "message"}}
 *   closeSessionKyren                {"error": "<code>", "description"}
 *
 * The HTTP status comes from the catalog (`generated/error-catalog.ts`). The message is
 * the catalog title, then the detail when there is one.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { operationsById, type OperationId } from "../../generated/operations.js";
import type { OperationErrorCodes, OperationResults } from "../../generated/server.js";

/** A documented non-200 response of operation `Id`. */
export type FailureResult<Id extends OperationId> = Exclude<OperationResults[Id], { status: 200 }>;

/**
 * Thrown by request hooks and handlers to answer with a catalog failure; the contract
 * plugin's error handler turns it into the operation's failure response.
 */
export class ApiFailure extends Error {
  override name = "ApiFailure";
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${errorCatalog[code].title}: ${detail}` : errorCatalog[code].title);
  }
}

const shapes = {
  enter: (code: ErrorCode, message: string) => ({ errors: { code, message } }),
  v4: (code: ErrorCode, message: string) => ({ error: { code, message } }),
  kyren: (code: ErrorCode, message: string) => ({ error: code, description: message }),
};

const shapeOf: Record<OperationId, keyof typeof shapes> = {
  enterGameSession: "enter",
  closeSession: "v4",
  sessionExpired: "v4",
  closeSessionKyren: "kyren",
};

/**
 * The failure response of `operationId` for a catalog `code`. The type of `code` allows
 * only the codes the operation documents (`OperationErrorCodes`), so a handler cannot
 * answer an undocumented one.
 *
 * @param detail appended to the catalog title in the message (e.g. the offending field)
 * @throws Error when the operation does not document the code's status: a server bug
 */
export function failure<Id extends OperationId>(operationId: Id, code: OperationErrorCodes[Id], detail?: string): FailureResult<Id> {
  const { status, title } = errorCatalog[code];
  if (!(operationsById[operationId].statuses as readonly number[]).includes(status)) {
    throw new Error(`${operationId} does not document status ${status}, so it cannot answer ${code}`);
  }
  const message = detail ? `${title}: ${detail}` : title;
  return { status, body: shapes[shapeOf[operationId]](code, message) } as FailureResult<Id>;
}
