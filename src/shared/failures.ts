/**
 * Failure responses in each operation's own body shape. Where the catalog code and the
 * message go is the operation's failure envelope (`x-error-envelope` of its `*Failure`
 * schema, in `generated/operations.ts`), and the HTTP status is the catalog's
 * (`generated/error-catalog.ts`): nothing about the shapes is written here. The message
 * is the catalog title, then the detail when there is one.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { defaultErrorEnvelope, operationsById, type OperationId } from "../../generated/operations.js";
import type { OperationErrorCodes, OperationResults } from "../../generated/server.js";
import { setAtPointer } from "./json-pointer.js";

/** A documented non-200 response of operation `Id`. */
export type FailureResult<Id extends OperationId> = Exclude<OperationResults[Id], { status: 200 }>;

/**
 * Thrown by request hooks and handlers to answer with a catalog failure; the contract
 * plugin's error handler turns it into the operation's failure response.
 */
export class ApiFailure extends Error {
  override name = "ApiFailure";
  constructor(
    /** A code some operation may answer (never one answered before routing). */
    readonly code: OperationErrorCodes[OperationId],
    readonly detail?: string,
  ) {
    super(detail ? `${errorCatalog[code].title}: ${detail}` : errorCatalog[code].title);
  }
}

/** Where a failure body carries the code and the message (JSON pointers, `x-error-envelope`). */
export interface ErrorEnvelopePointers {
  readonly code: string;
  readonly message: string;
}

/**
 * A failure body in `envelope` for a catalog `code`, with the catalog's status; the
 * message is the catalog title, then `detail`. No operation is checked: this is also the
 * answer of the HTTP layer before any operation is chosen (catalog `scope: transport`),
 * in the default envelope (`defaultErrorEnvelope`, the spec's `x-default-error-envelope`).
 *
 * @returns the status of the code and the body
 */
export function envelopeFailure(
  code: ErrorCode,
  detail?: string,
  envelope: ErrorEnvelopePointers = defaultErrorEnvelope,
): { status: number; body: Record<string, unknown> } {
  const { status, title } = errorCatalog[code];
  const body = setAtPointer({}, envelope.code, code);
  setAtPointer(body, envelope.message, detail ? `${title}: ${detail}` : title);
  return { status, body };
}

/**
 * The failure response of `operationId` for a catalog `code`. The type of `code` allows
 * only the codes the operation may answer (`OperationErrorCodes`, from its
 * `x-error-codes`), so a handler cannot answer an undocumented one.
 *
 * @param detail appended to the catalog title in the message (e.g. the offending field)
 * @returns the status of the code and the body in the operation's envelope
 * @throws Error when the operation does not list the code or document its status: a server bug
 */
export function failure<Id extends OperationId>(operationId: Id, code: OperationErrorCodes[Id], detail?: string): FailureResult<Id> {
  const { status } = errorCatalog[code];
  const operation = operationsById[operationId];
  if (!(operation.errorCodes as readonly string[]).includes(code) || !(operation.statuses as readonly number[]).includes(status)) {
    throw new Error(`${operationId} does not document ${code} (status ${status}), so it cannot answer it`);
  }
  return envelopeFailure(code, detail, operation.errorEnvelope) as FailureResult<Id>;
}

/** Which side of the contract a server serves (`x-implemented-by`). */
export type Side = "provider" | "operator";

/** The failure envelope of the operation of `side` at `method` `path`, if there is one. */
export function operationEnvelope(side: Side, path: string, method?: string): ErrorEnvelopePointers | undefined {
  const operation = Object.values(operationsById).find(
    (candidate) =>
      candidate.implementedBy === side && candidate.path === path && (method === undefined || candidate.method === method.toLowerCase()),
  );
  return operation?.errorEnvelope;
}
