/**
 * credential_variants: credentials that are nearly right must be refused with 401 `G.00`
 * (spec: "Order of checks", step 3; signing guide, "Verifying": compare the whole value,
 * timing-safe; the `HASH` and `BodyHash` schemas: lowercase hex). For `HASH`, the body
 * `hash` and the Kyren token: the right value cut to its first character, cut short by
 * one, its first half, one character off, one character longer, empty, in the other case
 * (`signature-variants.ts`), and missing. For `MEMB_ID` and Kyren's `secureLogin`: missing,
 * empty, cut short, in the other case (an id that names no partner).
 *
 * A parameter given twice is not described by the spec: each copy the right one, or one
 * of them wrong, may be accepted or refused with 401 `G.00`, but never answered with a
 * 5xx or outside the contract.
 */
import type { OperationFacts } from "../../shared/spec-types.js";
import { bodyCredentialFields } from "../generate/body-roles.js";
import type { Expectation, Probe } from "../types.js";
import { signatureVariants, swapAsciiCase, variantsFor } from "../signature-variants.js";
import { signed, type Body, type SignOptions } from "../signed-requests.js";
import { freshBody } from "./bodies.js";
import { acceptedBy, oneStep, refusedWith, stepOf, type BoundaryContext } from "./context.js";

const refused = refusedWith(401, "G.00");
const acceptedOrRefused = (operation: OperationFacts) => ({ ...acceptedBy(operation), orElse: [{ status: 401, code: "G.00" as const }] });

function probe(
  operation: OperationFacts,
  context: BoundaryContext,
  kind: string,
  title: string,
  options: SignOptions,
  change: (body: Body) => Body = (body) => body,
  expect: Expectation = refused,
): Probe {
  const request = signed(operation, change(freshBody(operation, context.credentials)), context.credentials, options);
  return oneStep(
    "credential_variants",
    `credentials/${kind}`,
    operation,
    `${title}: ${expect === refused ? "401 G.00" : "accepted or 401 G.00, never another answer"}`,
    stepOf(operation, request, expect),
  );
}

/** The probes of `MEMB_ID` + `HASH` (operations signed with them). */
function signatureProbes(operation: OperationFacts, context: BoundaryContext): Probe[] {
  const { memberId } = context.credentials;
  const probes = variantsFor("0123456789abcdef".repeat(4)).map((variant) =>
    probe(operation, context, `HASH/${variant.name}`, `HASH ${variant.what}`, { hashVariant: variant }),
  );
  probes.push(
    probe(operation, context, "HASH/missing", "MEMB_ID without HASH", { omit: "HASH" }),
    probe(operation, context, "MEMB_ID/missing", "HASH without MEMB_ID", { omit: "MEMB_ID" }),
    probe(operation, context, "MEMB_ID/empty", "MEMB_ID empty", { memberId: "" }),
  );
  if (memberId.length > 1)
    probes.push(
      probe(operation, context, "MEMB_ID/truncated", "MEMB_ID without its last character (HASH keyed with the partner secret)", {
        memberId: memberId.slice(0, -1),
      }),
    );
  if (swapAsciiCase(memberId) !== memberId)
    probes.push(
      probe(operation, context, "MEMB_ID/other-case", "MEMB_ID with the case of its letters swapped (HASH keyed with the partner secret)", {
        memberId: swapAsciiCase(memberId),
      }),
    );
  const zeros = "0".repeat(64);
  probes.push(
    probe(
      operation,
      context,
      "HASH/given-twice",
      "HASH given twice, the right one both times",
      {
        queryPairs: [
          ["MEMB_ID", { MEMB_ID: true }],
          ["HASH", { HASH: true }],
          ["HASH", { HASH: true }],
        ],
      },
      undefined,
      acceptedOrRefused(operation),
    ),
    probe(
      operation,
      context,
      "HASH/twice-wrong-first",
      "HASH given twice, a wrong one then the right one",
      {
        queryPairs: [
          ["MEMB_ID", { MEMB_ID: true }],
          ["HASH", zeros],
          ["HASH", { HASH: true }],
        ],
      },
      undefined,
      acceptedOrRefused(operation),
    ),
    probe(
      operation,
      context,
      "HASH/twice-wrong-last",
      "HASH given twice, the right one then a wrong one",
      {
        queryPairs: [
          ["MEMB_ID", { MEMB_ID: true }],
          ["HASH", { HASH: true }],
          ["HASH", zeros],
        ],
      },
      undefined,
      acceptedOrRefused(operation),
    ),
    probe(
      operation,
      context,
      "MEMB_ID/given-twice",
      "MEMB_ID given twice, the right one both times",
      {
        queryPairs: [
          ["MEMB_ID", { MEMB_ID: true }],
          ["MEMB_ID", { MEMB_ID: true }],
          ["HASH", { HASH: true }],
        ],
      },
      undefined,
      acceptedOrRefused(operation),
    ),
  );
  return probes;
}

