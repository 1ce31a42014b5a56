/**
 * What both testers' CLIs do with a report: a console line per suite (a check, or a
 * certification category) with its counts, each failed case and each warning under it,
 * and the two report files, `report.html` and `junit.xml`, in one folder.
 */
import { join } from "node:path";
import { writeHtml } from "./html.js";
import { writeJunit } from "./junit.js";
import { bySuite, countOutcomes, type Report } from "./model.js";

/** How `consoleLines` lays a report out. */
export interface ConsoleOptions {
  /** The width the suite names are padded to, characters. */
  suiteWidth: number;
  /** At most this many characters of failure details in all (the HTML report has them all); default: no limit. */
  detailsBudget?: number;
}

/**
 * The console lines of a report: per suite `✓ <suite> N passed` (warnings count as
 * passed), or `✗ <suite> N passed, M FAILED`, then `, W warnings` and `, S skipped`
 * where there are some; under it each failed case (`✗ name: message`, its details
 * indented, within the budget) and each warning (`! name: message`).
 */
export function consoleLines(report: Report, options: ConsoleOptions): string[] {
  const lines: string[] = [];
  let budget = options.detailsBudget ?? Number.POSITIVE_INFINITY;
  for (const [suite, cases] of bySuite(report.cases)) {
    const counts = countOutcomes(cases);
    const failed = counts.failed ? `, ${counts.failed} FAILED` : "";
    const warnings = counts.warning ? `, ${counts.warning} warnings` : "";
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : "";
    const passed = `${counts.passed + counts.warning} passed`;
    lines.push(`${counts.failed ? "✗" : "✓"} ${suite.padEnd(options.suiteWidth)} ${passed}${failed}${warnings}${skipped}`);
    for (const entry of cases.filter((candidate) => candidate.outcome === "failed" || candidate.outcome === "warning")) {
      lines.push(`    ${entry.outcome === "failed" ? "✗" : "!"} ${entry.name}: ${entry.message}`);
      if (entry.outcome !== "failed" || !entry.details || budget <= 0) continue;
      lines.push(entry.details.slice(0, budget).replace(/^/gm, "      "));
      budget -= entry.details.length;
    }
  }
  return lines;
}

/**
 * Writes `report.html` and `junit.xml` of `report` into `dir` (created when missing).
 *
 * @returns the paths of the two files
 */
export function writeReports(report: Report, dir: string): { html: string; junit: string } {
  const files = { html: join(dir, "report.html"), junit: join(dir, "junit.xml") };
  writeHtml(report, files.html);
  writeJunit(report, files.junit);
  return files;
}
