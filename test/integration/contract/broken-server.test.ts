// Proof that the response validator catches each class of violation: the same case
// requests as schema.test.ts, sent to a deliberately broken implementation
// (broken-server.ts), must each be reported with the right class. And why it is needed:
// Dredd alone passes a body of the wrong type.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { primaryCase, type Credentials } from "../../../src/contract/cases.js";
import { defects, startBrokenServer, type BrokenServer, type Defect } from "./broken-server.js";
import { documentedResponses } from "../../../src/contract/documented-responses.js";
import { runDredd, type DreddRun } from "../../../src/contract/dredd-runner.js";
import { send } from "../../../src/contract/http.js";
import { checkFetchResponse, type ViolationKind } from "../../../src/contract/response-validator.js";

// The broken server checks nothing, so any credentials do.
const credentials: Credentials = {
  memberId: sandboxPartner.memberId,
  secret: sandboxPartner.secret,
  kyrenToken: sandboxPartner.kyrenToken!,
};

interface Expectation {
  title: string;
  defect: Defect;
  /** The case whose request is sent (its primary case). */
  operationId: string;
  status: number;
  kind: ViolationKind;
  /** For `schema`: an Ajv keyword that must be among the reported ones. */
  keyword?: string;
}

const expectations: Expectation[] = [
  {
    title: "an undocumented status",
    defect: "undocumented-status",
    operationId: "enterGameSession",
    status: 400,
    kind: "undocumented-status",
  },
  {
    title: "a missing required field",
    defect: "missing-required-field",
    operationId: "closeSession",
    status: 200,
    kind: "schema",
    keyword: "required",
  },
  { title: "a wrong type", defect: "wrong-type", operationId: "closeSessionKyren", status: 200, kind: "schema", keyword: "type" },
  {
    title: "a value outside an enum",
    defect: "outside-enum",
    operationId: "enterGameSession",
    status: 401,
    kind: "schema",
    keyword: "enum",
  },
  {
    title: "a value outside a pattern",
    defect: "outside-pattern",
    operationId: "enterGameSession",
    status: 200,
    kind: "schema",
    keyword: "pattern",
  },
  {
    title: "a value outside a format",
    defect: "outside-format",
    operationId: "enterGameSession",
    status: 200,
    kind: "schema",
    keyword: "format",
  },
  {
    title: "an error body in the wrong shape",
    defect: "wrong-error-shape",
    operationId: "enterGameSession",
    status: 401,
    kind: "schema",
    keyword: "required",
  },
  { title: "the wrong content type", defect: "wrong-content-type", operationId: "closeSession", status: 200, kind: "wrong-content-type" },
];

/** Dredd's blind spot shown below: both success bodies carry `error: "0"`, a string. */
const dreddBlindSpot = { defect: "wrong-type" as const, operations: ["closeSessionKyren", "closeSession"] };

let server: BrokenServer | undefined;
let dredd: DreddRun;

beforeAll(async () => {
  server = await startBrokenServer();
  const only = documentedResponses()
    .filter((response) => dreddBlindSpot.operations.includes(response.operation.operationId) && response.status === 200)
    .map((response) => response.dreddName);
  dredd = await runDredd({ side: "provider", endpoint: server.baseUrl(dreddBlindSpot.defect), credentials, only });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

async function violationsOf(defect: Defect, operationId: string, status: number) {
  const contractCase = primaryCase(operationId, status);
  if (!contractCase) throw new Error(`no primary case for ${operationId} ${status}`);
  // Setup requests are not sent: the broken server keeps no state.
  const response = await send(server!.baseUrl(defect), contractCase.build(credentials).request);
  return checkFetchResponse(operationId, response);
}

describe("the response validator on a broken implementation", () => {
  it.each(expectations.map((expectation) => [expectation.title, expectation] as const))("catches %s", async (_title, expectation) => {
    const checked = await violationsOf(expectation.defect, expectation.operationId, expectation.status);
    expect(checked.status).toBe(defects[expectation.defect].status);
    expect([...new Set(checked.violations.map((violation) => violation.kind))], JSON.stringify(checked.violations)).toEqual([
      expectation.kind,
    ]);
    if (expectation.keyword) expect(checked.violations.map((violation) => violation.keyword)).toContain(expectation.keyword);
  });

  it("covers every defect of the broken server", () => {
    expect(expectations.map((expectation) => expectation.defect).sort()).toEqual(Object.keys(defects).sort());
  });
});

describe("Dredd alone on the same broken implementation", () => {
  it.each(dreddBlindSpot.operations)(
    'passes %s 200 with error "0" (a string), which the validator reports as a wrong type',
    async (operationId) => {
      const name = documentedResponses().find(
        (response) => response.operation.operationId === operationId && response.status === 200,
      )!.dreddName;
      const record = dredd.hookRecords.find((entry) => entry.event === "transaction" && entry.name === name);
      expect(record?.action, dredd.output).toBe("case");
      expect(dredd.testcases.find((testcase) => testcase.title === record!.id)?.outcome, dredd.output).toBe("pass");
      const checked = await violationsOf(dreddBlindSpot.defect, operationId, 200);
      expect(checked.violations.map((violation) => violation.keyword)).toContain("type");
    },
  );
});
