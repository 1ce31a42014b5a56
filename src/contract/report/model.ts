/**
 * The report model shared by the contract tester and the certification kit: test cases
 * grouped into suites (a check, or a certification category), each passed, failed,
 * skipped or passed with a warning, with the text that explains it (what was sent, as a
 * reproduction that prints no secret, and what came back).
 */

/** The outcome of one reported case. */
export type Outcome = "passed" | "failed" | "skipped" | "warning";

/** One reported case. */
export interface ReportCase {
  /** The suite: a check (`ignored_auth`) or a category (`signature security`). */
  suite: string;
  name: string;
  outcome: Outcome;
  /** One line: why it failed, was skipped or warned. */
  message?: string;
  /** Longer text: the exchanges, reproductions. */
  details?: string;
  /** Time taken, seconds. */
  seconds?: number;
}

/** A whole report. */
export interface Report {
  /** e.g. `Lucky Monaco contract tests`. */
  title: string;
  /** Lines about the run: target, seed, budget, rate. */
  summary: string[];
  /** What the failures most likely come from (a wrong secret, a wrong URL, a clock that is off), shown first: on the console, in the HTML and in the JUnit report. */
  hints?: string[];
  cases: ReportCase[];
}

/** The counts of a report's cases by outcome. */
export function countOutcomes(cases: readonly ReportCase[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { passed: 0, failed: 0, skipped: 0, warning: 0 };
  for (const entry of cases) counts[entry.outcome] += 1;
  return counts;
}

/** The suites of a report in first-seen order, with their cases. */
export function bySuite(cases: readonly ReportCase[]): Map<string, ReportCase[]> {
  const suites = new Map<string, ReportCase[]>();
  for (const entry of cases) suites.set(entry.suite, [...(suites.get(entry.suite) ?? []), entry]);
  return suites;
}
