/**
 * boundary_values: the limits the spec puts on a body and its fields, just inside and
 * just outside, each correctly signed:
 *
 *   size       a body of exactly `x-max-request-body-bytes` (16384) is accepted, one byte
 *              more is 413 V.03; a body over the limit in bytes but not in characters
 *              (two-byte characters) is 413 V.03 too: the limit counts bytes
 *   lengths    every free-text field at its maxLength in four-byte characters is accepted
 *              (maxLength counts characters, not bytes or UTF-16 units); one character over
 *              maxLength, one under minLength: 400 V.02
 *   case       a patterned value in the other case: accepted where the pattern allows it
 *              (`uuid`, "lower or upper case"), else 400 V.02 (`language`, `currency`); an
 *              enum value in another case, or a numeric enum string sent as a number
 *              (`clearHistory`: "the numbers 0 and 1 are rejected"): 400 V.02
 *   fields     a field named like a documented one in another case (`gameId` for
 *              `gameid`): 400 V.02 where `additionalProperties` is false, accepted by a
 *              receiver, which must ignore fields it does not know, including keys that
 *              sort differently by bytes than by letters (the body `hash` sorts by bytes),
 *              and of every scalar kind (an empty string, booleans, numbers);
 *              only the required fields; null where nullable
 *   refusals   every value of `x-refused-values` gets its documented code
 *
 * Under the certification kit, receivers may accept a value over its limits (Lucky
 * Monaco never sends one); they must accept every valid one (`context.ts`).
 */
import { errorCatalog } from "../../../generated/error-catalog.js";
import { maxRequestBodyBytes } from "../../../generated/operations.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { refusals, roleFields } from "../generate/body-roles.js";
import { isValidBody } from "../generate/request-bodies.js";
import type { Expectation, Probe } from "../types.js";
import { swapAsciiCase } from "../signature-variants.js";
import { signed, type Body, type SignOptions } from "../signed-requests.js";
import {
  bodyProperties,
  dataStringFields,
  freeTextField,
  freshBody,
  isFreeText,
  objectSchemaAt,
  requiredFields,
  valueAt,
  withValueAt,
} from "./bodies.js";
import { acceptedBy, oneStep, refusedWith, stepOf, unlessLenient, type BoundaryContext } from "./context.js";

/** A character of four UTF-8 bytes and two UTF-16 units (U+1F3B0, a slot machine). */
export const ASTRAL = "🎰";

const invalid = (context: BoundaryContext, operation: OperationFacts): Expectation =>
  unlessLenient(context, operation, refusedWith(400, "V.02"));

/**
 * Unknown top-level fields of every scalar kind the canonical string writes its own way
 * (signing guide, step 1.1 and 1.3): an empty string (kept, `key=`), `true` and `false`
 * (not PHP's `1` and empty string), an integer and a fraction in their JSON form.
 */
export const scalarFields: Body = { emptyNote: "", flagOn: true, flagOff: false, count: 1800, ratio: 0.5 };

/** Unknown top-level fields whose keys sort differently by UTF-8 bytes than by letters or UTF-16 units (signing guide, step 1.2; vector `unknown-fields-byte-order`). */
export const byteOrderFields: Body = { Zulu: "upper case sorts first", alpha: "a", Ａ: "U+FF21", "😀": "U+1F600" };

function sizeProbes(operation: OperationFacts, context: BoundaryContext, probe: ProbeMaker): Probe[] {
  const unicode = (body: Body) => {
    const field = freeTextField(operation);
    return field ? withValueAt(body, field.pointer, `Łódź ${ASTRAL}`.slice(0, field.schema.maxLength ?? 8)) : body;
  };
  // An unknown field of two-byte characters: over the limit in bytes, under it in characters
  // (room left for the `"pad":""` around it and a body `hash`).
  const pad = maxRequestBodyBytes - [...JSON.stringify(freshBody(operation, context.credentials))].length - 80;
  return [
    probe(
      "size/at-limit",
      `a body of exactly ${maxRequestBodyBytes} bytes (non-ASCII text, white space after the JSON): accepted`,
      unicode(freshBody(operation, context.credentials)),
      { padToBytes: maxRequestBodyBytes },
      acceptedBy(operation),
    ),
    probe(
      "size/one-over-limit",
      `a body of ${maxRequestBodyBytes + 1} bytes: 413 V.03`,
      freshBody(operation, context.credentials),
      { padToBytes: maxRequestBodyBytes + 1 },
      refusedWith(413, "V.03"),
    ),
    probe(
      "size/over-limit-in-bytes-only",
      `a body over ${maxRequestBodyBytes} bytes but under ${maxRequestBodyBytes} characters (two-byte characters): 413 V.03`,
      { ...freshBody(operation, context.credentials), pad: "é".repeat(pad) },
      {},
      refusedWith(413, "V.03"),
    ),
  ];
}

