/**
 * A human-readable HTML report: one self-contained file (no script, no request to
 * anywhere), the summary first, then the hints, then one section per suite with its
 * cases, failures and warnings open, each with its details (exchanges and reproductions).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { bySuite, countOutcomes, type Outcome, type Report } from "./model.js";

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[character]!);
}

const mark: Record<Outcome, string> = { passed: "✓", failed: "✗", skipped: "–", warning: "!" };

const style = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
.passed{color:#1a7f37}.failed{color:#cf222e}.skipped{color:#777}.warning{color:#9a6700}
details{margin:.3em 0}summary{cursor:pointer}pre{background:#f6f8fa;padding:.7em;overflow:auto;white-space:pre-wrap;word-break:break-all}
ul.summary{list-style:none;padding:0}ul.hints{border-left:4px solid #9a6700;background:#fff8c5;padding:.5em 1em .5em 2em}`;

/** The HTML text of `report`. */
export function renderHtml(report: Report): string {
  const counts = countOutcomes(report.cases);
  const sections = [...bySuite(report.cases)].map(([suite, cases]) => {
    const suiteCounts = countOutcomes(cases);
    const items = cases
      .map((entry) => {
        const open = entry.outcome === "failed" || entry.outcome === "warning" ? " open" : "";
        const body = [
          entry.message ? `<p>${escapeHtml(entry.message)}</p>` : "",
          entry.details ? `<pre>${escapeHtml(entry.details)}</pre>` : "",
        ].join("");
        const head = `<span class="${entry.outcome}">${mark[entry.outcome]} ${entry.outcome}</span> ${escapeHtml(entry.name)}`;
        return body ? `<details${open}><summary>${head}</summary>${body}</details>` : `<div>${head}</div>`;
      })
      .join("\n");
    return `<section><h2>${escapeHtml(suite)} <small>(${suiteCounts.passed} passed, ${suiteCounts.failed} failed${suiteCounts.warning ? `, ${suiteCounts.warning} warnings` : ""}${suiteCounts.skipped ? `, ${suiteCounts.skipped} skipped` : ""})</small></h2>\n${items}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(report.title)}</title><style>${style}</style></head>
<body><h1>${escapeHtml(report.title)}</h1>
<p><span class="passed">${counts.passed} passed</span>, <span class="failed">${counts.failed} failed</span>, <span class="warning">${counts.warning} warnings</span>, <span class="skipped">${counts.skipped} skipped</span></p>
<ul class="summary">${report.summary.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>
${report.hints?.length ? `<h2 class="warning">Hints</h2>\n<ul class="hints">${report.hints.map((hint) => `<li>${escapeHtml(hint)}</li>`).join("")}</ul>` : ""}
${sections.join("\n")}
</body></html>
`;
}

/** Writes the HTML report to `file` (folders are created). */
export function writeHtml(report: Report, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderHtml(report));
}
