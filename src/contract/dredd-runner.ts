/**
 * Runs Dredd 14 as a child process on the bundle (`generated/openapi.json`) with the contract
 * hooks (`dredd-hooks.cjs`, under tsx so they can require the TypeScript case table), and
 * reads back what happened: Dredd's xunit report, the hooks' JSON-lines record, the exit
 * code and the console output.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../shared/spec-document.js";
import type { Credentials } from "./cases.js";

/** One `<testcase>` of Dredd's xunit report; `title` is Dredd's transaction id (`POST (400) /api/session?...`). */
export interface DreddTestcase {
  title: string;
  outcome: "pass" | "fail" | "skip";
  /** The failure text, when it failed. */
  detail: string;
}

/** One line the hooks appended (see `dredd-hooks.cjs`). */
export interface HookRecord {
  event: "loaded" | "transaction";
  name?: string;
  id?: string;
  action?: string;
  case?: string;
  reason?: string;
  detail?: string;
  missing?: string[];
}

/** The outcome of one Dredd run. */
export interface DreddRun {
  exitCode: number | null;
  /** stdout and stderr, for failure messages. */
  output: string;
  /** The `<testsuite>` totals of the xunit report. */
  totals: { tests: number; failures: number; errors: number; skip: number };
  testcases: DreddTestcase[];
  hookRecords: HookRecord[];
}

/** Options of `runDredd`. */
export interface DreddOptions {
  /** Dredd's endpoint: the base URL of the side under test. */
  endpoint: string;
  side: "provider" | "operator";
  credentials: Credentials;
  /** Only these transaction names (Dredd `--only`). */
  only?: string[];
  /** Kill Dredd after this long (default 60 s). */
  timeoutMs?: number;
}

const dreddBin = join(repoRoot, "node_modules/dredd/bin/dredd");
const hookFile = join(repoRoot, "src/contract/dredd-hooks.cjs");
const bundle = join(repoRoot, "generated/openapi.json");

function decodeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_match, code) => String.fromCodePoint(Number(code)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Parses the xunit file written by Dredd's XUnitReporter.
 *
 * @throws Error when the file has no `<testsuite>` element
 */
export function parseXunit(xml: string): Pick<DreddRun, "totals" | "testcases"> {
  const suite = /<testsuite ([^>]*)>/.exec(xml);
  if (!suite) throw new Error(`not a Dredd xunit report:\n${xml.slice(0, 500)}`);
  const attribute = (name: string) => Number(new RegExp(`\\b${name}="([^"]*)"`).exec(suite[1]!)?.[1]);
  const testcases: DreddTestcase[] = [];
  for (const match of xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const inner = match[3] ?? "";
    const outcome = inner.includes("<skipped") ? "skip" : inner.includes("<failure") ? "fail" : "pass";
    testcases.push({ title: decodeXml(match[1]!), outcome, detail: inner });
  }
  return {
    totals: { tests: attribute("tests"), failures: attribute("failures"), errors: attribute("errors"), skip: attribute("skip") },
    testcases,
  };
}

/**
 * Runs Dredd once against one side and waits for it to exit.
 *
 * @throws Error with Dredd's output when it does not exit within the timeout (it is killed)
 *   or writes no xunit report
 */
export async function runDredd(options: DreddOptions): Promise<DreddRun> {
  const dir = mkdtempSync(join(tmpdir(), "contract-dredd-"));
  const xunit = join(dir, "report.xml");
  const records = join(dir, "hooks.jsonl");
  const args = [
    "--import",
    "tsx",
    dreddBin,
    bundle,
    options.endpoint,
    "--hookfiles",
    hookFile,
    "--reporter",
    "xunit",
    "--output",
    xunit,
    "--no-color",
    "--loglevel",
    "warning",
  ];
  for (const name of options.only ?? []) args.push("--only", name);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      CONTRACT_HOOKS_SIDE: options.side,
      CONTRACT_HOOKS_BASE_URL: options.endpoint,
      CONTRACT_HOOKS_MEMBER_ID: options.credentials.memberId,
      CONTRACT_HOOKS_SECRET: options.credentials.secret,
      CONTRACT_HOOKS_KYREN_TOKEN: options.credentials.kyrenToken,
      CONTRACT_HOOKS_RECORD: records,
    },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`Dredd (${options.side}) did not finish within ${options.timeoutMs ?? 60_000} ms:\n${output}`));
      }, options.timeoutMs ?? 60_000);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    let xml: string;
    try {
      xml = readFileSync(xunit, "utf8");
    } catch {
      throw new Error(`Dredd (${options.side}) wrote no xunit report (exit ${exitCode}):\n${output}`);
    }
    let hookRecords: HookRecord[] = [];
    try {
      hookRecords = readFileSync(records, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as HookRecord);
    } catch {
      // No record: the hooks were not loaded; the tests say so.
    }
    return { exitCode, output, ...parseXunit(xml), hookRecords };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
