/**
 * The unit of the contract tester's checks: a probe is one or more requests sent in
 * order (a stateful sequence has several), each with what its answer must be. Running a
 * probe sends its steps, applies the checks every answer is held to
 * (`conformance.ts`), then the step's own expectation, and reports findings by check.
 */
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { getAtPointer } from "../json-pointer.js";
import { operationById } from "./bundle.js";
import { conformanceFindings, type Answer } from "./conformance.js";
import { exchange } from "./http.js";
import { jsonOrUndefined, rawExchange } from "./raw-http.js";
import type { CaseRequest } from "./signed-requests.js";

/** The checks of the tester (Schemathesis' names where one exists). */
export type CheckName =
  | "not_a_server_error"
  | "status_code_conformance"
  | "content_type_conformance"
  | "response_schema_conformance"
  | "error_code_conformance"
  | "positive_data_acceptance"
  | "negative_data_rejection"
  | "ignored_auth"
  | "unsupported_method"
  | "unknown_path"
  | "stateful_sequences"
  | "documented_responses"
  | "dredd";

/** The checks that every answer of every probe is held to. */
export const answerChecks: readonly CheckName[] = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
  "error_code_conformance",
];

/** What one answer must be. */
export interface Expectation {
  /** An exact status, or any 2xx. */
  status: number | "2xx";
  /** The catalog code the failure body must carry (its status is the catalog's). */
  code?: ErrorCode;
  /** The answer must have exactly this body as the answer of an earlier step (by index): an idempotent replay. */
  sameBodyAs?: number;
  /** A header the answer must carry with this value (e.g. `allow: POST`). */
  header?: { name: string; value: string };
}

/** One request of a probe. */
export interface Step {
  side: "provider" | "operator";
  /** The operation the request is for; undefined for a path no operation has (the default envelope applies). */
  operationId?: string;
  /** A request sent with fetch (or, when it stops short, a raw socket) ... */
  request?: CaseRequest;
  /** ... or raw HTTP bytes (framing errors, huge heads, other methods). */
  raw?: string;
  expect: Expectation;
}

/** One finding: a check that failed, and why. */
export interface Finding {
  check: CheckName;
  message: string;
}

/** One request and its answer, as the reports show them. */
export interface Exchange {
  step: Step;
  baseUrl: string;
  /** When it was sent, epoch milliseconds. */
  sentAt: number;
  /** How long the answer took, milliseconds. */
  ms: number;
  answer?: Answer;
  /** A network error or time-out instead of an answer. */
  error?: string;
}

/** A probe: a title, the check it belongs to, its steps, and optional checks of what a local run can inspect. */
export interface Probe {
  check: CheckName;
  /** The operation it is about (report grouping); a side name for probes of no operation. */
  subject: string;
  title: string;
  steps: Step[];
  /** Further findings once all steps answered (e.g. the local store shows the session closed). */
  verify?(exchanges: Exchange[]): Promise<Finding[]>;
}

/** What running a probe found. */
export interface ProbeResult {
  probe: Probe;
  findings: Finding[];
  exchanges: Exchange[];
}

/** Base URLs of the two sides. */
export interface BaseUrls {
  provider: string;
  operator: string;
}

async function answerOf(step: Step, baseUrl: string, timeoutMs?: number): Promise<Answer> {
  if (step.raw !== undefined) {
    const raw = await rawExchange(baseUrl, step.raw, timeoutMs);
    return { status: raw.status, headers: raw.headers, text: raw.text, json: raw.json };
  }
  const { status, headers, body } = await exchange(baseUrl, step.request!, timeoutMs);
  const text = body.toString("utf8");
  return { status, headers, text, json: jsonOrUndefined(text) };
}

/** The step's own expectation, checked under the probe's check. */
function expectationFindings(probe: Probe, step: Step, answer: Answer, exchanges: Exchange[]): Finding[] {
  const { expect } = step;
  const findings: string[] = [];
  const statusOk = expect.status === "2xx" ? answer.status >= 200 && answer.status < 300 : answer.status === expect.status;
  const envelope = step.operationId ? operationById(step.operationId).errorEnvelope : undefined;
  const code = envelope && answer.json !== undefined ? getAtPointer(answer.json, envelope.code) : undefined;
  const got = `${answer.status}${typeof code === "string" ? ` ${code}` : ""}`;
  if (!statusOk) findings.push(`expected ${expect.status}${expect.code ? ` ${expect.code}` : ""}, got ${got}: ${answer.text.slice(0, 300)}`);
  else if (expect.code && envelope && code !== expect.code) findings.push(`expected code ${expect.code} at ${envelope.code}, got ${JSON.stringify(code)}: ${answer.text.slice(0, 300)}`);
  if (expect.code && errorCatalog[expect.code].status !== expect.status && expect.status !== "2xx") {
    throw new Error(`probe "${probe.title}": ${expect.code} is a ${errorCatalog[expect.code].status} in the catalog, not ${expect.status}`);
  }
  if (expect.sameBodyAs !== undefined) {
    const first = exchanges[expect.sameBodyAs]?.answer;
    if (first && JSON.stringify(first.json) !== JSON.stringify(answer.json)) findings.push(`a replay must repeat the first answer ${first.text.slice(0, 300)}, got ${answer.text.slice(0, 300)}`);
  }
  if (expect.header && answer.headers[expect.header.name] !== expect.header.value) {
    findings.push(`expected header ${expect.header.name}: ${expect.header.value}, got ${JSON.stringify(answer.headers[expect.header.name] ?? null)}`);
  }
  return findings.map((message) => ({ check: probe.check, message }));
}

/**
 * Sends one step to `baseUrl` and records the exchange (the answer, or the network error
 * or time-out instead); never throws.
 *
 * @param timeoutMs how long to wait for a whole answer (default 10 s; raw requests: 15 s)
 */
export async function sendStep(step: Step, baseUrl: string, timeoutMs?: number): Promise<Exchange> {
  const sentAt = Date.now();
  const started = performance.now();
  try {
    const answer = await answerOf(step, baseUrl, timeoutMs);
    return { step, baseUrl, sentAt, ms: performance.now() - started, answer };
  } catch (error) {
    return { step, baseUrl, sentAt, ms: performance.now() - started, error: String((error as Error).message ?? error) };
  }
}

/**
 * Runs a probe: sends its steps in order and checks each answer. A step whose request
 * fails on the network ends the probe with a finding under the probe's check.
 *
 * @returns the findings (empty: passed) and every exchange; never throws for an answer
 * @throws Error when the probe itself is inconsistent (a code whose catalog status is not the expected one)
 */
export async function runProbe(probe: Probe, baseUrls: BaseUrls): Promise<ProbeResult> {
  const exchanges: Exchange[] = [];
  const findings: Finding[] = [];
  for (const step of probe.steps) {
    const exchange = await sendStep(step, baseUrls[step.side]);
    exchanges.push(exchange);
    if (!exchange.answer) {
      findings.push({ check: probe.check, message: `no answer: ${exchange.error}` });
      return { probe, findings, exchanges };
    }
    findings.push(...conformanceFindings(step, exchange.answer), ...expectationFindings(probe, step, exchange.answer, exchanges));
  }
  if (probe.verify && findings.length === 0) findings.push(...(await probe.verify(exchanges)));
  return { probe, findings, exchanges };
}
