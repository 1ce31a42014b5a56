/**
 * The contract cases: for every operation of the bundle and every documented status, how
 * to build a request that really causes that status against a correct implementation,
 * or why no request from outside can. Dredd (through `dredd-hooks.cjs`) and the schema
 * suite (`schema.test.ts`) both send exactly these requests.
 *
 * Every request starts from the operation's request example in the bundle, gets a fresh
 * `uuid` (and session id) so the suites can be re-run against a persistent server and the
 * current `timestamp` (the examples carry a fixed one, which a receiver refuses as stale),
 * takes the target's credentials, is mutated to provoke its status, and is signed LAST
 * with the client package's signing. Statuses are documented per operation in the spec's `responses`.
 *
 * A case Dredd cannot send (408: a body that never arrives) carries `dreddSkip`, the
 * reason; the hooks skip its transaction by name and the schema suite sends it over a
 * raw socket. `preRoutingCases` are the answers given before any operation is chosen
 * (catalog `scope: transport`), which no operation documents: the schema suite checks
 * them against the catalog and the default envelope.
 */
import { randomUUID } from "node:crypto";
import { errorCatalog, type ErrorCode } from "../../generated/error-catalog.js";
import { defaultErrorEnvelope, maxRequestBodyBytes } from "../../generated/operations.js";
import type { OperationFacts } from "../shared/spec-types.js";
import { requestHead } from "./raw-http.js";
import { allOperations, requestExample } from "./bundle.js";
import { nowSeconds, withRoles } from "./generate/body-roles.js";
import { signed, signedRaw, wrongSecret, type Body, type CaseRequest, type CaseRequests, type Credentials } from "./signed-requests.js";

export type { CaseRequest, CaseRequests, Credentials } from "./signed-requests.js";

/** How to provoke one documented status of one operation. */
export interface ContractCase {
  /** Unique, e.g. `enterGameSession 400: required gameid missing (V.02)`. */
  name: string;
  operationId: string;
  status: number;
  /** Who serves the operation (`x-implemented-by`): the provider URL or the operator URL. */
  side: "provider" | "operator";
  /** The catalog code of a failure case (named at the end of its name, e.g. `(V.02)`). */
  code?: ErrorCode;
  /** True for the one case per operation and status that Dredd's transaction uses. */
  primary: boolean;
  /** Why Dredd cannot send this case (its transaction is skipped by name); the schema suite still does. */
  dreddSkip?: string;
  /** Builds fresh requests (new uuids) for the given partner. */
  build(credentials: Credentials): CaseRequests;
}

/** A documented response that no request from outside can cause against a correct implementation. */
export interface NotDrivable {
  operationId: string;
  status: number;
  reason: string;
}

/** What the cases need to know about one operation's body, beyond the spec. */
interface BodyRecipe {
  /** Schema break for 400 that keeps the body signable (no top-level object or array). */
  breakSchema: { what: string; apply(body: Body): void };
  /** Puts `padding` into a string field, to go over the size limit. */
  oversize(body: Body, padding: string): void;
  /** More schema-valid bodies the provider refuses with 400 (e.g. `G.02`). */
  otherBadRequests?: Array<{ what: string; apply(body: Body): void }>;
  /** For operations idempotent by `uuid`: a change that keeps the body valid but different (409 with the same uuid). */
  alter?(body: Body): void;
}

const recipes: Record<string, BodyRecipe> = {
  enterGameSession: {
    breakSchema: { what: "required gameid missing", apply: (body) => delete body.gameid },
    otherBadRequests: [{ what: "gametype table is not available (G.02)", apply: (body) => (body.gametype = "table") }],
    oversize: (body, padding) => (body.player.nickname = padding),
    alter: (body) => (body.player.session.id = `${body.player.session.id}-other`),
  },
  closeSession: {
    breakSchema: { what: "required secureLogin missing", apply: (body) => delete body.secureLogin },
    oversize: (body, padding) => (body.secureLogin = padding),
    alter: (body) => (body.secureLogin = `${body.secureLogin}-other`),
  },
  closeSessionKyren: {
    breakSchema: { what: "required uuid missing", apply: (body) => delete body.uuid },
    oversize: (body, padding) => (body.userId = padding),
    alter: (body) => (body.userId = `${body.userId}-other`),
  },
  sessionExpired: {
    breakSchema: { what: "playerId is a number, not a string", apply: (body) => (body.playerId = 1001) },
    oversize: (body, padding) => (body.playerId = padding),
  },
};

/** The request example with its role fields set (`withRoles`: fresh uuid, current timestamp, Kyren credentials) and a fresh session id. */
function freshBody(operation: OperationFacts, credentials: Credentials): Body {
  const body = withRoles(operation, requestExample(operation) as Body, credentials);
  if ("sessionId" in body) body.sessionId = randomUUID().replaceAll("-", "");
  return body;
}

type CaseDraft = { what: string; build(credentials: Credentials): CaseRequests; dreddSkip?: string };
const only = (request: CaseRequest): CaseRequests => ({ setup: [], request });

