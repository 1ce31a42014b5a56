/**
 * The values a request schema allows that its operation refuses, as the spec lists them
 * (`x-refused-values`, generated into `operationsById[…].refusedValues`): ENTER's
 * `gametype: table` is `G.02` until table games are announced. The handlers read them
 * here, so that a value added to the spec is refused with no code change.
 */
import { operationsById, type OperationId } from "../../../generated/operations.js";
import { getAtPointer } from "../../json-pointer.js";

/** A refused value found in a body: the catalog code to answer, and the detail of the message. */
export interface RefusedValueHit<Code extends string> {
  code: Code;
  /** For example `gametype "table" is not available now`. */
  detail: string;
}

type RefusedCode<Id extends OperationId> = (typeof operationsById)[Id]["refusedValues"][number] extends { code: infer Code extends string } ? Code : never;

/**
 * The first refused value that `body` carries, in schema order.
 *
 * @param operationId the operation whose `refusedValues` apply
 * @param body the parsed, schema-valid request body
 * @returns the code and the message detail, or undefined when the body carries none
 */
export function refusedValueIn<Id extends OperationId>(operationId: Id, body: unknown): RefusedValueHit<RefusedCode<Id>> | undefined {
  const refused = (operationsById[operationId].refusedValues as readonly { pointer: string; value: string; code: string }[]).find((entry) => getAtPointer(body, entry.pointer) === entry.value);
  if (!refused) return undefined;
  const field = refused.pointer.slice(1).split("/").join(".");
  return { code: refused.code as RefusedCode<Id>, detail: `${field} ${JSON.stringify(refused.value)} is not available now` };
}
