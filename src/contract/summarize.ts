/**
 * From probe results to report cases and console text: findings grouped by check and
 * subject (the operation, or the side for requests of no operation), each failure shown
 * with its exchanges, every request as a ready-to-run reproduction (`reproduce.ts`).
 */
import type { Exchange, ProbeResult } from "./types.js";
import { answerChecks, type CheckName } from "./types.js";
import type { ReportCase } from "./report/model.js";
import { rawReproduction, reproduction, type ReproductionContext } from "./reproduce.js";

/** How to reproduce the requests sent to a base URL. */
export type ReproductionContexts = (exchange: Exchange) => ReproductionContext;

/** Failures shown in full per report case; the rest are counted. */
const SHOWN_FAILURES = 3;

/** The text of one exchange: the reproduction, then the answer (or the network error). */
export function exchangeText(exchange: Exchange, contexts: ReproductionContexts): string {
  const step = exchange.step;
  const sent =
    step.raw !== undefined
      ? rawReproduction(step.raw, exchange.baseUrl)
      : reproduction(step.request!, contexts(exchange), Math.floor(exchange.sentAt / 1000));
  const answer = exchange.answer
    ? `→ ${exchange.answer.status} (${Math.round(exchange.ms)} ms) Content-Type: ${exchange.answer.headers["content-type"] ?? "(none)"}\n${exchange.answer.text.slice(0, 2000)}`
    : `→ no answer: ${exchange.error}`;
  return `${sent}\n${answer}`;
}

/** The text of a failed probe: its title, its findings, and every exchange. */
export function failureText(result: ProbeResult, contexts: ReproductionContexts): string {
  const findings = result.findings.map((finding) => `  ${finding.check}: ${finding.message}`).join("\n");
  const exchanges = result.exchanges
    .map((exchange, index) => `# request ${index + 1} of ${result.exchanges.length}\n${exchangeText(exchange, contexts)}`)
    .join("\n\n");
  return `${result.probe.title}\n${findings}\n\n${exchanges}`;
}

/** Checks whose cases are reported one by one (hand-made, few); the generated ones are reported per subject. */
const oneByOne = new Set<CheckName>(["documented_responses"]);

/**
 * The report cases of probe results: per check, one case per subject (or per probe for
 * the hand-made cases), failed when any of its probes has a finding of that check. Every
 * probe counts for its own check and for the checks every answer is held to.
 */
export function probeReportCases(results: readonly ProbeResult[], contexts: ReproductionContexts): ReportCase[] {
  const groups = new Map<string, { check: CheckName; name: string; total: number; failed: ProbeResult[]; seconds: number }>();
  for (const result of results) {
    const seconds = result.exchanges.reduce((sum, exchange) => sum + exchange.ms, 0) / 1000;
    for (const check of [result.probe.check, ...answerChecks]) {
      const name = check === result.probe.check && oneByOne.has(check) ? result.probe.title : result.probe.subject;
      const key = `${check}\u0000${name}`;
      const group = groups.get(key) ?? { check, name, total: 0, failed: [], seconds: 0 };
      group.total += 1;
      group.seconds += seconds;
      if (result.findings.some((finding) => finding.check === check)) group.failed.push(result);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((group): ReportCase => {
    const label = oneByOne.has(group.check) ? group.name : `${group.name}: ${group.total} case${group.total === 1 ? "" : "s"}`;
    if (group.failed.length === 0) return { suite: group.check, name: label, outcome: "passed", seconds: group.seconds };
    const first = group.failed[0]!.findings.find((finding) => finding.check === group.check)!;
    const shown = group.failed.slice(0, SHOWN_FAILURES).map((result) => failureText(result, contexts));
    const more = group.failed.length > SHOWN_FAILURES ? [`… and ${group.failed.length - SHOWN_FAILURES} more`] : [];
    return {
      suite: group.check,
      name: label,
      outcome: "failed",
      message: `${group.failed.length} of ${group.total} failed; first: ${first.message}`,
      details: [...shown, ...more].join("\n\n"),
      seconds: group.seconds,
    };
  });
}
