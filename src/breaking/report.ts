/**
 * The gate's report for people: every change on its own lines, breaking ones first, with
 * its classification, what changed, where in the bundle (JSON pointer) and where partners
 * meet it (operation, request or response status), then the verdict.
 */
import type { Change, Usage } from "./changes.js";
import type { Verdict } from "./gate.js";
import type { Contract } from "./releases.js";

/** A file path as the report shows it: relative to `root` when it is inside it. */
const shown = (file: string, root: string) => (file.startsWith(root) ? file.slice(root.length).replace(/^\//, "") : file);

/** `enterGameSession (POST /api/session): request, response 400, 401` — one line per operation. */
function usageLines(usages: Usage[]): string[] {
  const byOperation = new Map<string, string[]>();
  for (const { operation, part } of usages) byOperation.set(operation, [...(byOperation.get(operation) ?? []), part].filter(Boolean));
  return [...byOperation].map(([operation, parts]) => {
    const statuses = parts.filter((part) => part.startsWith("response ")).map((part) => part.slice("response ".length));
    const others = parts.filter((part) => !part.startsWith("response "));
    const listed = [...others, ...(statuses.length > 0 ? [`response ${statuses.join(", ")}`] : [])];
    return listed.length > 0 ? `${operation}: ${listed.join(", ")}` : operation;
  });
}

/**
 * Renders the report.
 *
 * @param root the repository root, to show paths relative to it
 * @returns the text, ending in a newline
 */
export function renderReport(baseline: Contract, current: Contract, changes: Change[], verdict: Verdict, root: string): string {
  const lines = [
    `Breaking-change gate: ${shown(current.file, root)} (info.version ${current.version.text}) against the released ${shown(baseline.file, root)} (${baseline.version.text})`,
    "",
  ];
  for (const change of changes) {
    const label = change.classification === "breaking" ? "BREAKING  " : "compatible";
    lines.push(`${label} ${change.message} [${change.source === "gate" ? "gate" : "openapi-diff"}: ${change.rule}]`);
    lines.push(`           at ${change.pointer}`);
    for (const [index, line] of usageLines(change.usages).entries()) lines.push(`           ${index === 0 ? "in" : "  "} ${line}`);
  }
  const breaking = changes.filter((change) => change.classification === "breaking").length;
  if (changes.length > 0) lines.push("");
  lines.push(`${breaking} breaking, ${changes.length - breaking} compatible.`);
  lines.push(`${verdict.pass ? "PASS" : "FAIL"}: ${verdict.reason}`);
  return `${lines.join("\n")}\n`;
}
