/**
 * Running probes (`types.ts`: one or more requests sent in order, a stateful sequence
 * has several, each with what its answer must be): the answer loop of both testers.
 * Running a probe sends its steps, applies the checks every answer is held to
 * (`conformance.ts`), then the step's own expectation, and reports findings by check.
 */
import { errorCatalog } from "../../generated/error-catalog.js";
import { getAtPointer } from "../shared/json-pointer.js";
import { operationById } from "./bundle.js";
import { testerClock, type TargetClock } from "./clock.js";
import { conformanceFindings } from "./conformance.js";
import { exchange } from "./http.js";
import { mapConcurrently } from "./pool.js";
import { jsonOrUndefined, rawExchange } from "./raw-http.js";
import type { Answer, Answering, BaseUrls, Exchange, Finding, Probe, ProbeResult, Step } from "./types.js";

/** How a probe is run. */
export interface ProbeOptions {
  /** The estimated clock of each side (for steps built at send time); default: the tester's own. */
  clocks?: Partial<Record<"provider" | "operator", TargetClock>>;
  /** Hold every answer to `conformance.ts` too (default true; the certification kit judges envelopes in a category of their own). */
  conformance?: boolean;
  /** How long to wait for each answer, milliseconds. */
  timeoutMs?: number;
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

const statusMatches = (expected: number | "2xx", status: number) =>
  expected === "2xx" ? status >= 200 && status < 300 : status === expected;

const answeringText = (answering: Answering) => `${answering.status}${answering.code ? ` ${answering.code}` : ""}`;

/**
 * The step's own expectation, checked under the probe's check. The code is compared only
 * when the answer carries one where the envelope says: a broken envelope is the finding
 * of the answer checks (or, in the certification kit, of the envelope category).
 */
function expectationFindings(probe: Probe, step: Step, answer: Answer, exchanges: Exchange[]): Finding[] {
  const { expect } = step;
  const findings: string[] = [];
  const envelope = step.operationId ? operationById(step.operationId).errorEnvelope : undefined;
  const code = envelope && answer.json !== undefined ? getAtPointer(answer.json, envelope.code) : undefined;
  const got = `${answer.status}${typeof code === "string" ? ` ${code}` : ""}`;
  const right: Answering[] = [{ status: expect.status, ...(expect.code ? { code: expect.code } : {}) }, ...(expect.orElse ?? [])];
  for (const answering of right) {
    if (answering.code && answering.status !== "2xx" && errorCatalog[answering.code].status !== answering.status) {
      throw new Error(
        `probe "${probe.title}": ${answering.code} is a ${errorCatalog[answering.code].status} in the catalog, not ${answering.status}`,
      );
    }
  }
  const byStatus = right.filter((answering) => statusMatches(answering.status, answer.status));
  const expected = right.map(answeringText).join(" or ");
  const because = expect.note ? ` (${expect.note})` : "";
  if (byStatus.length === 0) findings.push(`expected ${expected}, got ${got}${because}: ${answer.text.slice(0, 300)}`);
  else if (typeof code === "string" && !byStatus.some((answering) => !answering.code || answering.code === code)) {
    findings.push(`expected ${expected}, got ${got}${because}: ${answer.text.slice(0, 300)}`);
  }
  if (
    expect.body !== undefined &&
    statusMatches(expect.status, answer.status) &&
    JSON.stringify(answer.json) !== JSON.stringify(expect.body)
  ) {
    findings.push(`expected the body ${JSON.stringify(expect.body)}, got ${answer.text.slice(0, 300)}`);
  }
  if (expect.sameBodyAs !== undefined) {
    const first = exchanges[expect.sameBodyAs]?.answer;
    if (first && JSON.stringify(first.json) !== JSON.stringify(answer.json))
      findings.push(`a replay must repeat the first answer ${first.text.slice(0, 300)}, got ${answer.text.slice(0, 300)}`);
  }
  if (expect.header && answer.headers[expect.header.name] !== expect.header.value) {
    findings.push(
      `expected header ${expect.header.name}: ${expect.header.value}, got ${JSON.stringify(answer.headers[expect.header.name] ?? null)}`,
    );
  }
  return findings.map((message) => ({ check: probe.check, message }));
}

/**
 * Sends one step to `baseUrl` and records the exchange (the answer, or the network error
 * or time-out instead); never throws. A step built at send time is built here, with
 * `clock`, and recorded as built.
 *
 * @param timeoutMs how long to wait for a whole answer (default 10 s; raw requests: 15 s)
 */
export async function sendStep(planned: Step, baseUrl: string, timeoutMs?: number, clock: TargetClock = testerClock()): Promise<Exchange> {
  let step = planned;
  if (planned.build) {
    const { build: _built, ...rest } = planned;
    const { request, note } = planned.build(clock);
    step = { ...rest, request, expect: note ? { ...planned.expect, note } : planned.expect };
  }
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
 * fails on the network ends the probe with a finding under the probe's check. Each
 * exchange records the step as sent (a step built at send time, built).
 *
 * @returns the findings (empty: passed) and every exchange; never throws for an answer
 * @throws Error when the probe itself is inconsistent (a code whose catalog status is not the expected one)
 */
export async function runProbe(probe: Probe, baseUrls: BaseUrls, options: ProbeOptions = {}): Promise<ProbeResult> {
  let result = await attempt(probe, baseUrls, options);
  for (let attempts = 2; attempts <= 3 && probe.retryWhenSlowerThanMs !== undefined && result.findings.length > 0; attempts++) {
    if (!result.exchanges.some((exchange) => exchange.ms > probe.retryWhenSlowerThanMs!)) break;
    result = { ...(await attempt(probe, baseUrls, options)), attempts };
  }
  return result;
}

/**
 * Runs probes with `runProbe`, `options.concurrency` at a time (default 16): the loop of
 * a contract run and of a certification run.
 *
 * @returns the results in the order of `probes`; never throws for an answer
 * @throws Error when a probe itself is inconsistent
 */
export function runProbes(
  probes: readonly Probe[],
  baseUrls: BaseUrls,
  options: ProbeOptions & { concurrency?: number } = {},
): Promise<ProbeResult[]> {
  return mapConcurrently(probes, options.concurrency ?? 16, (probe) => runProbe(probe, baseUrls, options));
}

/** One attempt of `runProbe`. */
async function attempt(probe: Probe, baseUrls: BaseUrls, options: ProbeOptions): Promise<ProbeResult> {
  const exchanges: Exchange[] = [];
  const findings: Finding[] = [];
  for (const planned of probe.steps) {
    const exchange = await sendStep(planned, baseUrls[planned.side], options.timeoutMs, options.clocks?.[planned.side]);
    exchanges.push(exchange);
    if (!exchange.answer) {
      findings.push({ check: probe.check, message: `no answer: ${exchange.error}` });
      return { probe, findings, exchanges };
    }
    const step = exchange.step;
    if (options.conformance ?? true) findings.push(...conformanceFindings(step, exchange.answer));
    findings.push(...expectationFindings(probe, step, exchange.answer, exchanges));
  }
  if (probe.verify && findings.length === 0) findings.push(...(await probe.verify(exchanges)));
  return { probe, findings, exchanges };
}
