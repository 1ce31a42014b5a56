/**
 * The values a request schema allows that its operation refuses, as the spec lists them
 * (`x-refused-values`, generated into `operationsById[…].refusedValues`): ENTER's
 * `gametype: table` is `G.02` until table games are announced. The handlers read them
 * here, so that a value added to the spec is refused with no code change.
 */
import { operationsById, type OperationId } from "../../../generated/operations.js";
import { pointerTokens } from "../../shared/json-pointer.js";

/** A refused value found in a body: the catalog code to answer, and the detail of the message. */
export interface RefusedValueHit<Code extends string> {
  code: Code;
  /** For example `gametype "table" is not available now`. */
  detail: string;
}

type RefusedCode<Id extends OperationId> = (typeof operationsById)[Id]["refusedValues"][number] extends { code: infer Code extends string }
  ? Code
  : never;

/** A refused value with its pointer read once, at load: the path to follow and the message's field name. */
interface RefusedValue {
  tokens: readonly string[];
  value: string;
  code: string;
  detail: string;
}

/** The refused values of every operation, in schema order. */
const refusedValues = new Map<OperationId, readonly RefusedValue[]>(
  Object.values(operationsById).map((operation) => [
    operation.operationId,
    (operation.refusedValues as readonly { pointer: string; value: string; code: string }[]).map(({ pointer, value, code }) => {
      const tokens = pointerTokens(pointer);
      return { tokens, value, code, detail: `${tokens.join(".")} ${JSON.stringify(value)} is not available now` };
    }),
  ]),
);

/** The value at `tokens` in `body`, or undefined when a step is missing. */
function valueAt(body: unknown, tokens: readonly string[]): unknown {
  let node = body;
  for (const token of tokens) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * The first refused value that `body` carries, in schema order.
 *
 * @param operationId the operation whose `refusedValues` apply
 * @param body the parsed, schema-valid request body
 * @returns the code and the message detail, or undefined when the body carries none
 */
export function refusedValueIn<Id extends OperationId>(operationId: Id, body: unknown): RefusedValueHit<RefusedCode<Id>> | undefined {
  const refused = refusedValues.get(operationId)?.find((entry) => valueAt(body, entry.tokens) === entry.value);
  return refused && { code: refused.code as RefusedCode<Id>, detail: refused.detail };
}
