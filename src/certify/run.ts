/**
 * One certification run against an operator's base URL: every check of `checks.ts`, a
 * few at a time, each answer judged by its check; every answer, success included, judged
 * once more for its media type and envelope; answers slower than `SLOW_ANSWER_MS`
 * reported as warnings; hints for the usual set-up mistakes (a wrong secret, a URL that
 * is not the base URL, a clock that is off). Every request and answer goes into the
 * report (requests as reproductions that print no signature or secret).
 */
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import {
  allOperations,
  describeClock,
  documentedAnswerFindings,
  envelopeFindings,
  estimateClock,
  exchangeText,
  redactCases,
  runProbes,
  type Answer,
  type Credentials,
  type Exchange,
  type Report,
  type ReportCase,
  type ReproductionContext,
  type TargetClock,
} from "../contract/index.js";
import { getAtPointer } from "../shared/json-pointer.js";
import type { OperationFacts } from "../shared/spec-types.js";
import { categories, certificationChecks, type CertificationCheck } from "./checks.js";

/**
 * An answer slower than this is a warning, milliseconds. Lucky Monaco gives up on a
 * callback after 5 s (spec: sessionExpired, "Answer and delivery") and retries it, so a
 * receiver should answer well within that: record the expiry, answer, work later.
 */
export const SLOW_ANSWER_MS = 2000;

/**
 * What is wrong with an answer's media type and envelope, by the contract tester's
 * envelope check: a failure (4xx, 5xx) must be `application/json` in the operation's
 * failure envelope (`x-error-envelope`: for the callback `{"error": {"code", "message"}}`)
 * with a code whose catalog status is the answer's status; a success must be
 * `application/json` with a body its documented response allows.
 */
export function envelopeProblems(operation: OperationFacts, answer: Answer): string[] {
  const findings = answer.status >= 400 ? envelopeFindings(operation.errorEnvelope, answer) : documentedAnswerFindings(operation, answer);
  return findings.map((finding) => finding.message);
}

/** Options of `runCertification`. */
export interface CertificationOptions {
  /** The operator's base URL, as in the partners file's `callbackUrl` (the operation's path is appended). */
  url: string;
  /** The partner's `MEMB_ID` and secret (the Kyren token is not used). */
  credentials: Credentials;
  /** How long to wait for each answer, milliseconds (default 5000: Lucky Monaco's own time-out). */
  timeoutMs?: number;
  /** Checks in flight at once (default 4). */
  concurrency?: number;
  /** The variable the reproductions read the secret from (default `CERTIFY_SECRET`). */
  secretVariable?: string;
}

/** What a certification run found. */
export interface CertificationResult {
  report: Report;
  /** True when a mandatory check failed. */
  failed: boolean;
}

/** What one check sent and found. */
interface Ran {
  operation: OperationFacts;
  check: CertificationCheck;
  exchanges: Exchange[];
  problems: string[];
}

/**
 * The usual set-up mistakes, read off the whole run, as hints to show first: every
 * correctly signed callback refused with G.00 (the partner id or secret), or answered 404
 * (not the base URL), or refused with G.04 (the receiver's clock).
 */
export function certificationHints(ran: readonly Ran[], url: string, memberId: string, clock: TargetClock): string[] {
  const hints: string[] = [];
  const happy = ran.filter((entry) => entry.check.category === "happy path");
  const firstAnswers = happy.map((entry) => entry.exchanges[0]?.answer);
  const codeOf = (answer: Answer | undefined, operation: OperationFacts) =>
    answer?.json === undefined ? undefined : getAtPointer(answer.json, operation.errorEnvelope.code);
  if (
    happy.length &&
    happy.every((entry, index) => firstAnswers[index]?.status === 401 && codeOf(firstAnswers[index], entry.operation) === "G.00")
  ) {
    hints.push(
      `Every correctly signed callback was refused with 401 G.00: does the receiver know MEMB_ID ${memberId} with this secret? Most failures below follow from that.`,
    );
  }
  if (
    happy.length &&
    happy.every((entry, index) => firstAnswers[index]?.status === 401 && codeOf(firstAnswers[index], entry.operation) === "G.04")
  ) {
    hints.push(
      `Every correctly signed callback was refused with 401 G.04 (request expired): is the receiver's clock in sync (NTP)? Measured: ${describeClock(clock)}.`,
    );
  }
  if (happy.length && firstAnswers.every((answer) => answer?.status === 404)) {
    const paths = [...new Set(ran.map((entry) => entry.operation.path))].join(", ");
    hints.push(
      `Every correctly signed callback was answered 404: is ${url} the base URL registered as the callbackUrl? The kit calls ${url}${paths}.`,
    );
  }
  return hints;
}

