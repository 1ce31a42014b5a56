/**
 * `npm run docs:tables`: writes the tables of docs/operations.md that come from a
 * definition in the code, each between two marker comments, so that a table and its
 * definition never disagree:
 *
 *   server-env    the reference server's environment variables (src/server/config.ts)
 *   operator-env  the example receiver's (src/operator/config.ts)
 *   contract-env  the contract tester's (src/contract/config.ts)
 *   metrics       the Prometheus metrics (src/server/delivery/metrics.ts, src/server/background/metrics.ts)
 *
 * `-- --check` writes nothing and exits 1 when the page is out of date;
 * test/unit/codegen/docs-tables.test.ts fails the same way, like the generated/ drift test.
 * Unlike the rest of codegen/, this reads the runtime's own definitions, not the spec.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { contractEnv } from "../contract/config.js";
import { operatorEnv } from "../operator/config.js";
import { jobMetricDefinitions } from "../server/background/metrics.js";
import { serverEnv } from "../server/config.js";
import { deliveryMetricDefinitions, PROCESS_METRICS_PREFIX } from "../server/delivery/metrics.js";
import { allowedValues, type EnvDefinition } from "../shared/env.js";
import type { MetricDefinition } from "../shared/metric-definition.js";
import { repoRoot } from "../shared/spec-document.js";

/** The page the tables are written into, relative to the repository. */
export const TABLES_PAGE = "docs/operations.md";

/** A cell's text with the characters that would break a Markdown table row escaped. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();

/** A Markdown table: Variable, Default, Accepts, Meaning; one row per variable in the definition's order. */
export function renderEnvTable(definition: EnvDefinition): string {
  const rows = Object.entries(definition.properties).map(([name, variable]) => {
    const fallback = variable.default === undefined ? "unset" : `\`${variable.default}\``;
    return `| \`${name}\` | ${cell(fallback)} | ${cell(allowedValues(variable))} | ${cell(variable.description)} |`;
  });
  return ["| Variable | Default | Accepts | Meaning |", "|---|---|---|---|", ...rows].join("\n");
}

function labelsCell(metric: MetricDefinition): string {
  if (metric.labelNames.length === 0) return "none";
  return metric.labelNames
    .map((label) => {
      const values = metric.labelValues?.[label];
      return values ? `\`${label}\` (${values.map((value) => `\`${value}\``).join(", ")})` : `\`${label}\``;
    })
    .join(", ");
}

/** A Markdown table: Metric, Type, Labels (with their values where fixed), Help; then a line on the process metrics. */
export function renderMetricsTable(metrics: readonly MetricDefinition[], processPrefix: string): string {
  const rows = metrics.map((metric) => `| \`${metric.name}\` | ${metric.type} | ${labelsCell(metric)} | ${cell(metric.help)} |`);
  const processLine = `Plus prom-client's default process metrics (CPU, memory, event-loop lag), prefixed \`${processPrefix}\`.`;
  return ["| Metric | Type | Labels | Help |", "|---|---|---|---|", ...rows, "", processLine].join("\n");
}

/** Every generated table of the page, by marker name. */
export function docsTables(): Record<string, string> {
  return {
    "server-env": renderEnvTable(serverEnv),
    "operator-env": renderEnvTable(operatorEnv),
    "contract-env": renderEnvTable(contractEnv),
    metrics: renderMetricsTable(
      [...Object.values(deliveryMetricDefinitions), ...Object.values(jobMetricDefinitions)],
      PROCESS_METRICS_PREFIX,
    ),
  };
}

const begin = (name: string) => `<!-- BEGIN generated table ${name}: npm run docs:tables writes it from its definition; do not edit -->`;
const end = (name: string) => `<!-- END generated table ${name} -->`;

/**
 * `page` with the text between each table's markers replaced by the table.
 *
 * @throws Error naming a table whose markers are missing or out of order
 */
export function fillTables(page: string, tables: Record<string, string>): string {
  let filled = page;
  for (const [name, table] of Object.entries(tables)) {
    const from = filled.indexOf(begin(name));
    const to = filled.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`${TABLES_PAGE} needs the lines\n${begin(name)}\n${end(name)}\naround the table ${name}`);
    filled = `${filled.slice(0, from + begin(name).length)}\n${table}\n${filled.slice(to)}`;
  }
  return filled;
}

function main(argv: readonly string[]): number {
  const path = join(repoRoot, TABLES_PAGE);
  const page = readFileSync(path, "utf8");
  const filled = fillTables(page, docsTables());
  if (argv.includes("--check")) {
    if (filled === page) return 0;
    console.error(`${TABLES_PAGE} is out of date: run npm run docs:tables`);
    return 1;
  }
  if (filled !== page) writeFileSync(path, filled);
  console.log(filled === page ? `${TABLES_PAGE}: tables up to date` : `${TABLES_PAGE}: tables written`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