/** The 401 drafts of `operation`: a wrong `HASH` or Kyren token, a wrong body hash, a stale `timestamp`. */
function unauthenticatedDrafts(
  operation: OperationFacts,
  fresh: (credentials: Credentials) => Body,
  mutated: (credentials: Credentials, mutate: (body: Body) => void) => Body,
): CaseDraft[] {
  const bad401: CaseDraft[] = operation.signedWithHash
    ? [{ what: "HASH keyed with a wrong secret (G.00)", build: (c) => only(signed(operation, fresh(c), c, { wrongHashSecret: true })) }]
    : [
        {
          what: "wrong Kyren token (G.00)",
          build: (c) =>
            only(
              signed(
                operation,
                mutated(c, (body) => (body.token = wrongSecret(c.kyrenToken))),
                c,
              ),
            ),
        },
      ];
  if (operation.bodyHash) {
    bad401.push({
      what: "valid HASH over a body hash keyed with a wrong secret (G.00)",
      build: (c) => only(signed(operation, fresh(c), c, { wrongBodyHashSecret: true })),
    });
  }
  if (operation.timestamp) {
    bad401.push({
      what: "correctly signed, timestamp 600 s old (G.04)",
      build: (c) =>
        only(
          signed(
            operation,
            mutated(c, (body) => (body.timestamp = nowSeconds() - 600)),
            c,
          ),
        ),
    });
  }
  return bad401;
}

/** The ways to cause each status; the first draft of a status is the primary case. */
function drafts(operation: OperationFacts, recipe: BodyRecipe): Record<number, CaseDraft[]> {
  const fresh = (credentials: Credentials) => freshBody(operation, credentials);
  const mutated = (credentials: Credentials, mutate: (body: Body) => void) => {
    const body = fresh(credentials);
    mutate(body);
    return body;
  };
  const bad400: CaseDraft[] = [
    { what: `${recipe.breakSchema.what} (V.02)`, build: (c) => only(signed(operation, mutated(c, recipe.breakSchema.apply), c)) },
    { what: "body is not JSON (V.01)", build: (c) => only(signedRaw(operation, JSON.stringify(fresh(c)).slice(0, -1), c)) },
    ...(recipe.otherBadRequests ?? []).map(
      (bad): CaseDraft => ({ what: bad.what, build: (c) => only(signed(operation, mutated(c, bad.apply), c)) }),
    ),
  ];
  const bad401 = unauthenticatedDrafts(operation, fresh, mutated);
  const all: Record<number, CaseDraft[]> = {
    200: [
      { what: "the request example with fresh ids, signed", build: (c) => only(signed(operation, fresh(c), c)) },
      {
        what: `a body of exactly ${maxRequestBodyBytes} bytes (white space after the JSON)`,
        build: (c) => only(signed(operation, fresh(c), c, { padToBytes: maxRequestBodyBytes })),
      },
    ],
    400: bad400,
    401: bad401,
    413: [
      {
        what: `body over ${maxRequestBodyBytes} bytes (V.03)`,
        build: (c) =>
          only(
            signed(
              operation,
              mutated(c, (body) => recipe.oversize(body, "x".repeat(maxRequestBodyBytes))),
              c,
            ),
          ),
      },
      {
        what: `a valid body padded to ${maxRequestBodyBytes + 1} bytes (V.03)`,
        build: (c) => only(signed(operation, fresh(c), c, { padToBytes: maxRequestBodyBytes + 1 })),
      },
    ],
    415: [
      { what: "Content-Type text/plain (V.04)", build: (c) => only(signed(operation, fresh(c), c, { contentType: "text/plain" })) },
      { what: "no Content-Type header (V.04)", build: (c) => only(signed(operation, fresh(c), c, { contentType: null })) },
    ],
    408: [
      {
        what: "the body stops short of its Content-Length (G.07)",
        build: (c) => only({ ...signed(operation, fresh(c), c), incompleteBody: true }),
        dreddSkip: "Dredd cannot send a body shorter than its Content-Length; the schema suite sends it over a raw socket",
      },
    ],
  };
  const alter = recipe.alter;
  if (alter) {
    all[200]!.push({
      what: "uuid repeated with the same body is answered again",
      build: (c) => {
        const body = fresh(c);
        return { setup: [signed(operation, body, c)], request: signed(operation, body, c), replaysSetup: true };
      },
    });
    all[409] = [
      {
        what: "uuid reused with a different body (G.03)",
        build: (c) => {
          const first = fresh(c);
          const second = structuredClone(first);
          alter(second);
          return { setup: [signed(operation, first, c)], request: signed(operation, second, c) };
        },
      },
    ];
  }
  return all;
}

/** Why a documented status cannot be caused from outside, by status (the rule inventory excuses the same statuses and their codes). */
export const notDrivableReasons: Readonly<Record<number, string>> = {
  500: "500 G.01 is an unexpected failure inside the implementation; no request can cause it against a correct one",
  503: "503 G.08 sheds load while the implementation is overloaded; one request cannot cause it, and a test must not overload a shared target",
};

