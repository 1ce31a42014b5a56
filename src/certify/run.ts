/**
 * One certification run against an operator's base URL: every check of `checks.ts`, a
 * few at a time, each answer judged by its check; every answer, success included, judged
 * once more for its media type and envelope; answers slower than `SLOW_ANSWER_MS`
 * reported as warnings; hints for the usual set-up mistakes (a wrong secret, a URL that
 * is not the base URL, a clock that is off). Every request and answer goes into the
 * report (requests as reproductions that print no signature or secret).
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import type { OperationFacts } from "../codegen/spec.js";
import { describeClock, estimateClock, type TargetClock } from "../contract/clock.js";
import { allOperations } from "../contract/bundle.js";
import type { Answer } from "../contract/conformance.js";
import { validateAgainstSchema, validateResponse } from "../contract/response-validator.js";
import { getAtPointer } from "../json-pointer.js";
import { mapConcurrently } from "../contract/pool.js";
import { runProbe, type Exchange } from "../contract/probe.js";
import type { Report, ReportCase } from "../contract/report/model.js";
import { redactCases } from "../contract/report/redact.js";
import type { ReproductionContext } from "../contract/reproduce.js";
import type { Credentials } from "../contract/signed-requests.js";
import { exchangeText } from "../contract/summarize.js";
import { DEFAULT_TOLERANCE_SECONDS } from "../contract/boundaries/index.js";
import { categories, certificationChecks, type CertificationCheck } from "./checks.js";

/**
 * An answer slower than this is a warning, milliseconds. Lucky Monaco gives up on a
 * callback after 5 s (spec: sessionExpired, "Answer and delivery") and retries it, so a
 * receiver should answer well within that: record the expiry, answer, work later.
 */
export const SLOW_ANSWER_MS = 2000;

/** `Content-Type` exactly `application/json`, as every answer of the API (spec: "Conventions"). */
function contentTypeProblems(answer: Answer): string[] {
  const contentType = answer.headers["content-type"];
  return contentType === "application/json" ? [] : [`Content-Type is ${JSON.stringify(contentType ?? null)}, not exactly application/json`];
}

/**
 * What is wrong with a failure answer's envelope: `Content-Type` not exactly
 * `application/json`, a body not valid against the operation's failure schema
 * (`x-error-envelope`: for the callback `{"error": {"code", "message"}}`), or a code
 * whose catalog status is not the answer's status.
 */
export function envelopeProblems(operation: OperationFacts, answer: Answer): string[] {
  const problems = contentTypeProblems(answer);
  if (answer.json === undefined) return [...problems, `the body is not JSON: ${answer.text.slice(0, 200)}`];
  problems.push(...validateAgainstSchema(operation.errorEnvelope.schema, answer.json).map((violation) => `not the ${operation.errorEnvelope.schema} envelope: ${violation.message}`));
  const code = getAtPointer(answer.json, operation.errorEnvelope.code);
  const status = typeof code === "string" ? (errorCatalog as Record<string, { status: number }>)[code]?.status : undefined;
  if (typeof code === "string" && status !== undefined && status !== answer.status) problems.push(`status ${answer.status} carries ${code as ErrorCode}, whose catalog status is ${status}`);
  return problems;
}

/** What is wrong with a success answer: `Content-Type` not exactly `application/json`, or a body the 200 response's schema does not allow. */
export function successProblems(operation: OperationFacts, answer: Answer): string[] {
  const problems = contentTypeProblems(answer);
  if (answer.json === undefined) return [...problems, `the body is not JSON: ${answer.text.slice(0, 200)}`];
  const schema = validateResponse({ operationId: operation.operationId, status: 200, contentType: "application/json", body: answer.json });
  return [...problems, ...schema.map((violation) => `not the documented success body: ${violation.message}`)];
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
  const codeOf = (answer: Answer | undefined, operation: OperationFacts) => (answer?.json === undefined ? undefined : getAtPointer(answer.json, operation.errorEnvelope.code));
  if (happy.length && happy.every((entry, index) => firstAnswers[index]?.status === 401 && codeOf(firstAnswers[index], entry.operation) === "G.00")) {
    hints.push(`Every correctly signed callback was refused with 401 G.00: does the receiver know MEMB_ID ${memberId} with this secret? Most failures below follow from that.`);
  }
  if (happy.length && happy.every((entry, index) => firstAnswers[index]?.status === 401 && codeOf(firstAnswers[index], entry.operation) === "G.04")) {
    hints.push(`Every correctly signed callback was refused with 401 G.04 (request expired): is the receiver's clock in sync (NTP)? Measured: ${describeClock(clock)}.`);
  }
  if (happy.length && firstAnswers.every((answer) => answer?.status === 404)) {
    const paths = [...new Set(ran.map((entry) => entry.operation.path))].join(", ");
    hints.push(`Every correctly signed callback was answered 404: is ${url} the base URL registered as the callbackUrl? The kit calls ${url}${paths}.`);
  }
  return hints;
}