/** The probes of the body `hash`, with a right `HASH` over the bytes sent. */
function bodyHashProbes(operation: OperationFacts, context: BoundaryContext): Probe[] {
  return [
    ...variantsFor("0123456789abcdef".repeat(2)).map((variant) =>
      probe(operation, context, `body-hash/${variant.name}`, `the body hash ${variant.what} (HASH right)`, { bodyHashVariant: variant }),
    ),
    probe(operation, context, "body-hash/missing", "no body hash (HASH right)", { bodyHashField: "missing" }),
    probe(operation, context, "body-hash/null", "the body hash null (HASH right)", { bodyHashField: "null" }),
  ];
}

/** The probes of credentials in the body (Kyren's `secureLogin` + `token`). */
function bodyCredentialProbes(operation: OperationFacts, context: BoundaryContext, loginField: string, tokenField: string): Probe[] {
  const { memberId, kyrenToken } = context.credentials;
  const probes = variantsFor(kyrenToken).map((variant) =>
    probe(operation, context, `${tokenField}/${variant.name}`, `${tokenField} ${variant.what}`, { kyrenTokenVariant: variant }),
  );
  const without = (field: string) => (body: Body) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));
  probes.push(
    probe(operation, context, `${tokenField}/missing`, `no ${tokenField}`, {}, without(tokenField)),
    probe(operation, context, `${tokenField}/not-a-string`, `${tokenField} a number`, {}, (body) => ({ ...body, [tokenField]: 12345 })),
    probe(operation, context, `${loginField}/empty`, `${loginField} empty`, {}, (body) => ({ ...body, [loginField]: "" })),
  );
  if (memberId.length > 1)
    probes.push(
      probe(operation, context, `${loginField}/truncated`, `${loginField} without its last character`, {}, (body) => ({
        ...body,
        [loginField]: memberId.slice(0, -1),
      })),
    );
  if (swapAsciiCase(memberId) !== memberId)
    probes.push(
      probe(operation, context, `${loginField}/other-case`, `${loginField} with the case of its letters swapped`, {}, (body) => ({
        ...body,
        [loginField]: swapAsciiCase(memberId),
      })),
    );
  return probes;
}

/** The credential probes of every operation, as its authentication has them. */
export function credentialProbes(context: BoundaryContext): Probe[] {
  return context.operations.flatMap((operation) => {
    const probes: Probe[] = [];
    if (operation.signedWithHash) probes.push(...signatureProbes(operation, context));
    if (operation.bodyHash) probes.push(...bodyHashProbes(operation, context));
    const [loginField, tokenField] = bodyCredentialFields(operation);
    if (loginField && tokenField) probes.push(...bodyCredentialProbes(operation, context, loginField, tokenField));
    return probes;
  });
}

/** The variant names, for the inventory: every credential is probed with each. */
export const credentialVariantNames = Object.values(signatureVariants).map((variant) => variant.name);
