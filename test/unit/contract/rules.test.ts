// The rule inventory (src/contract/rules/): every normative sentence of the spec is
// claimed by a rule, every rule is checked (by probes sent to each side it binds, by
// another test, or it says why not), and every catalog code, documented status and x-
// extension of the bundle is expected by some probe. A new rule written in the spec is a
// sentence nobody claims, so it fails here until it has a rule and a probe. The rules
// page is generated from the inventory and must be up to date.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { currentRulesPage, inventoryProbes } from "../../../src/certify/rules-page.js";
import { allOperations, bundledSpec } from "../../../src/contract/bundle.js";
import {
  extensionFacts,
  ruleProblems,
  staleQuotes,
  unclaimedSentences,
  uncoveredCodes,
  uncoveredStatuses,
  undrivableCodes,
  unknownExtensions,
} from "../../../src/contract/rules/coverage.js";
import { notDrivableReasons } from "../../../src/contract/cases.js";
import { rules } from "../../../src/contract/rules/inventory.js";
import { RULES_PAGE } from "../../../src/contract/rules/page.js";
import { normativeSentences, sentencesOf, isNormative } from "../../../src/contract/rules/sentences.js";
import { repoRoot } from "../../../src/shared/spec-document.js";

const sentences = normativeSentences(bundledSpec);
const probes = inventoryProbes();
const howTo =
  "add a rule to src/contract/rules/inventory.ts (or a quote to an existing one) with the probes that check it, then run node --import tsx src/certify/rules-page.ts";

describe("the rule inventory", () => {
  it("reads the spec's normative sentences: the order of checks, the signing guide, the go-live checklist, schemas and the catalog", () => {
    const where = new Set(sentences.map((sentence) => sentence.pointer.split("/").slice(0, 3).join("/")));
    for (const place of ["/info/description", "/components/schemas", "/paths/~1api~1session"])
      expect(
        [...where].some((pointer) => pointer.startsWith(place)),
        place,
      ).toBe(true);
    expect(sentences.some((sentence) => sentence.pointer.includes("x-error-catalog"))).toBe(true);
    expect(sentences.length).toBeGreaterThan(200);
  });

  it("claims every normative sentence of the spec", () => {
    expect(
      unclaimedSentences(rules, sentences).map((sentence) => `${sentence.pointer}: ${sentence.text}`),
      howTo,
    ).toEqual([]);
  });

  it("quotes only sentences the spec still has", () => {
    expect(staleQuotes(rules, sentences), "a quoted sentence changed: check the rule still holds, then quote the new text").toEqual([]);
  });

  it("checks every rule: probes sent to each side it binds, a test elsewhere, or a reason", () => {
    expect(ruleProblems(rules, probes)).toEqual([]);
  });

  it("has a probe that expects every catalog code but those no request can cause (G.01, G.08)", () => {
    expect(Object.keys(undrivableCodes).sort()).toEqual(["G.01", "G.08"]);
    expect(uncoveredCodes(probes, undrivableCodes)).toEqual([]);
  });

  it("has a probe that expects every documented status of every operation but 500 and 503", () => {
    expect(uncoveredStatuses(allOperations, probes, notDrivableReasons)).toEqual([]);
  });

  it("knows every x- extension of the spec, and probes cover what each states", () => {
    expect(
      unknownExtensions(bundledSpec),
      "a new x- extension: say in extensionFacts (src/contract/rules/coverage.ts) how probes cover it",
    ).toEqual([]);
    const gaps = Object.entries(extensionFacts).flatMap(([key, fact]) =>
      fact.check({ bundle: bundledSpec, operations: allOperations, probes }).map((gap) => `${key}: ${gap}`),
    );
    expect(gaps).toEqual([]);
  });

  it("is shown on the generated rules page, which is up to date", () => {
    expect(
      readFileSync(join(repoRoot, RULES_PAGE), "utf8"),
      `${RULES_PAGE} is out of date: run node --import tsx src/certify/rules-page.ts`,
    ).toBe(currentRulesPage(probes));
  });
});

describe("the sentence reader", () => {
  it("cuts prose into sentences, list items and table rows, without code", () => {
    const text =
      "First rule: it is 401 `G.00`. Second one must hold.\n\n1. an item that is refused;\n2. another\n\n| a | b |\n|---|---|\n| row one | is ignored |\n\n```sh\ncurl must not count\n```";
    expect(sentencesOf(text)).toEqual([
      "First rule: it is 401 `G.00`.",
      "Second one must hold.",
      "an item that is refused;",
      "another",
      "a | b",
      "row one | is ignored",
    ]);
  });

  it("keeps what names a status, a code or a normative word", () => {
    expect(["It is 413.", "Answer G.04.", "Refuses it.", "Receivers must ignore it.", "Pick a language."].map(isNormative)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it("fails when a new rule is written in the spec: an unclaimed sentence", () => {
    const withNewRule = structuredClone(bundledSpec);
    (withNewRule as unknown as { info: { description: string } }).info.description +=
      "\n\nA body with a byte-order mark must be refused with 400 `V.01`.";
    expect(unclaimedSentences(rules, normativeSentences(withNewRule)).map((sentence) => sentence.text)).toEqual([
      "A body with a byte-order mark must be refused with 400 `V.01`.",
    ]);
  });
});
