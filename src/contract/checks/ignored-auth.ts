/**
 * ignored_auth: valid bodies whose credentials, signature or freshness are broken must
 * be refused with 401: `G.00` for a wrong `HASH`, a missing one, an unknown `MEMB_ID`,
 * a body changed after signing, a body `hash` keyed with a wrong secret, a wrong or
 * missing Kyren token or an unknown Kyren `secureLogin`; `G.04` for a correctly signed
 * `timestamp` 600 s in the past or in the future (twice the default tolerance of 300 s).
 * Source: the spec's "Order of checks", step 3, and each operation's security.
 */
import type { ErrorCode } from "../../../generated/error-catalog.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { bodyCredentialFields, nowSeconds, refusalOf, refusals, roleFields } from "../generate/body-roles.js";
import { requestSchema } from "../bundle.js";
import { derivedSeed, validBodies } from "../generate/request-bodies.js";
import { flatten, type Schema } from "../generate/schema-arbitrary.js";
import type { Probe } from "../types.js";
import { signed, tampered, wrongSecret, type Body, type CaseRequest, type Credentials } from "../signed-requests.js";
import { generatedOperations, type GenerationContext } from "./context.js";

/** How far from the clock a stale (or future) `timestamp` is, seconds: twice the default tolerance. */
export const STALE_SECONDS = 600;

/** One way to break authentication, and the code that answers it. */
export interface AuthBreak {
  /** Stable short name, e.g. `wrong-hash-secret` (the probe's kind is `auth/<name>`). */
  name: string;
  what: string;
  code: ErrorCode;
  request(operation: OperationFacts, body: Body, credentials: Credentials): CaseRequest;
}

/**
 * The top-level string field a man in the middle changes: data (not signing, freshness,
 * credentials or the idempotency key), preferably free text (no enum), so that the
 * changed body is still valid and only the signature can tell.
 */
function dataField(operation: OperationFacts, body: Body): string | undefined {
  const roles = roleFields(operation);
  const properties = (flatten(requestSchema(operation), operation.operationId).properties ?? {}) as Record<string, Schema>;
  const candidates = Object.keys(body).filter((key) => typeof body[key] === "string" && !roles.has(key) && key !== "uuid");
  return candidates.find((key) => !properties[key] || !flatten(properties[key]!, key).enum) ?? candidates[0];
}

const withTimestamp = (body: Body, offset: number): Body => ({ ...body, timestamp: nowSeconds() + offset });

/** The breaks that apply to an operation (signed with `MEMB_ID` + `HASH`, with a body `hash`, with credentials in the body, with `timestamp`). */
export function authBreaks(operation: OperationFacts, body: Body): AuthBreak[] {
  const breaks: AuthBreak[] = [];
  if (operation.signedWithHash) {
    breaks.push(
      {
        name: "wrong-hash-secret",
        what: "HASH keyed with a wrong secret",
        code: "G.00",
        request: (op, b, c) => signed(op, b, c, { wrongHashSecret: true }),
      },
      { name: "no-signature", what: "no MEMB_ID and no HASH", code: "G.00", request: (op, b, c) => signed(op, b, c, { unsigned: true }) },
      {
        name: "unknown-member-id",
        what: "an unknown MEMB_ID (HASH keyed with the partner secret)",
        code: "G.00",
        request: (op, b, c) => signed(op, b, c, { memberId: `${c.memberId}-unknown-partner` }),
      },
    );
    const field = dataField(operation, body);
    if (field) {
      breaks.push({
        name: "body-changed-after-signing",
        what: `the body changed after signing (${field})`,
        code: "G.00",
        request: (op, b, c) =>
          tampered(
            op,
            b,
            c,
            (changed) => (changed[field] = `${String(changed[field]).slice(0, -1)}${String(changed[field]).endsWith("a") ? "b" : "a"}`),
          ),
      });
    }
  }
  if (operation.bodyHash)
    breaks.push({
      name: "wrong-body-hash-secret",
      what: "body hash keyed with a wrong secret",
      code: "G.00",
      request: (op, b, c) => signed(op, b, c, { wrongBodyHashSecret: true }),
    });
  const [loginField, tokenField] = bodyCredentialFields(operation);
  if (loginField && tokenField) {
    breaks.push(
      {
        name: "wrong-token",
        what: `a wrong ${tokenField}`,
        code: "G.00",
        request: (op, b, c) => signed(op, { ...b, [tokenField]: wrongSecret(c.kyrenToken) }, c),
      },
      {
        name: "unknown-secure-login",
        what: `an unknown ${loginField}`,
        code: "G.00",
        request: (op, b, c) => signed(op, { ...b, [loginField]: `${c.memberId}-unknown-partner` }, c),
      },
      {
        name: "no-token",
        what: `no ${tokenField}`,
        code: "G.00",
        request: (op, b, c) => signed(op, Object.fromEntries(Object.entries(b).filter(([key]) => key !== tokenField)), c),
      },
    );
  }
  if (operation.timestamp) {
    breaks.push(
      {
        name: "stale",
        what: `correctly signed, timestamp ${STALE_SECONDS} s old`,
        code: "G.04",
        request: (op, b, c) => signed(op, withTimestamp(b, -STALE_SECONDS), c),
      },
      {
        name: "ahead",
        what: `correctly signed, timestamp ${STALE_SECONDS} s ahead`,
        code: "G.04",
        request: (op, b, c) => signed(op, withTimestamp(b, STALE_SECONDS), c),
      },
    );
  }
  return breaks;
}

/** ignored_auth: at least one probe per break and operation, `cases` in all per operation. */
export function ignoredAuthProbes(context: GenerationContext): Probe[] {
  return generatedOperations().flatMap((operation) => {
    // Bodies the operation accepts, so that an implementation ignoring a break answers 2xx, plainly.
    const refused = refusals(operation);
    const bodies = validBodies(
      operation,
      context.credentials,
      Math.max(context.cases, 16) * 2,
      derivedSeed(context.seed, "ignored_auth", operation.operationId),
    ).filter((body) => !refusalOf(body, refused));
    const count = Math.max(context.cases, authBreaks(operation, bodies[0]!).length);
    return bodies.slice(0, count).map((body, index): Probe => {
      const breaks = authBreaks(operation, body);
      const broken = breaks[index % breaks.length]!;
      return {
        check: "ignored_auth",
        kind: `auth/${broken.name}`,
        subject: operation.operationId,
        title: `${broken.what} (${broken.code})`,
        steps: [
          {
            side: operation.implementedBy,
            operationId: operation.operationId,
            request: broken.request(operation, body, context.credentials),
            expect: { status: 401, code: broken.code },
          },
        ],
      };
    });
  });
}
