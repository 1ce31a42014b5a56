/**
 * How far the testers' probes cover the spec: which normative sentences no rule claims,
 * which rule quotes are no longer in the spec, which rules have no probe on a side they
 * bind, and which catalog codes, documented statuses and `x-` facts of the bundle no probe
 * expects. The inventory test (`test/unit/contract/rules.test.ts`) fails on any of them;
 * the rules page (`page.ts`) shows the same tables.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { errorCatalog, type ErrorCode } from "../../../generated/error-catalog.js";
import type { OperationFacts } from "../../shared/spec-types.js";
import { repoRoot, type OpenApiDocument } from "../../shared/spec-document.js";
import { notDrivableReasons } from "../cases.js";
import type { Probe } from "../types.js";
import type { Rule, Side } from "./inventory.js";
import type { SpecSentence } from "./sentences.js";

/** A probe as the inventory sees it: its kind, the side it is sent to, and what each step expects. */
export interface SentProbe {
  kind: string;
  side: Side;
  /** Which tester sends it. */
  tester: "contract" | "certify";
  expects: Array<{ operationId?: string; status: number | "2xx"; code?: ErrorCode }>;
}

/** The inventory's view of probes. @throws Error for a probe without a kind (every probe must name one) */
export function sentProbes(probes: readonly Probe[], tester: SentProbe["tester"]): SentProbe[] {
  return probes.map((probe) => {
    if (!probe.kind) throw new Error(`probe "${probe.title}" (${probe.check}) has no kind: the rule inventory cannot refer to it`);
    return {
      kind: probe.kind,
      side: probe.steps[0]!.side,
      tester,
      expects: probe.steps.flatMap((step) =>
        [{ status: step.expect.status, code: step.expect.code }, ...(step.expect.orElse ?? [])].map((answer) => ({
          operationId: step.operationId,
          ...answer,
        })),
      ),
    };
  });
}

/** The probes a rule's probe reference names: a kind, or every kind that starts with a prefix ending in `*`. */
export const matching = (reference: string, probes: readonly SentProbe[]) =>
  probes.filter((probe) => (reference.endsWith("*") ? probe.kind.startsWith(reference.slice(0, -1)) : probe.kind === reference));

/** Normative sentences no rule claims. */
export function unclaimedSentences(rules: readonly Rule[], sentences: readonly SpecSentence[]): SpecSentence[] {
  const quotes = rules.flatMap((rule) => rule.says);
  return sentences.filter((sentence) => !quotes.some((quote) => sentence.text.includes(quote)));
}

/** Quotes that are in no normative sentence any more: `rule id: quote`. */
export function staleQuotes(rules: readonly Rule[], sentences: readonly SpecSentence[]): string[] {
  return rules.flatMap((rule) =>
    rule.says.filter((quote) => !sentences.some((sentence) => sentence.text.includes(quote))).map((quote) => `${rule.id}: ${quote}`),
  );
}

/** What is wrong with the rules themselves: no way of checking, a probe reference nothing matches, a side without probes, a test file that does not exist. */
export function ruleProblems(rules: readonly Rule[], probes: readonly SentProbe[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const rule of rules) {
    if (ids.has(rule.id)) problems.push(`${rule.id}: the id is used twice`);
    ids.add(rule.id);
    if (!rule.probes?.length && !rule.elsewhere && !rule.notTested)
      problems.push(`${rule.id}: no probes, no test elsewhere and no reason why not`);
    if (rule.elsewhere && !existsSync(join(repoRoot, rule.elsewhere.test)))
      problems.push(`${rule.id}: ${rule.elsewhere.test} does not exist`);
    for (const reference of rule.probes ?? []) {
      if (!matching(reference, probes).length) problems.push(`${rule.id}: no probe of kind ${reference}`);
    }
    if (rule.probes?.length) {
      for (const side of rule.sides) {
        if (!rule.probes.some((reference) => matching(reference, probes).some((probe) => probe.side === side)))
          problems.push(`${rule.id}: no probe is sent to the ${side} side`);
      }
    }
  }
  return problems;
}