/**
 * Runs every certification check against `options.url`.
 *
 * @returns the report; never throws for what the receiver answers (or does not)
 */
export async function runCertification(options: CertificationOptions): Promise<CertificationResult> {
  const url = options.url.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 5000;
  const context: ReproductionContext = { baseUrl: url, secretVariable: options.secretVariable ?? "CERTIFY_SECRET", kyrenTokenVariable: "CERTIFY_KYREN_TOKEN" };
  const show = (exchange: Exchange) => exchangeText(exchange, () => context);
  const operations = allOperations.filter((operation) => operation.implementedBy === "operator");
  const clock = await estimateClock(url, operations[0]!.path);
  const checks = operations.flatMap((operation) => certificationChecks(operation, options.credentials, DEFAULT_TOLERANCE_SECONDS).map((check) => ({ operation, check })));
  const cases: ReportCase[] = [];
  const ran: Ran[] = await mapConcurrently(checks, options.concurrency ?? 4, async ({ operation, check }) => {
    const result = await runProbe(check.probe, { provider: url, operator: url }, { clocks: { operator: clock }, conformance: false, timeoutMs });
    return { operation, check, exchanges: result.exchanges, problems: result.findings.map((finding) => finding.message) };
  });
  for (const { operation, check, exchanges, problems } of ran) {
    const name = operations.length > 1 ? `${operation.operationId}: ${check.name}` : check.name;
    const slow = exchanges.filter((exchange) => exchange.ms > SLOW_ANSWER_MS);
    const details = exchanges.map(show).join("\n\n");
    const seconds = exchanges.reduce((sum, exchange) => sum + exchange.ms, 0) / 1000;
    if (problems.length) cases.push({ suite: check.category, name, outcome: "failed", message: problems.join("; "), details, seconds });
    else if (slow.length) cases.push({ suite: check.category, name, outcome: "warning", message: `answered in ${slow.map((exchange) => `${(exchange.ms / 1000).toFixed(1)} s`).join(", ")}: Lucky Monaco gives up after ${timeoutMs / 1000} s and retries; answer within ${SLOW_ANSWER_MS / 1000} s`, details, seconds });
    else cases.push({ suite: check.category, name, outcome: "passed", details, seconds });
    exchanges.forEach((exchange, index) => {
      const answer = exchange.answer;
      if (!answer) return;
      const failure = answer.status >= 400;
      const judged = failure ? envelopeProblems(operation, answer) : successProblems(operation, answer);
      const which = exchanges.length > 1 ? ` (answer ${index + 1} of ${exchanges.length})` : "";
      cases.push({
        suite: "envelope",
        name: failure
          ? `the ${answer.status} answer to "${name}"${which}: ${operation.errorEnvelope.schema} envelope, a code of status ${answer.status}, application/json`
          : `the ${answer.status} answer to "${name}"${which}: application/json, the documented success body`,
        outcome: judged.length ? "failed" : "passed",
        ...(judged.length ? { message: judged.join("; ") } : {}),
        details: show(exchange),
      });
    });
  }
  cases.sort((a, b) => categories.indexOf(a.suite as (typeof categories)[number]) - categories.indexOf(b.suite as (typeof categories)[number]));
  const hints = certificationHints(ran, url, options.credentials.memberId, clock);
  const summary = [
    `operator: ${url}${operations.map((operation) => operation.path).join(", ")}; partner ${options.credentials.memberId}`,
    `mandatory: every check; warnings (answers slower than ${SLOW_ANSWER_MS / 1000} s) do not fail`,
    `the freshness checks expect a tolerance of ${DEFAULT_TOLERANCE_SECONDS} s; the receiver's clock: ${describeClock(clock)}`,
    `the reproductions read the partner secret from $${context.secretVariable}`,
  ];
  return {
    report: { title: "Lucky Monaco session expired callback: operator certification", summary, hints, cases: redactCases(cases, [options.credentials.secret]) },
    failed: cases.some((entry) => entry.outcome === "failed"),
  };
}