/**
 * The report cases of one check: the check's own (failed, passed with a warning for a
 * slow answer, or passed) under its category, and one per answer under "envelope".
 */
function reportCases(ran: Ran, name: string, timeoutMs: number, show: (exchange: Exchange) => string): ReportCase[] {
  const { operation, check, exchanges, problems } = ran;
  const slow = exchanges.filter((exchange) => exchange.ms > SLOW_ANSWER_MS);
  const details = exchanges.map(show).join("\n\n");
  const seconds = exchanges.reduce((sum, exchange) => sum + exchange.ms, 0) / 1000;
  const cases: ReportCase[] = [];
  if (problems.length) cases.push({ suite: check.category, name, outcome: "failed", message: problems.join("; "), details, seconds });
  else if (slow.length) {
    const took = slow.map((exchange) => `${(exchange.ms / 1000).toFixed(1)} s`).join(", ");
    const message = `answered in ${took}: Lucky Monaco gives up after ${timeoutMs / 1000} s and retries; answer within ${SLOW_ANSWER_MS / 1000} s`;
    cases.push({ suite: check.category, name, outcome: "warning", message, details, seconds });
  } else cases.push({ suite: check.category, name, outcome: "passed", details, seconds });
  exchanges.forEach((exchange, index) => {
    const answer = exchange.answer;
    if (!answer) return;
    const judged = envelopeProblems(operation, answer);
    const which = exchanges.length > 1 ? ` (answer ${index + 1} of ${exchanges.length})` : "";
    const judging =
      answer.status >= 400
        ? `${operation.errorEnvelope.schema} envelope, a code of status ${answer.status}, application/json`
        : "application/json, the documented success body";
    cases.push({
      suite: "envelope",
      name: `the ${answer.status} answer to "${name}"${which}: ${judging}`,
      outcome: judged.length ? "failed" : "passed",
      ...(judged.length ? { message: judged.join("; ") } : {}),
      details: show(exchange),
    });
  });
  return cases;
}

/**
 * Runs every certification check against `options.url`.
 *
 * @returns the report; never throws for what the receiver answers (or does not)
 */
export async function runCertification(options: CertificationOptions): Promise<CertificationResult> {
  const url = options.url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 5000;
  const context: ReproductionContext = {
    baseUrl: url,
    secretVariable: options.secretVariable ?? "CERTIFY_SECRET",
    kyrenTokenVariable: "CERTIFY_KYREN_TOKEN",
  };
  const show = (exchange: Exchange) => exchangeText(exchange, () => context);
  const operations = allOperations.filter((operation) => operation.implementedBy === "operator");
  const clock = await estimateClock(url, operations[0]!.path);
  const checks = operations.flatMap((operation) =>
    certificationChecks(operation, options.credentials, DEFAULT_TOLERANCE_SECONDS).map((check) => ({ operation, check })),
  );
  const results = await runProbes(
    checks.map(({ check }) => check.probe),
    { provider: url, operator: url },
    { concurrency: options.concurrency ?? 4, clocks: { operator: clock }, conformance: false, timeoutMs },
  );
  const cases: ReportCase[] = [];
  const ran: Ran[] = checks.map(({ operation, check }, index) => {
    const { exchanges, findings } = results[index]!;
    return { operation, check, exchanges, problems: findings.map((finding) => finding.message) };
  });
  for (const entry of ran) {
    const name = operations.length > 1 ? `${entry.operation.operationId}: ${entry.check.name}` : entry.check.name;
    cases.push(...reportCases(entry, name, timeoutMs, show));
  }
  cases.sort(
    (a, b) => categories.indexOf(a.suite as (typeof categories)[number]) - categories.indexOf(b.suite as (typeof categories)[number]),
  );
  const hints = certificationHints(ran, url, options.credentials.memberId, clock);
  const summary = [
    `operator: ${url}${operations.map((operation) => operation.path).join(", ")}; partner ${options.credentials.memberId}`,
    `mandatory: every check; warnings (answers slower than ${SLOW_ANSWER_MS / 1000} s) do not fail`,
    `the freshness checks expect a tolerance of ${DEFAULT_TOLERANCE_SECONDS} s; the receiver's clock: ${describeClock(clock)}`,
    `the reproductions read the partner secret from $${context.secretVariable}`,
  ];
  return {
    report: {
      title: "Lucky Monaco session expired callback: operator certification",
      summary,
      hints,
      cases: redactCases(cases, [options.credentials.secret]),
    },
    failed: cases.some((entry) => entry.outcome === "failed"),
  };
}
