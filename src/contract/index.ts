/**
 * The public entry point of the contract tester: what other parts (the certification
 * kit, src/certify/) build on. Everything else in this folder is internal to the tester
 * and may change without notice; the layer checker (.dependency-cruiser.cjs) refuses an
 * import of it from src/certify/.
 *
 * - the run: `runContract` (Dredd, the documented cases, the generated and boundary checks);
 * - the answer loop: `runProbes` sends probes and judges each answer, `estimateClock`
 *   reads a target's clock first, `closeConnections` ends the run;
 * - the envelope check: `envelopeFindings` (a failure answer) and
 *   `documentedAnswerFindings` (any answer as documented), parts of what every answer of a
 *   contract run is held to (`conformance.ts`);
 * - the probes other testers reuse: `boundaryProbes`, `authBreaks`, and what bodies are
 *   built from (`freshBody`, the request schema views, the arbitraries, `signed`);
 * - the report writers: `exchangeText`, `redactCases`, `consoleLines`, `writeReports`;
 * - the rule inventory's page, built from the probes of every tester;
 * - the types of all of these.
 */
export { runContract, type ContractRunOptions, type ContractRunResult, type GeneratedFigures } from "./run.js";

export { runProbes, type ProbeOptions } from "./probe.js";
export type { Answer, Answering, BaseUrls, CheckName, Exchange, Expectation, Finding, Probe, ProbeResult, Step } from "./types.js";
export { describeClock, estimateClock, type TargetClock } from "./clock.js";
export { closeConnections } from "./http.js";

export { documentedAnswerFindings, envelopeFindings } from "./conformance.js";

export { allOperations, responseExamples } from "./bundle.js";
export { boundaryProbes, type BoundaryCheck, type BoundaryContext } from "./boundaries/index.js";
export { bodyProperties, freshBody, isFreeText, requiredFields } from "./boundaries/bodies.js";
export { authBreaks, type AuthBreak } from "./checks/ignored-auth.js";
export { lengthArbitrary, schemaArbitrary, type Schema } from "./generate/schema-arbitrary.js";
export { signed, signedRaw, type Body, type CaseRequest, type Credentials, type SignOptions } from "./signed-requests.js";

export { exchangeText } from "./summarize.js";
export type { ReproductionContext } from "./reproduce.js";
export { redactCases } from "./report/redact.js";
export { consoleLines, writeReports, type ConsoleOptions } from "./report/output.js";
export type { Outcome, Report, ReportCase } from "./report/model.js";

export { inventoryCredentials, inventoryProbes } from "./rules/probes.js";
export { currentRulesPage, RULES_PAGE } from "./rules/page.js";
export type { SentProbe } from "./rules/coverage.js";
