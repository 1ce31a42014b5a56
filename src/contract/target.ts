/**
 * Which implementation the contract suites talk to, and with which partner credentials.
 *
 * By default both targets run in-process (`local-target.ts`, loaded only then): the
 * reference server and the operator receiver, trusting one partner (the sandbox partner
 * `demo` / `sandbox-secret` / `sandbox-token`). A provider's CI points the suites at a
 * live implementation instead:
 *
 *   CONTRACT_BASE_URL       provider base URL (ENTER, V4 close session, Kyren)
 *   CONTRACT_MEMBER_ID      MEMB_ID and Kyren `secureLogin` of the test partner
 *   CONTRACT_SECRET         that partner's secret (keys `HASH` and the body `hash`)
 *   CONTRACT_KYREN_TOKEN    that partner's Kyren `token`
 *   CONTRACT_OPERATOR_URL   operator base URL for the session expired callback; when
 *                           unset, the local receiver is started, trusting the partner above
 */
import type { Partner } from "../partners/directory.js";
import { sandboxPartner } from "../partners/sandbox.js";
import type { StoreInspector } from "./local-target.js";
import type { Credentials } from "./signed-requests.js";

/** The targets of one contract run. Always `close()` it (stops what it started). */
export interface ContractTarget {
  /** Base URL of the provider (operations with `x-implemented-by: provider`), no trailing slash. */
  providerUrl: string;
  /** Base URL of the operator receiver (`sessionExpired`), no trailing slash. */
  operatorUrl: string;
  /** The partner whose credentials sign every request, in both directions. */
  credentials: Credentials;
  /** Which targets this process started (`local`) or was given (`remote`). */
  started: { provider: "local" | "remote"; operator: "local" | "remote" };
  /** The local provider's store, for what a remote run cannot observe; undefined for a remote provider. */
  inspector?: StoreInspector;
  close(): Promise<void>;
}

function required(env: NodeJS.ProcessEnv, names: string[]): string[] {
  const missing = names.filter((name) => !env[name]);
  if (missing.length)
    throw new Error(`contract target: ${missing.join(", ")} must be set when CONTRACT_BASE_URL or CONTRACT_OPERATOR_URL is`);
  return names.map((name) => env[name]!);
}

/** The credentials: the sandbox partner for a local run, the CONTRACT_* variables otherwise. */
function credentialsFrom(env: NodeJS.ProcessEnv): Credentials {
  if (!env.CONTRACT_BASE_URL && !env.CONTRACT_OPERATOR_URL) {
    return { memberId: sandboxPartner.memberId, secret: sandboxPartner.secret, kyrenToken: sandboxPartner.kyrenToken! };
  }
  const [memberId, secret] = required(env, ["CONTRACT_MEMBER_ID", "CONTRACT_SECRET"]);
  // The Kyren token is only needed by a remote provider; a local one is started with a default.
  const [kyrenToken] = env.CONTRACT_BASE_URL
    ? required(env, ["CONTRACT_KYREN_TOKEN"])
    : [env.CONTRACT_KYREN_TOKEN ?? sandboxPartner.kyrenToken!];
  return { memberId: memberId!, secret: secret!, kyrenToken: kyrenToken! };
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * The request timeout of the local targets, milliseconds: short, so the 408 cases (a body
 * that never arrives) take a second each instead of the 10 s a deployment waits.
 */
const LOCAL_REQUEST_TIMEOUT_MS = 1000;

/**
 * Resolves the targets from the environment (see the file comment), starting the local
 * ones on 127.0.0.1 with OS-picked ports.
 *
 * @throws Error when a remote target is configured without its credentials
 */
export async function resolveTarget(env: NodeJS.ProcessEnv = process.env): Promise<ContractTarget> {
  const credentials = credentialsFrom(env);
  const partner: Partner = {
    ...sandboxPartner,
    memberId: credentials.memberId,
    secret: credentials.secret,
    kyrenToken: credentials.kyrenToken,
  };
  const stops: Array<() => Promise<void>> = [];
  try {
    const local = env.CONTRACT_BASE_URL && env.CONTRACT_OPERATOR_URL ? undefined : await import("./local-target.js");
    let providerUrl = env.CONTRACT_BASE_URL;
    let inspector: StoreInspector | undefined;
    if (!providerUrl) {
      const server = await local!.startLocalProvider({ partners: [partner], requestTimeoutMs: LOCAL_REQUEST_TIMEOUT_MS });
      stops.push(() => server.close());
      providerUrl = server.baseUrl;
      inspector = local!.storeInspector(server);
    }
    let operatorUrl = env.CONTRACT_OPERATOR_URL;
    if (!operatorUrl) {
      const receiver = await local!.startLocalReceiver([partner], { requestTimeoutMs: LOCAL_REQUEST_TIMEOUT_MS });
      stops.push(() => receiver.close());
      operatorUrl = receiver.baseUrl;
    }
    return {
      ...(inspector ? { inspector } : {}),
      providerUrl: withoutTrailingSlash(providerUrl),
      operatorUrl: withoutTrailingSlash(operatorUrl),
      credentials,
      started: { provider: env.CONTRACT_BASE_URL ? "remote" : "local", operator: env.CONTRACT_OPERATOR_URL ? "remote" : "local" },
      close: async () => {
        await Promise.all(stops.map((stop) => stop()));
      },
    };
  } catch (error) {
    await Promise.all(stops.map((stop) => stop()));
    throw error;
  }
}

/** The base URL that serves an operation's side. */
export function baseUrlFor(target: ContractTarget, side: "provider" | "operator"): string {
  return side === "provider" ? target.providerUrl : target.operatorUrl;
}