function lengthProbes(operation: OperationFacts, context: BoundaryContext, probe: ProbeMaker): Probe[] {
  const probes: Probe[] = [];
  for (const field of dataStringFields(operation)) {
    const { maxLength, minLength } = field.schema as { maxLength?: number; minLength?: number };
    const body = () => freshBody(operation, context.credentials);
    if (isFreeText(field.schema) && maxLength !== undefined) {
      probes.push(
        probe(
          "length/at-max-in-four-byte-characters",
          `${field.pointer} at its maxLength ${maxLength} in four-byte characters (${maxLength * 4} bytes, ${maxLength * 2} UTF-16 units): accepted`,
          withValueAt(body(), field.pointer, ASTRAL.repeat(maxLength)),
          {},
          acceptedBy(operation),
        ),
      );
    }
    if (maxLength !== undefined) {
      const unit = isFreeText(field.schema) ? "a" : String(valueAt(body(), field.pointer) ?? "a").slice(-1) || "a";
      probes.push(
        probe(
          "length/one-over-max",
          `${field.pointer} one character over its maxLength ${maxLength}: 400 V.02`,
          withValueAt(body(), field.pointer, unit.repeat(maxLength + 1)),
          {},
          invalid(context, operation),
        ),
      );
    }
    if (minLength !== undefined && minLength > 0) {
      probes.push(
        probe(
          "length/one-under-min",
          `${field.pointer} one character under its minLength ${minLength}: 400 V.02`,
          withValueAt(body(), field.pointer, "a".repeat(minLength - 1)),
          {},
          invalid(context, operation),
        ),
      );
    }
  }
  return probes;
}

function caseProbes(operation: OperationFacts, context: BoundaryContext, probe: ProbeMaker): Probe[] {
  const probes: Probe[] = [];
  const fields = [...dataStringFields(operation)];
  const uuid = bodyProperties(operation).uuid;
  if (uuid) fields.unshift({ pointer: "/uuid", schema: uuid, required: true });
  for (const field of fields) {
    const body = freshBody(operation, context.credentials);
    const value = valueAt(body, field.pointer);
    if (typeof value !== "string") continue;
    if (field.schema.pattern) {
      const other = swapAsciiCase(value);
      if (other === value) continue;
      const changed = withValueAt(body, field.pointer, other);
      if (isValidBody(operation, changed))
        probes.push(
          probe(
            "case/pattern-allows-other-case",
            `${field.pointer} in the other case, which its pattern allows (${JSON.stringify(other)}): accepted`,
            changed,
            {},
            acceptedBy(operation),
          ),
        );
      else
        probes.push(
          probe(
            "case/pattern-refuses-other-case",
            `${field.pointer} in the other case, outside its pattern ${field.schema.pattern} (${JSON.stringify(other)}): 400 V.02`,
            changed,
            {},
            invalid(context, operation),
          ),
        );
    }
    if (field.schema.enum) {
      const first = String(field.schema.enum[0]);
      const other = first.toUpperCase() === first ? first.toLowerCase() : first.toUpperCase();
      if (other !== first && !field.schema.enum.includes(other))
        probes.push(
          probe(
            "case/enum-other-case",
            `${field.pointer} ${JSON.stringify(other)}, an enum value in another case: 400 V.02`,
            withValueAt(body, field.pointer, other),
            {},
            invalid(context, operation),
          ),
        );
      const numeric = field.schema.enum.find((candidate: unknown) => typeof candidate === "string" && /^-?\d+$/.test(candidate));
      if (numeric !== undefined)
        probes.push(
          probe(
            "values/enum-string-as-number",
            `${field.pointer} the number ${numeric}, not the string ${JSON.stringify(numeric)}: 400 V.02`,
            withValueAt(body, field.pointer, Number(numeric)),
            {},
            invalid(context, operation),
          ),
        );
    }
  }
  return probes;
}