function buildTable(): { cases: ContractCase[]; notDrivable: NotDrivable[] } {
  const cases: ContractCase[] = [];
  const notDrivable: NotDrivable[] = [];
  for (const operation of allOperations) {
    const recipe = recipes[operation.operationId];
    const byStatus = recipe ? drafts(operation, recipe) : {};
    for (const status of operation.statuses) {
      const reason = notDrivableReasons[status];
      if (reason) {
        notDrivable.push({ operationId: operation.operationId, status, reason });
        continue;
      }
      // A status without drafts gets no case: the suites then fail for it, by name.
      (byStatus[status] ?? []).forEach((draft, index) => {
        const code = /\(([GV]\.\d\d)\)$/.exec(draft.what)?.[1] as ErrorCode | undefined;
        if (code && errorCatalog[code]?.status !== status)
          throw new Error(`${operation.operationId} ${status}: ${draft.what} names ${code}, whose catalog status is not ${status}`);
        cases.push({
          name: `${operation.operationId} ${status}: ${draft.what}`,
          operationId: operation.operationId,
          status,
          side: operation.implementedBy,
          primary: index === 0,
          build: draft.build,
          ...(code ? { code } : {}),
          ...(draft.dreddSkip ? { dreddSkip: draft.dreddSkip } : {}),
        });
      });
    }
  }
  return { cases, notDrivable };
}

const table = buildTable();

/** Every case, primary ones first per status, in document order of the operations. */
export const contractCases: readonly ContractCase[] = table.cases;

/** The documented responses that are not exercised, with the reason (the 500s and 503s). */
export const notDrivable: readonly NotDrivable[] = table.notDrivable;

/** The primary case of an operation's status, or undefined when there is none. */
export function primaryCase(operationId: string, status: number): ContractCase | undefined {
  return contractCases.find((entry) => entry.primary && entry.operationId === operationId && entry.status === status);
}

/** The not-drivable entry of an operation's status, or undefined. */
export function notDrivableEntry(operationId: string, status: number): NotDrivable | undefined {
  return notDrivable.find((entry) => entry.operationId === operationId && entry.status === status);
}

/**
 * An answer given before any operation is chosen (catalog `scope: transport`): raw
 * request bytes and the catalog code and failure schema the answer must have.
 */
export interface PreRoutingCase {
  name: string;
  side: "provider" | "operator";
  /** The raw HTTP/1.1 request, given the target's credentials. */
  bytes(credentials: Credentials): string;
  code: ErrorCode;
  /** The failure schema of the answer: the default envelope's, or (405) the path's operation's. */
  schema: string;
  /** The `Allow` header a 405 must carry. */
  allow?: string;
  /** For a 405: the operation of the path, whose envelope the answer has. */
  operationId?: string;
}

function buildPreRoutingCases(): PreRoutingCase[] {
  const cases: PreRoutingCase[] = [];
  for (const side of ["provider", "operator"] as const) {
    const operations = allOperations.filter((operation) => operation.implementedBy === side);
    const target = (path: string, c: Credentials) => `${path}?MEMB_ID=${encodeURIComponent(c.memberId)}&HASH=${"0".repeat(64)}`;
    const path = operations[0]!.path;
    for (const operation of operations) {
      cases.push({
        name: `${side}: GET ${operation.path} (G.06)`,
        side,
        bytes: (c) => requestHead("GET", target(operation.path, c)),
        code: "G.06",
        schema: operation.errorEnvelope.schema,
        allow: "POST",
        operationId: operation.operationId,
      });
    }
    cases.push(
      {
        name: `${side}: an unknown path (G.05)`,
        side,
        bytes: (c) => requestHead("POST", target("/no/such/operation", c), { "Content-Length": 0 }),
        code: "G.05",
        schema: defaultErrorEnvelope.schema,
      },
      {
        name: `${side}: a 100 KB query string (V.05)`,
        side,
        bytes: (c) => requestHead("POST", `${target(path, c)}&pad=${"x".repeat(100 * 1024)}`, { "Content-Length": 0 }),
        code: "V.05",
        schema: defaultErrorEnvelope.schema,
      },
      {
        name: `${side}: Content-Length together with Transfer-Encoding (V.06)`,
        side,
        bytes: (c) =>
          `${requestHead("POST", target(path, c), { "Content-Type": "application/json", "Content-Length": 5, "Transfer-Encoding": "chunked" })}0\r\n\r\n`,
        code: "V.06",
        schema: defaultErrorEnvelope.schema,
      },
    );
  }
  for (const entry of cases) {
    if ((errorCatalog[entry.code] as { scope?: string }).scope !== "transport")
      throw new Error(`${entry.name}: ${entry.code} is not a scope: transport code of the catalog`);
  }
  return cases;
}

/** The answers before routing that the schema suite checks on both sides. */
export const preRoutingCases: readonly PreRoutingCase[] = buildPreRoutingCases();
