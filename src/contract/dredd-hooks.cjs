// Dredd hooks of the contract suite (CommonJS: Dredd loads hook files with require, and
// the package is "type": "module"). Run Dredd under tsx so the TypeScript case table loads:
//   node --import tsx node_modules/dredd/bin/dredd dist/openapi.json <url> --hookfiles src/contract/dredd-hooks.cjs
// `dredd-runner.ts` does that and sets the configuration below.
//
// For each transaction, ONE beforeEach hook does everything, in order: find the case of
// the transaction's documented response (cases.ts), send its setup requests, then put the
// case's signed request (query, headers, body bytes) into the transaction. Nothing touches
// the request after that, so the signature stays valid. Transactions of the other side,
// the responses cases.ts lists as not drivable (the 500s) and the cases Dredd cannot send
// (`dreddSkip`: the 408s, sent by the schema suite over a raw socket) are skipped
// explicitly, by name, with the reason; a transaction without a case fails. Every decision is appended, one JSON line each, to
// CONTRACT_HOOKS_RECORD: the test reads it to prove the hooks were loaded and to map
// transaction names to the ids in Dredd's xunit report. With `--only`, Dredd still runs
// beforeEach for the transactions it will not send, so those are left alone (a failed
// setup request would otherwise mark them failed).
//
// Configuration (environment):
//   CONTRACT_HOOKS_SIDE        provider | operator: which side's transactions to run
//   CONTRACT_HOOKS_BASE_URL    base URL of that side (Dredd's endpoint), for setup requests
//   CONTRACT_HOOKS_MEMBER_ID, CONTRACT_HOOKS_SECRET, CONTRACT_HOOKS_KYREN_TOKEN   credentials
//   CONTRACT_HOOKS_RECORD      file to append the JSON lines to
const hooks = require("hooks");
const { appendFileSync } = require("node:fs");
const { contractCases, notDrivableEntry, primaryCase } = require("./cases.ts");
const { documentedResponses } = require("./documented-responses.ts");
const { sendSetup } = require("./http.ts");

const env = process.env;
const missing = [
  "CONTRACT_HOOKS_SIDE",
  "CONTRACT_HOOKS_BASE_URL",
  "CONTRACT_HOOKS_MEMBER_ID",
  "CONTRACT_HOOKS_SECRET",
  "CONTRACT_HOOKS_KYREN_TOKEN",
  "CONTRACT_HOOKS_RECORD",
].filter((name) => !env[name]);
const side = env.CONTRACT_HOOKS_SIDE;
const baseUrl = env.CONTRACT_HOOKS_BASE_URL;
const credentials = {
  memberId: env.CONTRACT_HOOKS_MEMBER_ID,
  secret: env.CONTRACT_HOOKS_SECRET,
  kyrenToken: env.CONTRACT_HOOKS_KYREN_TOKEN,
};

function record(entry) {
  if (env.CONTRACT_HOOKS_RECORD) appendFileSync(env.CONTRACT_HOOKS_RECORD, `${JSON.stringify(entry)}\n`);
}

/** Dredd transaction name -> documented response. */
const responsesByName = new Map(documentedResponses().map((response) => [response.dreddName, response]));

/** Replaces the request of a transaction by a case request; the path stays Dredd's (endpoint prefix included). */
function applyRequest(transaction, request) {
  const [path] = transaction.fullPath.split("?");
  if (!path.endsWith(request.path)) throw new Error(`transaction path ${path} is not the case path ${request.path}`);
  const query = new URLSearchParams(request.query).toString();
  transaction.fullPath = query ? `${path}?${query}` : path;
  transaction.request.uri = query ? `${request.path}?${query}` : request.path;
  // The case decides the Content-Type, including none at all.
  const replaced = new Set(["content-type", ...Object.keys(request.headers).map((name) => name.toLowerCase())]);
  for (const name of Object.keys(transaction.request.headers)) {
    if (replaced.has(name.toLowerCase())) delete transaction.request.headers[name];
  }
  Object.assign(transaction.request.headers, request.headers);
  transaction.request.body = request.body;
}

/** Names given with `--only`: Dredd runs beforeEach for every transaction, selected or not. */
const only = hooks.configuration?.only || [];

async function prepare(transaction) {
  const entry = { event: "transaction", name: transaction.name, id: transaction.id };
  if (only.length && !only.includes(transaction.name)) return record({ ...entry, action: "not-selected" });
  if (missing.length) {
    transaction.fail = `dredd-hooks.cjs is not configured: ${missing.join(", ")} unset`;
    return record({ ...entry, action: "fail-config" });
  }
  const response = responsesByName.get(transaction.name);
  if (!response) {
    transaction.fail = `no documented response of the bundle is named "${transaction.name}"`;
    return record({ ...entry, action: "fail-unknown-name" });
  }
  const { operation, status } = response;
  if (operation.implementedBy !== side) {
    transaction.skip = true;
    return record({ ...entry, action: "skip-other-side" });
  }
  const notDrivable = notDrivableEntry(operation.operationId, status);
  if (notDrivable) {
    transaction.skip = true;
    return record({ ...entry, action: "skip-not-drivable", reason: notDrivable.reason });
  }
  const contractCase = primaryCase(operation.operationId, status);
  if (!contractCase) {
    transaction.fail = `cases.ts has no case for ${operation.operationId} ${status}`;
    return record({ ...entry, action: "fail-no-case" });
  }
  if (contractCase.dreddSkip) {
    transaction.skip = true;
    return record({ ...entry, action: "skip-dredd", reason: contractCase.dreddSkip });
  }
  const requests = contractCase.build(credentials);
  await sendSetup(baseUrl, requests);
  applyRequest(transaction, requests.request);
  record({ ...entry, action: "case", case: contractCase.name });
}

record({ event: "loaded", side, cases: contractCases.length, missing });

hooks.beforeEach((transaction, done) => {
  prepare(transaction).then(
    () => done(),
    (error) => {
      transaction.fail = `preparing the case failed: ${error?.message}`;
      record({ event: "transaction", name: transaction.name, id: transaction.id, action: "fail-error", detail: String(error?.message) });
      done();
    },
  );
});