/** Catalog codes no probe expects, except those a rule explains (`excused`: code → why). */
export function uncoveredCodes(probes: readonly SentProbe[], excused: Partial<Record<ErrorCode, string>>): ErrorCode[] {
  const expected = new Set(probes.flatMap((probe) => probe.expects.map((answer) => answer.code)));
  return (Object.keys(errorCatalog) as ErrorCode[]).filter((code) => !expected.has(code) && !excused[code]);
}

/** Documented statuses of each operation that no probe expects of it (`excused`: status → why): `operationId status`. */
export function uncoveredStatuses(
  operations: readonly OperationFacts[],
  probes: readonly SentProbe[],
  excused: Record<number, string>,
): string[] {
  const expected = new Set(
    probes.flatMap((probe) => probe.expects.map((answer) => `${answer.operationId} ${answer.status === "2xx" ? 200 : answer.status}`)),
  );
  return operations.flatMap((operation) =>
    operation.statuses
      .filter((status) => !excused[status] && !expected.has(`${operation.operationId} ${status}`))
      .map((status) => `${operation.operationId} ${status}`),
  );
}

/** Every `x-` key of the bundle, with the JSON pointers where it stands. */
export function extensionsOf(bundle: OpenApiDocument): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (node: unknown, pointer: string) => {
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) walk(child, `${pointer}/${index}`);
      return;
    }
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      const child = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (key.startsWith("x-")) found.set(key, [...(found.get(key) ?? []), child]);
      walk(value, child);
    }
  };
  walk(bundle, "");
  return found;
}

/** How one `x-` extension of the spec is checked: the gaps it finds (empty: covered). */
export type ExtensionCheck = (context: {
  bundle: OpenApiDocument;
  operations: readonly OperationFacts[];
  probes: readonly SentProbe[];
}) => string[];

/** An `x-` extension: what it states, and its check. */
export interface ExtensionFact {
  states: string;
  check: ExtensionCheck;
}

/** A code whose status no request can cause from outside (cases.ts `notDrivableReasons`: G.01, G.08). */
const notDrivable = (code: ErrorCode) => errorCatalog[code].status in notDrivableReasons;
const expects = (probes: readonly SentProbe[], operationId: string, code: ErrorCode) =>
  probes.some((probe) => probe.expects.some((answer) => answer.operationId === operationId && answer.code === code));
const kindOn = (probes: readonly SentProbe[], kind: string, side: Side) =>
  probes.some((probe) => probe.kind === kind && probe.side === side);
const kindFor = (probes: readonly SentProbe[], kind: string, operationId: string) =>
  probes.some((probe) => probe.kind === kind && probe.expects.some((answer) => answer.operationId === operationId));

/**
 * Every `x-` extension the spec uses, and how the inventory checks that probes cover what
 * it states. A new extension in the spec fails the inventory test until it is added here.
 */
