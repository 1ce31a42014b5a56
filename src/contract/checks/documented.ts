/**
 * documented_responses: the hand-made case of every documented status of every operation
 * (`cases.ts`: the request example with fresh ids, provoked into each status) and the
 * answers before routing (`preRoutingCases`), as probes. Each answer must have the case's
 * status and, like every answer, conform (`conformance.ts`); a setup request must answer 200.
 */
import { errorCatalog } from "../../../generated/error-catalog.js";
import { contractCases, preRoutingCases, type ContractCase } from "../cases.js";
import type { Probe, Step } from "../types.js";
import type { Credentials } from "../signed-requests.js";

/** The probe of one contract case. */
export function caseProbe(contractCase: ContractCase, credentials: Credentials): Probe {
  const requests = contractCase.build(credentials);
  const base = { side: contractCase.side, operationId: contractCase.operationId };
  const setup: Step[] = requests.setup.map((request) => ({ ...base, request, expect: { status: 200 } }));
  return {
    check: "documented_responses",
    kind: `documented/${contractCase.status}`,
    subject: contractCase.operationId,
    title: contractCase.name,
    steps: [
      ...setup,
      {
        ...base,
        request: requests.request,
        expect: {
          status: contractCase.status,
          ...(contractCase.code ? { code: contractCase.code } : {}),
          ...(requests.replaysSetup ? { sameBodyAs: setup.length - 1 } : {}),
        },
      },
    ],
  };
}

/** Every contract case and answer before routing as a probe. */
export function documentedProbes(credentials: Credentials): Probe[] {
  const cases = contractCases.map((contractCase) => caseProbe(contractCase, credentials));
  const beforeRouting = preRoutingCases.map(
    (entry): Probe => ({
      check: "documented_responses",
      kind: `routing/${entry.code}`,
      subject: entry.side,
      title: entry.name,
      steps: [
        {
          side: entry.side,
          ...(entry.allow ? { operationId: entry.operationId } : {}),
          raw: entry.bytes(credentials),
          expect: {
            status: errorCatalog[entry.code].status,
            code: entry.code,
            ...(entry.allow ? { header: { name: "allow", value: entry.allow } } : {}),
          },
        },
      ],
    }),
  );
  return [...cases, ...beforeRouting];
}
