/**
 * One contract run: Dredd and the hand-made case of every documented response, then the
 * generated checks (positive and negative data, ignored auth, stateful sequences,
 * unsupported methods, unknown paths), every answer held to the answer checks
 * (`conformance.ts`). Returns the report (grouped by check), the probe results and the
 * rate of the generated requests.
 */
import { positiveProbes, negativeProbes } from "./checks/data.js";
import { documentedProbes } from "./checks/documented.js";
import { dreddReportCases } from "./checks/dredd.js";
import { ignoredAuthProbes } from "./checks/ignored-auth.js";
import { pathVariantProbes, unknownPathProbes, unsupportedMethodProbes } from "./checks/routing.js";
import { statefulProbes } from "./checks/stateful.js";
import { generatedOperations, type GenerationContext } from "./checks/context.js";
import { DEFAULT_TOLERANCE_SECONDS } from "@luckymonaco/session-api-client";
import { boundaryBuilders, type BoundaryCheck, type BoundaryContext } from "./boundaries/index.js";
import { allOperations } from "./bundle.js";
import { describeClock, estimateClock, type TargetClock } from "./clock.js";
import type { CheckGroup } from "./config.js";
import { runProbes } from "./probe.js";
import type { Exchange, Probe, ProbeResult } from "./types.js";
import type { Report, ReportCase } from "./report/model.js";
import { redactCases } from "./report/redact.js";
import type { ReproductionContext } from "./reproduce.js";
import { probeReportCases } from "./summarize.js";
import type { ContractTarget } from "./target.js";

/** Options of `runContract`. */
export interface ContractRunOptions {
  target: ContractTarget;
  seed: number;
  /** Generated requests per operation and check. */
  cases: number;
  checks: ReadonlySet<CheckGroup>;
  /** Probes in flight at once (default 16). */
  concurrency?: number;
  /** The targets' freshness tolerance, seconds (default 300). */
  toleranceSeconds?: number;
}

/** The figures of the generated checks. */
export interface GeneratedFigures {
  probes: number;
  requests: number;
  /** Drawing the bodies and sending them, seconds. */
  seconds: number;
  /** Requests per second. */
  rate: number;
}

/** What a run found. */
export interface ContractRunResult {
  report: Report;
  /** Every probe's result (hand-made and generated). */
  results: ProbeResult[];
  generated: GeneratedFigures;
  /** True when any report case failed. */
  failed: boolean;
}

/** The generated and boundary probes of the selected checks, in a fixed order. */
function generatedProbes(checks: ReadonlySet<CheckGroup>, context: GenerationContext, boundaries: BoundaryContext): Probe[] {
  const builders: Array<[CheckGroup, () => Probe[]]> = [
    ["positive_data_acceptance", () => positiveProbes(context)],
    ["negative_data_rejection", () => negativeProbes(context)],
    ["ignored_auth", () => ignoredAuthProbes(context)],
    ["stateful_sequences", () => [...statefulProbes(context), ...boundaryBuilders.stateful_sequences(boundaries)]],
    ["unsupported_method", () => unsupportedMethodProbes()],
    ["unknown_path", () => [...pathVariantProbes(), ...unknownPathProbes(context)]],
    ...(Object.keys(boundaryBuilders) as BoundaryCheck[])
      .filter((check) => check !== "stateful_sequences")
      .map((check): [CheckGroup, () => Probe[]] => [check, () => boundaryBuilders[check](boundaries)]),
  ];
  return builders.filter(([check]) => checks.has(check)).flatMap(([, build]) => build());
}

/** The estimated clocks of both targets (their `Date` headers), for the freshness probes. */
async function targetClocks(target: ContractTarget): Promise<Record<"provider" | "operator", TargetClock>> {
  const pathOf = (side: "provider" | "operator") => allOperations.find((operation) => operation.implementedBy === side)!.path;
  const [provider, operator] = await Promise.all([
    estimateClock(target.providerUrl, pathOf("provider")),
    estimateClock(target.operatorUrl, pathOf("operator")),
  ]);
  return { provider, operator };
}

