/**
 * `node --import tsx src/certify/rules-page.ts [--check]`: writes the rules page
 * (`src/contract/rules/README.md`) from the rule inventory and the probes of both testers,
 * the contract tester's and this kit's (which is why it lives here: the kit may import the
 * contract tester, not the other way round). With `--check` it writes nothing and exits 1
 * when the page is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { allOperations, bundledSpec } from "../contract/bundle.js";
import { DEFAULT_TOLERANCE_SECONDS } from "../contract/boundaries/index.js";
import { sentProbes, type SentProbe } from "../contract/rules/coverage.js";
import { rules } from "../contract/rules/inventory.js";
import { renderRulesPage, RULES_PAGE } from "../contract/rules/page.js";
import { contractProbes, inventoryCredentials } from "../contract/rules/probes.js";
import { normativeSentences } from "../contract/rules/sentences.js";
import { repoRoot } from "../spec-document.js";
import { certificationChecks } from "./checks.js";

/** Every probe of both testers, as the inventory sees them. */
export function inventoryProbes(): SentProbe[] {
  const certify = allOperations.filter((operation) => operation.implementedBy === "operator").flatMap((operation) => certificationChecks(operation, inventoryCredentials, DEFAULT_TOLERANCE_SECONDS).map((check) => check.probe));
  return [...sentProbes(contractProbes(), "contract"), ...sentProbes(certify, "certify")];
}

/** The rules page as it should read now. */
export function currentRulesPage(probes: readonly SentProbe[] = inventoryProbes()): string {
  return renderRulesPage({ rules, sentences: normativeSentences(bundledSpec), probes, bundle: bundledSpec, operations: allOperations });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = join(repoRoot, RULES_PAGE);
  const page = currentRulesPage();
  if (process.argv.includes("--check")) {
    const same = readFileSync(file, "utf8") === page;
    console.log(same ? `${RULES_PAGE} is up to date` : `${RULES_PAGE} is out of date: run node --import tsx src/certify/rules-page.ts`);
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(file, page);
    console.log(`wrote ${RULES_PAGE}`);
  }
}
