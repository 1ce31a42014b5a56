/**
 * media_types: what `Content-Type: application/json` and "UTF-8" mean at their edges
 * (spec: "Conventions": JSON body, `application/json`, UTF-8; "Order of checks" step 2:
 * another media type is 415 V.04, and step 3.2: a body that is not JSON in UTF-8 is 400
 * V.01). Media types are case-insensitive and may carry parameters (RFC 9110), so
 * `application/json; charset=utf-8`, `application/json;charset=UTF-8`,
 * `application/json; charset="utf-8"` and `Application/JSON` are accepted; another
 * charset, a form, `text/json` are 415 V.04 (the certification kit lets a receiver take
 * another charset declaration for what it is, JSON in UTF-8, and accept it: Lucky
 * Monaco never sends one, and the go-live checklist does not ask). A correctly signed body whose bytes are not UTF-8 (Latin-1) is 400 V.01.
 */
import type { Probe } from "../types.js";
import { signed } from "../signed-requests.js";
import { freeTextField, freshBody, withValueAt } from "./bodies.js";
import { acceptedBy, oneStep, refusedWith, stepOf, unlessLenient, type BoundaryContext } from "./context.js";

/** Content-Types that name `application/json` in UTF-8, as HTTP allows writing it. */
export const sameMediaType: Array<[kind: string, contentType: string]> = [
  ["charset-utf-8", "application/json; charset=utf-8"],
  ["charset-in-upper-case-without-space", "application/json;charset=UTF-8"],
  ["charset-quoted", 'application/json; charset="utf-8"'],
  ["type-in-upper-case", "Application/JSON"],
];

/** Content-Types that are not `application/json`. */
export const otherMediaType: Array<[kind: string, contentType: string]> = [
  ["form-urlencoded", "application/x-www-form-urlencoded"],
  ["text-json", "text/json"],
];

/** Every media-type probe of the context's operations. */
export function mediaTypeProbes(context: BoundaryContext): Probe[] {
  return context.operations.flatMap((operation) => {
    const fresh = () => freshBody(operation, context.credentials);
    const probe = (kind: string, title: string, contentType: string, expect: Probe["steps"][number]["expect"]) =>
      oneStep(
        "media_types",
        `media/${kind}`,
        operation,
        title,
        stepOf(operation, signed(operation, fresh(), context.credentials, { contentType }), expect),
      );
    const probes = [
      ...sameMediaType.map(([kind, contentType]) =>
        probe(kind, `Content-Type ${contentType}: accepted`, contentType, acceptedBy(operation)),
      ),
      ...otherMediaType.map(([kind, contentType]) =>
        probe(kind, `Content-Type ${contentType}: 415 V.04`, contentType, refusedWith(415, "V.04")),
      ),
      probe(
        "other-charset",
        "Content-Type application/json; charset=iso-8859-1: 415 V.04",
        "application/json; charset=iso-8859-1",
        unlessLenient(context, operation, refusedWith(415, "V.04")),
      ),
    ];
    const field = freeTextField(operation);
    if (field) {
      const request = signed(operation, withValueAt(fresh(), field.pointer, "caf\u00e9"), context.credentials, {
        bytes: (raw) => Buffer.from(raw, "latin1"),
      });
      probes.push(
        oneStep(
          "media_types",
          "encoding/latin-1-bytes",
          operation,
          `a correctly signed body whose ${field.pointer} is Latin-1, not UTF-8 (the byte 0xE9): 400 V.01`,
          stepOf(operation, request, refusedWith(400, "V.01")),
        ),
      );
    }
    return probes;
  });
}
