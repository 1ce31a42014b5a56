/**
 * The callbacks the certification kit sends, built from the spec: the operation's
 * documented request example with fresh values (the current `timestamp`; a new draw
 * from its schema for every field with a `pattern`, such as `sessionId`, so that each
 * callback is a new one), and its variants at the documented limits. Nothing about the
 * body is written here: fields, lengths, patterns and nullability come from the request
 * schema in the bundle.
 */
import { randomInt } from "node:crypto";
import fc from "fast-check";
import {
  bodyProperties,
  freshBody,
  isFreeText,
  lengthArbitrary,
  requiredFields,
  schemaArbitrary,
  type Body,
  type Credentials,
} from "../contract/index.js";
import type { OperationFacts } from "../shared/spec-types.js";

/** Text with letters outside ASCII, a CJK and a 4-byte emoji: what Unicode values are made of. */
export const UNICODE_SAMPLE = "Łódź–Zürich ✓ 東京 🎰 Ελλάδα ñ";

export { bodyProperties, isFreeText };

const drawOne = <Value>(arbitrary: fc.Arbitrary<Value>) => fc.sample(arbitrary, { seed: randomInt(0, 2 ** 31 - 1), numRuns: 1 })[0]!;

/**
 * A new callback: the documented example with the current `timestamp`, fresh draws for
 * the fields with a `pattern` (ids), and the current time, to the second, in the
 * `date-time` fields (`createdAt`): what Lucky Monaco sends for a callback created now
 * (`freshBody` of the contract tester).
 *
 * @throws Error when the result is not valid against the schema (the example is wrong)
 */
export const freshCallback = (operation: OperationFacts, credentials: Credentials): Body => freshBody(operation, credentials);

/** `freshCallback` with only the required fields (and `timestamp`, which every sender sends). */
export function minimalCallback(operation: OperationFacts, credentials: Credentials): Body {
  const required = new Set<string>([...requiredFields(operation), "timestamp"]);
  return Object.fromEntries(Object.entries(freshCallback(operation, credentials)).filter(([name]) => required.has(name)));
}

/** Free-text fields set to `UNICODE_SAMPLE`, cut to their maxLength. */
export function unicodeCallback(operation: OperationFacts, credentials: Credentials): Body {
  const body = freshCallback(operation, credentials);
  for (const [name, schema] of Object.entries(bodyProperties(operation))) {
    if (isFreeText(schema) && name in body) body[name] = [...UNICODE_SAMPLE].slice(0, schema.maxLength ?? UNICODE_SAMPLE.length).join("");
  }
  return body;
}

/**
 * Every string field with a length limit at that limit (`max`: maxLength, Unicode
 * included; `min`: minLength), optional ones included; patterned fields get a draw of
 * that length when their pattern allows one.
 */
export function callbackAtLimits(operation: OperationFacts, credentials: Credentials, limit: "min" | "max"): Body {
  const body = freshCallback(operation, credentials);
  for (const [name, schema] of Object.entries(bodyProperties(operation))) {
    if (schema.type !== "string" || schema.enum || name === "hash") continue;
    const length = limit === "max" ? schema.maxLength : schema.minLength;
    if (length === undefined) continue;
    const value = isFreeText(schema)
      ? drawOne(lengthArbitrary(length, length))
      : fc
          .sample(schemaArbitrary(schema), { seed: randomInt(0, 2 ** 31 - 1), numRuns: 200 })
          .find((candidate) => typeof candidate === "string" && [...candidate].length === length);
    if (value !== undefined) body[name] = value;
  }
  return body;
}

/** The nullable fields set to null (a sender leaves them out of the body `hash`). */
export function nullsCallback(operation: OperationFacts, credentials: Credentials): Body | undefined {
  const nullable = Object.entries(bodyProperties(operation))
    .filter(([, schema]) => schema.nullable)
    .map(([name]) => name);
  if (!nullable.length) return undefined;
  return { ...freshCallback(operation, credentials), ...Object.fromEntries(nullable.map((name) => [name, null])) };
}

/** Three scalar fields that no schema property names (receivers must ignore them). */
export function unknownFields(operation: OperationFacts): Body {
  const known = bodyProperties(operation);
  const names = ["futureField", "futureCount", "futureFlag"].map((name) => (name in known ? `${name}X` : name));
  return { [names[0]!]: "added later", [names[1]!]: 3, [names[2]!]: true };
}
