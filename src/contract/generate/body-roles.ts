/**
 * The fields of a request body that are not data: the signing, freshness, idempotency
 * and authentication facts every request gets right unless its probe is about them.
 *
 *   hash        the body `hash` (`OperationFacts.bodyHash`): computed by signing, last
 *   timestamp   (`OperationFacts.timestamp`): the current Unix time
 *   uuid        a property named `uuid` (spec `Uuid4`, the idempotency key): a fresh v4
 *               uuid for every request, whatever the seed, so a run never collides with
 *               an earlier one on a persistent target
 *   secureLogin, token   of an operation without `MEMB_ID` + `HASH` (Kyren: "Authentication"
 *               in its description): the partner's id and Kyren token
 *
 * and the values a schema allows that the operation refuses (`x-refused-values` of a
 * property: value → catalog code), which the spec documents next to the field.
 */
import { randomUUID } from "node:crypto";
import { errorCatalog, type ErrorCode } from "../../../generated/error-catalog.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { getAtPointer } from "../../shared/json-pointer.js";
import type { Body, Credentials } from "../signed-requests.js";

/** The body fields of an operation without `MEMB_ID` + `HASH` that carry the partner's credentials. */
export function bodyCredentialFields(operation: OperationFacts): string[] {
  return operation.signedWithHash ? [] : ["secureLogin", "token"];
}

/** Top-level fields whose values a probe about data never changes (signing, freshness, credentials). */
export function roleFields(operation: OperationFacts): Set<string> {
  return new Set([
    ...(operation.bodyHash ? ["hash"] : []),
    ...(operation.timestamp ? ["timestamp"] : []),
    ...bodyCredentialFields(operation),
  ]);
}

/** The current Unix time, seconds. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Puts the role fields right: the current `timestamp` (always present), a fresh `uuid`
 * where the body has the key, the partner's credentials in a Kyren body. `hash` is left
 * to signing.
 *
 * @returns the same body, changed in place
 */
export function withRoles(operation: OperationFacts, body: Body, credentials: Credentials): Body {
  delete body.hash;
  if (operation.timestamp) body.timestamp = nowSeconds();
  if ("uuid" in body) body.uuid = randomUUID();
  if (!operation.signedWithHash) {
    body.secureLogin = credentials.memberId;
    body.token = credentials.kyrenToken;
  }
  return body;
}

/** A value the schema allows that the operation refuses. */
export interface Refusal {
  /** JSON pointer of the field, e.g. `/gametype`. */
  pointer: string;
  value: unknown;
  code: ErrorCode;
}

/**
 * The `x-refused-values` of an operation's request schema, at any depth, as the codegen
 * reads them (`OperationFacts.refusedValues`, which also checks that each code is one of
 * the operation's `x-error-codes`).
 *
 * @throws Error when a refusal names a code outside the catalog
 */
export function refusals(operation: OperationFacts): Refusal[] {
  return operation.refusedValues.map(({ pointer, value, code }) => {
    if (!(code in errorCatalog))
      throw new Error(`${operation.operationId}${pointer}: x-refused-values names ${code}, which is not in the catalog`);
    return { pointer, value, code: code as ErrorCode };
  });
}

/** The refusal a body hits (the first, in schema order), or undefined when the operation must accept it. */
export function refusalOf(body: Body, list: readonly Refusal[]): Refusal | undefined {
  return list.find((refusal) => getAtPointer(body, refusal.pointer) === refusal.value);
}
