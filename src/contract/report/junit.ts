/**
 * JUnit XML of a report, for CI (one `<testsuite>` per suite, one `<testcase>` per case;
 * a warning passes and is written to the case's `<system-out>`), built with
 * junit-report-builder. The report's hints come first: a `hints` suite with one passed
 * case per hint (its text in the name and in `<system-out>`), so that CI test views,
 * which show cases and not properties, show them too.
 */
import junitModule from "junit-report-builder";
import { bySuite, type Report } from "./model.js";

// junit-report-builder is CommonJS (`module.exports = builder`): under NodeNext its default import is that builder.
const junit = junitModule as unknown as typeof junitModule.default;

/**
 * Writes the JUnit XML of `report` to `file` (folders are created).
 *
 * @throws Error when the file cannot be written
 */
export function writeJunit(report: Report, file: string): void {
  const builder = junit.newBuilder();
  if (report.hints?.length) {
    const suite = builder.testSuite().name("hints");
    for (const hint of report.hints) suite.testCase().className(`${report.title}.hints`).name(`hint: ${hint}`).standardOutput(hint);
  }
  for (const [name, cases] of bySuite(report.cases)) {
    const suite = builder.testSuite().name(name);
    for (const entry of cases) {
      const testCase = suite
        .testCase()
        .className(`${report.title}.${name}`)
        .name(entry.name)
        .time(entry.seconds ?? 0);
      if (entry.outcome === "failed") testCase.failure(entry.message ?? "failed");
      if (entry.outcome === "skipped") testCase.skipped();
      const out = [
        entry.outcome === "warning" || entry.outcome === "skipped" ? `${entry.outcome}: ${entry.message ?? ""}` : undefined,
        entry.details,
      ]
        .filter(Boolean)
        .join("\n\n");
      if (out) testCase.standardOutput(out);
    }
  }
  builder.writeTo(file);
}
