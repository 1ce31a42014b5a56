// The contract tester against deliberately broken providers (broken-server-proxies.ts:
// the reference server behind a proxy that breaks one rule): each must fail the check
// that should catch it, with a reproduction in the report. Against the unbroken server
// the same checks pass (generated.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckGroup } from "../../../src/contract/config.js";
import type { ReportCase } from "../../../src/contract/report/model.js";
import { runContract } from "../../../src/contract/run.js";
import type { ContractTarget } from "../../../src/contract/target.js";
import { sandboxPartner } from "../../../src/partners/sandbox.js";
import { startTestReceiver, startTestServer, type TestReceiver, type TestServer } from "../../support/servers.js";
import { startBrokenProxy, type ProxyDefect } from "./broken-server-proxies.js";

const credentials = { memberId: sandboxPartner.memberId, secret: sandboxPartner.secret, kyrenToken: sandboxPartner.kyrenToken! };

let server: TestServer;
let receiver: TestReceiver;

beforeAll(async () => {
  [server, receiver] = await Promise.all([startTestServer(), startTestReceiver()]);
});

afterAll(async () => {
  await Promise.all([server?.close(), receiver?.close()]);
});

/** Runs `checks` against the reference server behind the `defect` proxy; returns the failed report cases. */
async function failuresBehind(defect: ProxyDefect, checks: CheckGroup[]): Promise<ReportCase[]> {
  const proxy = await startBrokenProxy(defect, server.baseUrl, credentials);
  const target: ContractTarget = {
    providerUrl: proxy.baseUrl,
    operatorUrl: receiver.baseUrl,
    credentials,
    started: { provider: "remote", operator: "local" },
    close: async () => {},
  };
  try {
    const result = await runContract({ target, seed: 11, cases: 8, checks: new Set(checks) });
    return result.report.cases.filter((entry) => entry.outcome === "failed");
  } finally {
    await proxy.close();
  }
}

const failedOf = (failures: ReportCase[], suite: string) => failures.filter((entry) => entry.suite === suite);

describe("the contract tester on broken providers", () => {
  it("fails error_code_conformance when error codes contradict their statuses (a 401 carrying V.02)", async () => {
    const failures = await failuresBehind("codes-contradict-statuses", ["negative_data_rejection"]);
    const codes = failedOf(failures, "error_code_conformance");
    expect(codes.map((entry) => entry.name.split(":")[0]).sort()).toEqual(["closeSession", "closeSessionKyren", "enterGameSession"]);
    expect(codes[0]!.message).toMatch(/status 401 carries V\.0[12], whose catalog status is 400/);
    // The schema alone passes such an answer: both are valid ErrorCodes in a valid envelope.
    expect(failedOf(failures, "response_schema_conformance")).toEqual([]);
    expect(codes[0]!.details).toContain("curl -sS -i -X POST");
  });

  it("fails ignored_auth when signatures are ignored (a wrong HASH accepted)", async () => {
    const failures = await failuresBehind("ignores-signatures", ["ignored_auth"]);
    const auth = failedOf(failures, "ignored_auth");
    expect(auth.map((entry) => entry.name.split(":")[0]).sort()).toEqual(["closeSession", "enterGameSession"]);
    expect(auth.map((entry) => entry.details).join("\n")).toMatch(
      /HASH keyed with a wrong secret \(G\.00\)\n\s+ignored_auth: expected 401 G\.00, got 200/,
    );
    expect(failures.every((entry) => entry.suite === "ignored_auth")).toBe(true);
  });

  it("fails stateful_sequences when idempotency is ignored (a replay opens another session, a conflict is accepted)", async () => {
    const failures = await failuresBehind("ignores-idempotency", ["stateful_sequences"]);
    const stateful = failedOf(failures, "stateful_sequences");
    expect(stateful.map((entry) => entry.name.split(":")[0])).toContain("enterGameSession");
    const details = stateful.map((entry) => entry.details).join("\n");
    // Launch tokens are never shown, only the start of their SHA-256: two sessions, two fingerprints.
    const replay =
      /a replay must repeat the first answer \{"url":"https:\/\/games\.luckymonaco\.example\/index\.html\?token=<launch token sha256:([0-9a-f]{8})>"\}, got \{"url":"[^"]+token=<launch token sha256:([0-9a-f]{8})>"\}/.exec(
        details,
      );
    expect(replay, details).not.toBeNull();
    expect(replay![1]).not.toBe(replay![2]);
    expect(details).not.toMatch(/token=[A-Za-z0-9_-]{40,}/);
    expect(details).toMatch(/expected 409 G\.03, got 200/);
    expect(failures.every((entry) => entry.suite === "stateful_sequences")).toBe(true);
  });
});