export const extensionFacts: Record<string, ExtensionFact> = {
  "x-error-codes": {
    states:
      "the catalog codes an operation may answer: each one (but those no request can cause: G.01, G.08) is expected of that operation by some probe",
    check: ({ operations, probes }) =>
      operations.flatMap((operation) =>
        operation.errorCodes
          .filter((code) => !notDrivable(code as ErrorCode) && !expects(probes, operation.operationId, code as ErrorCode))
          .map((code) => `${operation.operationId}: no probe expects ${code}`),
      ),
  },
  "x-refused-values": {
    states: "values the schema allows and the operation refuses: each one is sent by a values/refused-value probe that expects its code",
    check: ({ operations, probes }) =>
      operations.flatMap((operation) =>
        operation.refusedValues
          .filter(() => !kindFor(probes, "values/refused-value", operation.operationId))
          .map((refusal) => `${operation.operationId}${refusal.pointer} ${JSON.stringify(refusal.value)}: no values/refused-value probe`),
      ),
  },
  "x-error-envelope": {
    states:
      "where the code and message sit in each failure schema: every operation gets failure probes, whose answers are held to the envelope",
    check: ({ operations, probes }) =>
      operations
        .filter(
          (operation) =>
            !probes.some((probe) =>
              probe.expects.some(
                (answer) => answer.operationId === operation.operationId && typeof answer.status === "number" && answer.status >= 400,
              ),
            ),
        )
        .map((operation) => `${operation.operationId}: no probe expects a failure in its ${operation.errorEnvelope.schema} envelope`),
  },
  "x-default-error-envelope": {
    states: "the envelope of the answers before routing: unknown paths are probed on both sides",
    check: ({ probes }) =>
      (["provider", "operator"] as const)
        .filter((side) => !kindOn(probes, "routing/unknown-path", side))
        .map((side) => `no unknown-path probe on the ${side} side`),
  },
  "x-max-request-body-bytes": {
    states: "the largest body: every operation gets a body of exactly that size (accepted) and one byte more (413 V.03)",
    check: ({ operations, probes }) =>
      operations.flatMap((operation) =>
        ["size/at-limit", "size/one-over-limit"]
          .filter((kind) => !kindFor(probes, kind, operation.operationId))
          .map((kind) => `${operation.operationId}: no ${kind} probe`),
      ),
  },
  "x-implemented-by": {
    states: "who serves each operation: its probes go to that side",
    check: ({ operations, probes }) =>
      operations.flatMap((operation) => {
        const sides = new Set(
          probes.filter((probe) => probe.expects.some((answer) => answer.operationId === operation.operationId)).map((probe) => probe.side),
        );
        return sides.size === 1 && sides.has(operation.implementedBy)
          ? []
          : [`${operation.operationId}: probes go to ${[...sides].join(", ") || "no side"}, not only ${operation.implementedBy}`];
      }),
  },
  "x-error-catalog": {
    states:
      "the catalog: every code is expected by some probe (G.01 and G.08 excepted), and each scope: transport code by a probe before routing on both sides",
    check: ({ probes }) =>
      (Object.entries(errorCatalog) as Array<[ErrorCode, { scope?: string }]>)
        .filter(([, entry]) => entry.scope === "transport")
        .flatMap(([code]) =>
          (["provider", "operator"] as const)
            .filter(
              (side) =>
                !probes.some(
                  (probe) =>
                    probe.side === side &&
                    (probe.kind === `routing/${code}` ||
                      probe.expects.some((answer) => answer.code === code && answer.operationId === undefined)),
                ),
            )
            .map((side) => `${code}: no probe before routing on the ${side} side`),
        ),
  },
  "x-codeSamples": {
    states:
      "the docs' code samples: each one is run as pasted, and each receiver sample is certified, by test/integration/docs/code-samples.test.ts",
    check: () =>
      existsSync(join(repoRoot, "test/integration/docs/code-samples.test.ts"))
        ? []
        : ["test/integration/docs/code-samples.test.ts is missing"],
  },
  "x-generated-page": { states: "a docs page rendered from data (the signing vectors, the error catalog): presentation", check: () => [] },
  "x-traitTag": { states: "a guide page in the docs' side menu: presentation", check: () => [] },
  "x-tagGroups": { states: "the docs' side menu groups: presentation", check: () => [] },
  "x-generated": {
    states: "the bundle's own note that it is generated (drift-checked by test/unit/codegen/generated.test.ts): no behaviour",
    check: () => [],
  },
};

/** Extensions of the bundle that `extensionFacts` does not know. */
export const unknownExtensions = (bundle: OpenApiDocument) => [...extensionsOf(bundle).keys()].filter((key) => !(key in extensionFacts));

/** The codes no request can cause from outside, with why: those of the statuses cases.ts cannot drive. */
export const undrivableCodes: Partial<Record<ErrorCode, string>> = Object.fromEntries(
  (Object.entries(errorCatalog) as Array<[ErrorCode, { status: number }]>)
    .filter(([, entry]) => entry.status in notDrivableReasons)
    .map(([code, entry]) => [code, notDrivableReasons[entry.status]!]),
);
