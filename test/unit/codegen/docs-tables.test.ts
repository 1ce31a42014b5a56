// Drift check of the generated tables of docs/operations.md: each environment-variable
// table and the metrics table must be exactly what its definition in the code generates.
// A failure means a variable or a metric changed without `npm run docs:tables`, or the
// table was edited by hand.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { docsTables, fillTables, renderEnvTable, TABLES_PAGE } from "../../../src/codegen/docs-tables.js";
import { serverEnv } from "../../../src/server/config.js";
import { repoRoot } from "../../../src/shared/spec-document.js";

const page = readFileSync(join(repoRoot, TABLES_PAGE), "utf8");
const tables = docsTables();

describe(`${TABLES_PAGE}, generated tables`, () => {
  it.each(Object.keys(tables).map((name) => [name]))("%s matches its definition (run `npm run docs:tables` if not)", (name) => {
    expect(fillTables(page, { [name]: tables[name]! })).toBe(page);
  });

  it("lists every variable of the server and every metric, by name", () => {
    for (const name of Object.keys(serverEnv.properties)) expect(tables["server-env"]).toContain(`| \`${name}\` |`);
    expect(tables.metrics).toContain("| `session_expired_callback_attempts_total` | counter | `partner`, `outcome` (`delivered`,");
    expect(tables.metrics).toContain("| `session_api_background_last_success_timestamp_seconds` | gauge | `job` (`expiry`");
  });

  it("notices a hand edit and a table whose markers are gone", () => {
    const edited = page.replace("| `PORT` | `3000` |", "| `PORT` | `8080` |");
    expect(edited).not.toBe(page);
    expect(fillTables(edited, tables)).toBe(page);
    expect(() => fillTables("# a page without markers\n", { "server-env": renderEnvTable(serverEnv) })).toThrow(
      /needs the lines[\s\S]*server-env/,
    );
  });
});