function fieldProbes(operation: OperationFacts, context: BoundaryContext, probe: ProbeMaker): Probe[] {
  const fresh = () => freshBody(operation, context.credentials);
  const closed = objectSchemaAt(operation, "").additionalProperties === false;
  const roles = roleFields(operation);
  const known = Object.keys(bodyProperties(operation)).filter((candidate) => !roles.has(candidate) && candidate !== "uuid");
  // A documented name with its second-to-last letter in upper case, as `gameId` for `gameid`
  // (or, for a name that ends otherwise, its first letter in the other case).
  const name = known.find((candidate) => /[a-z]{2}$/.test(candidate)) ?? known[0]!;
  const misspelt = /[a-z]{2}$/.test(name)
    ? `${name.slice(0, -2)}${name.at(-2)!.toUpperCase()}${name.at(-1)}`
    : `${swapAsciiCase(name[0]!)}${name.slice(1)}`;
  const unknownExpect: Expectation = closed ? refusedWith(400, "V.02") : acceptedBy(operation);
  const verdict = closed ? "400 V.02 (additionalProperties is false)" : "accepted (a receiver ignores fields it does not know)";
  const probes = [
    probe(
      "fields/documented-name-in-another-case",
      `an unknown field ${misspelt}, named like ${name} in another case: ${verdict}`,
      { ...fresh(), [misspelt]: String(valueAt(fresh(), `/${name}`) ?? "x") },
      {},
      unknownExpect,
    ),
    probe(
      "fields/keys-in-byte-order",
      `unknown fields whose keys sort differently by bytes (${Object.keys(byteOrderFields).join(", ")}): ${verdict}`,
      { ...fresh(), ...byteOrderFields },
      {},
      unknownExpect,
    ),
    probe(
      "fields/scalars-in-canonical-string",
      `unknown fields with an empty string, true, false, 1800 and 0.5 (each written its own way in the body hash): ${verdict}`,
      { ...fresh(), ...scalarFields },
      {},
      unknownExpect,
    ),
  ];
  const required = new Set([...requiredFields(operation), "timestamp"]);
  const minimal = Object.fromEntries(Object.entries(fresh()).filter(([key]) => required.has(key)));
  if (Object.keys(minimal).length < Object.keys(fresh()).length)
    probes.push(
      probe("fields/only-required", "only the required fields (and timestamp): acceptedBy(operation)", minimal, {}, acceptedBy(operation)),
    );
  const nullable = Object.entries(bodyProperties(operation))
    .filter(([, schema]) => schema.nullable)
    .map(([key]) => key);
  if (nullable.length)
    probes.push(
      probe(
        "fields/null-where-nullable",
        `null in ${nullable.join(", ")} (nullable; left out of the body hash): accepted`,
        { ...fresh(), ...Object.fromEntries(nullable.map((key) => [key, null])) },
        {},
        acceptedBy(operation),
      ),
    );
  return probes;
}

function refusalProbes(operation: OperationFacts, context: BoundaryContext, probe: ProbeMaker): Probe[] {
  return refusals(operation).map((refusal) =>
    probe(
      "values/refused-value",
      `${refusal.pointer} ${JSON.stringify(refusal.value)}, which the schema allows and the operation refuses (x-refused-values): ${errorCatalog[refusal.code].status} ${refusal.code}`,
      withValueAt(freshBody(operation, context.credentials), refusal.pointer, refusal.value),
      {},
      refusedWith(errorCatalog[refusal.code].status, refusal.code),
    ),
  );
}

type ProbeMaker = (kind: string, title: string, body: Body, options: SignOptions, expect: Expectation) => Probe;

/** Every boundary-value probe of the context's operations. */
export function boundaryValueProbes(context: BoundaryContext): Probe[] {
  return context.operations.flatMap((operation) => {
    const probe: ProbeMaker = (kind, title, body, options, expect) =>
      oneStep("boundary_values", kind, operation, title, stepOf(operation, signed(operation, body, context.credentials, options), expect));
    return [
      ...sizeProbes(operation, context, probe),
      ...lengthProbes(operation, context, probe),
      ...caseProbes(operation, context, probe),
      ...fieldProbes(operation, context, probe),
      ...refusalProbes(operation, context, probe),
    ];
  });
}
