/**
 * serialisation_variants: the same body, correctly signed over its exact bytes, serialised
 * otherwise than as compact JSON, must be accepted (signing guide, "Step 2": "Any valid
 * JSON is accepted: key order, white space and `\u` escapes are up to you"; "Verifying":
 * `HASH` over the raw bytes before parsing, the body `hash` over the parsed fields; go-live
 * checklist item 12). An implementation that re-serialises before checking `HASH`, or
 * builds the canonical string from the raw text, refuses some of them.
 *
 * Each body carries text beyond ASCII and a `/` in a free-text field, so that escapes
 * have something to escape.
 */
import type { OperationFacts } from "../../shared/spec-types.js";
import type { Probe } from "../types.js";
import { signed, type Body } from "../signed-requests.js";
import { freeTextField, freshBody, withValueAt } from "./bodies.js";
import { acceptedBy, oneStep, stepOf, type BoundaryContext } from "./context.js";

/** JSON text with every character beyond ASCII written as a `\u` escape (astral ones as surrogate pairs). */
export const escapeNonAscii = (json: string) =>
  json.replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** JSON text with every `/` written as `\/` (PHP's json_encode default). */
export const escapeSlashes = (json: string) => json.replace(/\//g, "\\/");

/** `body` with its keys in reverse order, at every depth. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, child]) => [key, reversed(child)]),
  );
}

/** `body` with its keys sorted, at every depth. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, child]) => [key, sorted(child)]),
  );
}

/** Fields written as they are by `escapeFirstLetters`: reproductions find the signatures, the timestamp and the Kyren token by name and value. */
const keptAsWritten = new Set(["hash", "timestamp", "token"]);

/**
 * JSON text whose keys and string values have their first letter written as a `\u`
 * escape (but `keptAsWritten`): the decoded body is the same.
 */
function escapeFirstLetters(body: Body): string {
  const escapeFirst = (text: string) => text.replace(/^[A-Za-z]/, (letter) => `\\u${letter.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const write = (value: unknown, key?: string): string => {
    if (typeof value === "string")
      return key !== undefined && keptAsWritten.has(key) ? JSON.stringify(value) : `"${escapeFirst(JSON.stringify(value).slice(1, -1))}"`;
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    const entries = Object.entries(value as Body).map(
      ([name, child]) => `"${keptAsWritten.has(name) ? name : escapeFirst(JSON.stringify(name).slice(1, -1))}":${write(child, name)}`,
    );
    return `{${entries.join(",")}}`;
  };
  return write(body);
}

/** JSON text with `", "` between items and `": "` after keys (Python's json.dumps default). */
function spaced(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(spaced).join(", ")}]`;
  return `{${Object.entries(value)
    .map(([key, child]) => `${JSON.stringify(key)}: ${spaced(child)}`)
    .join(", ")}}`;
}

/** The serialisations, by kind: each returns JSON text of the same body. */
export const serialisations: Array<[kind: string, what: string, serialise: (body: Body) => string]> = [
  ["pretty-printed", "pretty-printed with 2 spaces", (body) => JSON.stringify(body, null, 2)],
  ["tabs-and-crlf", "indented with tabs, CRLF line ends", (body) => JSON.stringify(body, null, "\t").replace(/\n/g, "\r\n")],
  ["spaced-separators", 'with ", " and ": " between items (Python\'s json.dumps default)', spaced],
  ["keys-reversed", "its keys in reverse order (the body hash first)", (body) => JSON.stringify(reversed(body))],
  ["keys-sorted", "its keys sorted", (body) => JSON.stringify(sorted(body))],
  [
    "unicode-escapes",
    "every character beyond ASCII as a \\u escape (Python's json.dumps default)",
    (body) => escapeNonAscii(JSON.stringify(body)),
  ],
  ["escaped-slashes", "every / as \\/ (PHP's json_encode default)", (body) => escapeSlashes(JSON.stringify(body))],
  ["escaped-letters", "the first letter of keys and values as \\u escapes", escapeFirstLetters],
  ["trailing-newline", "followed by a newline", (body) => `${JSON.stringify(body)}\n`],
  ["leading-white-space", "after a space and before CRLF", (body) => ` ${JSON.stringify(body)}\r\n`],
];

/** A fresh body with text to escape: beyond ASCII (a four-byte character too) and a `/`, in a free-text field. */
export function escapableBody(operation: OperationFacts, context: BoundaryContext): Body {
  const body = freshBody(operation, context.credentials);
  const field = freeTextField(operation);
  return field ? withValueAt(body, field.pointer, "jürgen/müller🎰") : body;
}

/** Every serialisation probe of the context's operations. */
export function serialisationProbes(context: BoundaryContext): Probe[] {
  return context.operations.flatMap((operation) =>
    serialisations.map(([kind, what, serialise]) =>
      oneStep(
        "serialisation_variants",
        `serialisation/${kind}`,
        operation,
        `the body ${what}, correctly signed over its bytes: accepted`,
        stepOf(operation, signed(operation, escapableBody(operation, context), context.credentials, { serialise }), acceptedBy(operation)),
      ),
    ),
  );
}
