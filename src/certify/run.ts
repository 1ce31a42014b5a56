/**
 * One certification run against an operator's base URL: every check of `checks.ts`, a
 * few at a time, each answer judged by its check; every failure answer judged once more
 * for its envelope; answers slower than `SLOW_ANSWER_MS` reported as warnings. Every
 * request and answer goes into the report (requests as reproductions that print no
 * signature or secret).
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import type { OperationFacts } from "../codegen/spec.js";
import { allOperations } from "../contract/bundle.js";
import type { Answer } from "../contract/conformance.js";
import { validateAgainstSchema } from "../contract/response-validator.js";
import { getAtPointer } from "../json-pointer.js";
import { mapConcurrently } from "../contract/pool.js";
import { sendStep, type Exchange } from "../contract/probe.js";
import type { Report, ReportCase } from "../contract/report/model.js";
import { redactCases } from "../contract/report/redact.js";
import type { ReproductionContext } from "../contract/reproduce.js";
import type { Credentials } from "../contract/signed-requests.js";
import { exchangeText } from "../contract/summarize.js";
import { answerProblems, categories, certificationChecks, stepOf } from "./checks.js";

/**
 * An answer slower than this is a warning, milliseconds. Lucky Monaco gives up on a
 * callback after 5 s (spec: sessionExpired, "Answer and delivery") and retries it, so a
 * receiver should answer well within that: record the expiry, answer, work later.
 */
export const SLOW_ANSWER_MS = 2000;

/**
 * What is wrong with a failure answer's envelope: `Content-Type` not exactly
 * `application/json`, a body not valid against the operation's failure schema
 * (`x-error-envelope`: for the callback `{"error": {"code", "message"}}`), or a code
 * whose catalog status is not the answer's status.
 */
export function envelopeProblems(operation: OperationFacts, answer: Answer): string[] {
  const problems: string[] = [];
  const contentType = answer.headers["content-type"];
  if (contentType !== "application/json") problems.push(`Content-Type is ${JSON.stringify(contentType ?? null)}, not exactly application/json`);
  if (answer.json === undefined) return [...problems, `the body is not JSON: ${answer.text.slice(0, 200)}`];
  problems.push(...validateAgainstSchema(operation.errorEnvelope.schema, answer.json).map((violation) => `not the ${operation.errorEnvelope.schema} envelope: ${violation.message}`));
  const code = getAtPointer(answer.json, operation.errorEnvelope.code);
  const status = typeof code === "string" ? (errorCatalog as Record<string, { status: number }>)[code]?.status : undefined;
  if (typeof code === "string" && status !== undefined && status !== answer.status) problems.push(`status ${answer.status} carries ${code as ErrorCode}, whose catalog status is ${status}`);
  return problems;
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
  const checks = operations.flatMap((operation) => certificationChecks(operation, options.credentials).map((check) => ({ operation, check })));
  const cases: ReportCase[] = [];
  const ran = await mapConcurrently(checks, options.concurrency ?? 4, async ({ operation, check }) => {
    const exchanges: Exchange[] = [];
    const problems: string[] = [];
    for (const { request, expected } of check.requests) {
      const exchange = await sendStep(stepOf(operation, request, expected), url, timeoutMs);
      exchanges.push(exchange);
      if (!exchange.answer) {
        problems.push(`no answer: ${exchange.error}`);
        break;
      }
      problems.push(...answerProblems(operation, exchange.answer, expected));
    }
    return { operation, check, exchanges, problems };
  });
  for (const { operation, check, exchanges, problems } of ran) {
    const name = operations.length > 1 ? `${operation.operationId}: ${check.name}` : check.name;
    const slow = exchanges.filter((exchange) => exchange.ms > SLOW_ANSWER_MS);
    const details = exchanges.map(show).join("\n\n");
    const seconds = exchanges.reduce((sum, exchange) => sum + exchange.ms, 0) / 1000;
    if (problems.length) cases.push({ suite: check.category, name, outcome: "failed", message: problems.join("; "), details, seconds });
    else if (slow.length) cases.push({ suite: check.category, name, outcome: "warning", message: `answered in ${slow.map((exchange) => `${(exchange.ms / 1000).toFixed(1)} s`).join(", ")}: Lucky Monaco gives up after ${timeoutMs / 1000} s and retries; answer within ${SLOW_ANSWER_MS / 1000} s`, details, seconds });
    else cases.push({ suite: check.category, name, outcome: "passed", details, seconds });
    for (const exchange of exchanges) {
      const answer = exchange.answer;
      if (!answer || answer.status < 400) continue;
      const problems = envelopeProblems(operation, answer);
      cases.push({
        suite: "envelope",
        name: `the ${answer.status} answer to "${name}": ${operation.errorEnvelope.schema} envelope, a code of status ${answer.status}`,
        outcome: problems.length ? "failed" : "passed",
        ...(problems.length ? { message: problems.join("; ") } : {}),
        details: show(exchange),
      });
    }
  }
  cases.sort((a, b) => categories.indexOf(a.suite as (typeof categories)[number]) - categories.indexOf(b.suite as (typeof categories)[number]));
  const summary = [
    `operator: ${url}${operations.map((operation) => operation.path).join(", ")}; partner ${options.credentials.memberId}`,
    `mandatory: every check; warnings (answers slower than ${SLOW_ANSWER_MS / 1000} s) do not fail`,
    `the reproductions read the partner secret from $${context.secretVariable}`,
  ];
  return { report: { title: "Lucky Monaco session expired callback: operator certification", summary, cases: redactCases(cases, [options.credentials.secret]) }, failed: cases.some((entry) => entry.outcome === "failed") };
}