/** A local target's address in a reproduction script: the default unless the shell variable is set. */
const localBaseUrl = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template slot
  provider: "${BASE_URL:-http://127.0.0.1:3000}",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template slot
  operator: "${OPERATOR_URL:-http://127.0.0.1:3100}",
} as const;

/**
 * How reproductions address a target: its URL when remote; when local (it stops with
 * the run) the sandbox of `npm start` / `npm run operator`, which trusts the same partner.
 */
export function reproductionContexts(target: ContractTarget): (exchange: Exchange) => ReproductionContext {
  return (exchange) => {
    const side = exchange.step.side;
    const local = target.started[side] === "local";
    const baseUrl = local ? localBaseUrl[side] : exchange.baseUrl;
    return { baseUrl, secretVariable: "CONTRACT_SECRET", kyrenTokenVariable: "CONTRACT_KYREN_TOKEN" };
  };
}

/**
 * Runs the selected checks against the target.
 *
 * @returns the report and figures; never throws for what a target answers
 * @throws Error when Dredd cannot be run or a probe is inconsistent (a bug of the tester)
 */
export async function runContract(options: ContractRunOptions): Promise<ContractRunResult> {
  const { target, checks } = options;
  const baseUrls = { provider: target.providerUrl, operator: target.operatorUrl };
  const clocks = checks.has("freshness_tolerance") ? await targetClocks(target) : undefined;
  const run = (probes: Probe[]) => runProbes(probes, baseUrls, { concurrency: options.concurrency ?? 16, ...(clocks ? { clocks } : {}) });
  const [dreddCases, documented] = await Promise.all([
    checks.has("dredd") ? dreddReportCases(baseUrls, target.credentials) : Promise.resolve<ReportCase[]>([]),
    checks.has("documented_responses") ? run(documentedProbes(target.credentials)) : Promise.resolve<ProbeResult[]>([]),
  ]);
  const context: GenerationContext = {
    credentials: target.credentials,
    seed: options.seed,
    cases: options.cases,
    ...(target.inspector ? { inspector: target.inspector } : {}),
  };
  const started = performance.now();
  const boundaries: BoundaryContext = {
    credentials: target.credentials,
    toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    operations: generatedOperations(),
  };
  const generated = await run(generatedProbes(checks, context, boundaries));
  const seconds = (performance.now() - started) / 1000;
  const requests = generated.reduce((sum, result) => sum + result.exchanges.length, 0);
  const results = [...documented, ...generated];
  const { secret, kyrenToken } = target.credentials;
  const cases = redactCases([...dreddCases, ...probeReportCases(results, reproductionContexts(target))], [secret, kyrenToken]);
  const figures: GeneratedFigures = { probes: generated.length, requests, seconds, rate: seconds > 0 ? requests / seconds : 0 };
  const summary = [
    `provider: ${target.providerUrl} (${target.started.provider}); operator: ${target.operatorUrl} (${target.started.operator}); partner ${target.credentials.memberId}`,
    `seed ${options.seed}, ${options.cases} generated requests per operation and check; checks: ${[...checks].join(", ")}`,
    ...(clocks
      ? [
          `clocks (for the freshness probes, tolerance ${boundaries.toleranceSeconds} s): provider: ${describeClock(clocks.provider)}; operator: ${describeClock(clocks.operator)}`,
        ]
      : []),
    `generated: ${figures.requests} requests (${figures.probes} cases) in ${figures.seconds.toFixed(1)} s, ${Math.round(figures.rate)} requests/s`,
    `run it again: CONTRACT_SEED=${options.seed} CONTRACT_CASES=${options.cases} npm run contract`,
  ];
  return {
    report: { title: "Lucky Monaco session API: contract tests", summary, cases },
    results,
    generated: figures,
    failed: cases.some((entry) => entry.outcome === "failed"),
  };
}
