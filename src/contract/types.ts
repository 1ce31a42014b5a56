/**
 * The vocabulary of the contract tester and the certification kit: the checks, a probe
 * (one or more requests sent in order, each with what its answer must be), its steps and
 * expectations, the answers and exchanges it records, and the findings it reports.
 * Types (and the list of the answer checks) only, so that every module can name them
 * without importing the code that runs probes (`probe.ts`) or judges answers
 * (`conformance.ts`).
 */
import type { ErrorCode } from "../../generated/error-catalog.js";
import type { TargetClock } from "./clock.js";
import type { CaseRequest } from "./signed-requests.js";

/** An answer as received: status, headers (lower-case names), body text and its JSON (undefined when not JSON). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

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
  | "dredd"
  | "freshness_tolerance"
  | "credential_variants"
  | "order_of_checks"
  | "boundary_values"
  | "media_types"
  | "serialisation_variants";

/** The checks that every answer of every probe is held to. */
export const answerChecks: readonly CheckName[] = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
  "error_code_conformance",
];

/** One right answer: a status (exact, or any 2xx) and, for a failure, its catalog code. */
export interface Answering {
  status: number | "2xx";
  code?: ErrorCode;
}

/** What one answer must be. */
export interface Expectation {
  /** An exact status, or any 2xx. */
  status: number | "2xx";
  /** The catalog code the failure body must carry (its status is the catalog's). */
  code?: ErrorCode;
  /** Other answers that are right too, where the spec leaves the choice to the implementation. */
  orElse?: Answering[];
  /** The exact body of an answer with `status` (JSON), e.g. the documented success body. */
  body?: unknown;
  /** Why this answer is expected, shown with a failure (e.g. how the target's clock was estimated). */
  note?: string;
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
  /** A request sent with node:http (or, when it stops short, a raw socket) ... */
  request?: CaseRequest;
  /** ... or one built when it is sent, from the target's clock (a `timestamp` at the edge of the tolerance); the exchange records it. */
  build?: (clock: TargetClock) => { request: CaseRequest; note?: string };
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
  /** The stable name of what it probes, e.g. `HASH/first-character` (the rule inventory and the mutation tests refer to it). */
  kind?: string;
  /** The operation it is about (report grouping); a side name for probes of no operation. */
  subject: string;
  title: string;
  steps: Step[];
  /** Further findings once all steps answered (e.g. the local store shows the session closed). */
  verify?(exchanges: Exchange[]): Promise<Finding[]>;
  /**
   * For a probe whose verdict depends on when the target reads its clock (a `timestamp`
   * 2 s from the edge of the tolerance): when it fails and an answer took longer than
   * this, milliseconds, it is sent again, up to twice, and passes if an attempt does. A
   * loaded target may take that long to read its clock; a wrong tolerance fails every time.
   */
  retryWhenSlowerThanMs?: number;
}

/** What running a probe found. */
export interface ProbeResult {
  probe: Probe;
  findings: Finding[];
  exchanges: Exchange[];
  /** How many times it was sent (more than once: `retryWhenSlowerThanMs`). */
  attempts?: number;
}

/** Base URLs of the two sides. */
export interface BaseUrls {
  provider: string;
  operator: string;
}
