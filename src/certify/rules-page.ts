/**
 * `node --import tsx src/certify/rules-page.ts [--check]`: writes the rules page
 * (`src/contract/rules/README.md`) from the rule inventory and the probes of both testers,
 * the contract tester's and this kit's (which is why it lives here: the kit may import the
 * contract tester, not the other way round). With `--check` it writes nothing and exits 1
 * when the page is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import {
  allOperations,
  currentRulesPage as pageOf,
  inventoryCredentials,
  inventoryProbes as probesOf,
  RULES_PAGE,
  type SentProbe,
} from "../contract/index.js";
import { repoRoot } from "../shared/spec-document.js";
import { certificationChecks } from "./checks.js";

/** Every probe of both testers, as the inventory sees them. */
export function inventoryProbes(): SentProbe[] {
  const operations = allOperations.filter((operation) => operation.implementedBy === "operator");
  const checks = operations.flatMap((operation) => certificationChecks(operation, inventoryCredentials, DEFAULT_TOLERANCE_SECONDS));
  return probesOf(checks.map((check) => check.probe));
}

/** The rules page as it should read now. */
export function currentRulesPage(probes: readonly SentProbe[] = inventoryProbes()): string {
  return pageOf(probes);
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
