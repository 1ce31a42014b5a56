// The partner docs state the rule and its reason, not how the text came about:
// no seed page numbers, no "Decision"/"Gap" labels, no history page. That history
// lives in openapi/decisions.md, for maintainers, which nothing in the spec refers to.
// Headings carry no inline code, which Redoc's side menu drops together with the rest of
// the heading ("Step 1: the body `hash`" showed as "Step 1: the body").
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/shared/spec-document.js";
import { bundledSpec } from "../../support/spec-views.js";

/** Words of the project's history that partner-facing text must not use. */
const historyWords = /\b(seed|decision|gap)(s|ed)?\b/i;

/** Every string in a JSON value, with the JSON pointer where it sits. */
function stringsOf(node: unknown, pointer = ""): { pointer: string; text: string }[] {
  if (typeof node === "string") return [{ pointer, text: node }];
  if (Array.isArray(node)) return node.flatMap((item, index) => stringsOf(item, `${pointer}/${index}`));
  if (node && typeof node === "object")
    return Object.entries(node).flatMap(([key, value]) => stringsOf(value, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`));
  return [];
}

/** Files under `dir` (recursively) whose name ends with one of `extensions`. */
function filesUnder(dir: string, extensions: string[]): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The Markdown headings of a text, outside fenced code blocks. */
function headings(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").filter((line) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    return !fenced && /^#{1,6}\s/.test(line);
  });
}

const everyString = stringsOf(bundledSpec);

describe("partner-facing text", () => {
  it("scans the whole bundle: every description, summary, title, catalog entry, guide page and sample", () => {
    expect(everyString.length).toBeGreaterThan(300);
    expect(everyString.some(({ pointer }) => pointer === "/info/description")).toBe(true);
    expect(everyString.some(({ pointer }) => /x-codeSamples\/\d+\/source$/.test(pointer))).toBe(true);
  });

  it("never mentions the seed pages, decisions or gaps anywhere in the bundle", () => {
    const found = everyString
      .filter(({ text }) => historyWords.test(text))
      .map(({ pointer, text }) => `${pointer}: …${text.match(new RegExp(`.{0,40}${historyWords.source}.{0,40}`, "i"))![0]}…`);
    expect(found, "state the rule and its reason for partners; the history goes to openapi/decisions.md").toEqual([]);
  });

  it("never mentions them in the sources either: every YAML file under openapi/ (comments too) and every page under openapi/docs/", () => {
    const sources = [
      ...filesUnder(join(repoRoot, "openapi"), [".yaml"]).filter((file) => !relative(repoRoot, file).startsWith("openapi/releases/")),
      ...filesUnder(join(repoRoot, "openapi/docs"), [".md", ".json"]),
      join(repoRoot, "openapi/CHANGELOG.md"),
    ];
    expect(sources.length).toBeGreaterThan(40);
    const found = sources.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, index) => ({ line, at: `${relative(repoRoot, file)}:${index + 1}` }))
        .filter(({ line }) => /seed|decision|gap/i.test(line))
        .map(({ line, at }) => `${at}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it("has no heading with inline code on any page, so that the side menu shows each heading in full", () => {
    const pages = everyString.filter(({ pointer }) => pointer === "/info/description" || /^\/tags\/\d+\/description$/.test(pointer));
    expect(pages.length).toBeGreaterThan(5);
    const withCode = pages.flatMap(({ pointer, text }) =>
      headings(text)
        .filter((heading) => heading.includes("`"))
        .map((heading) => `${pointer}: ${heading}`),
    );
    expect(withCode).toEqual([]);
  });

  it("has no history page: no tag or group refers to decisions, and the guides start with Getting started", () => {
    const spec = bundledSpec as unknown as { tags: { name: string }[]; "x-tagGroups": { name: string; tags: string[] }[] };
    const guides = spec["x-tagGroups"].find((group) => group.name === "Guides")!;
    expect(guides.tags[0]).toBe("Getting started");
    expect(guides.tags).toContain("Go-live checklist");
    for (const name of guides.tags) expect(spec.tags.map((tag) => tag.name)).toContain(name);
    expect(JSON.stringify(bundledSpec)).not.toContain("decisions.md");
  });
});

describe("openapi/decisions.md, the maintainers' index of decisions", () => {
  const index = readFileSync(join(repoRoot, "openapi/decisions.md"), "utf8");
  const rows = index.split("\n").filter((line) => /^\| \d+ \|/.test(line));

  it("keeps every decision, numbered without gaps, each with the conflict, the decision, the reason and where the rule lives", () => {
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(rows.map((row) => Number(row.split("|")[1]))).toEqual(rows.map((_row, index) => index + 1));
    for (const row of rows)
      expect(
        row
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim())
          .filter(Boolean),
        row.slice(0, 40),
      ).toHaveLength(6);
  });

  it("points at files of openapi/ that exist", () => {
    const missing = rows.flatMap((row) => {
      const where = row.split("|").at(-2)!;
      const files = [...where.matchAll(/`([\w./-]+\.(?:yaml|md|json))`/g)].map((match) => match[1]!);
      expect(files.length, `row ${row.slice(0, 8)} names no file`).toBeGreaterThan(0);
      // A bare file name continues the folder of the previous path in its cell (`components/schemas/A.yaml`, `B.yaml`).
      let folder = "";
      return files.flatMap((file) => {
        if (file.includes("/")) folder = file.slice(0, file.lastIndexOf("/") + 1);
        const path = file.includes("/") ? file : `${folder}${file}`;
        try {
          readFileSync(join(repoRoot, "openapi", path));
          return [];
        } catch {
          return [`row ${row.split("|")[1]!.trim()}: openapi/${path}`];
        }
      });
    });
    expect(missing).toEqual([]);
  });

  it("is linked from both READMEs and the maintainers' architecture page", () => {
    expect(readFileSync(join(repoRoot, "README.md"), "utf8").includes("`openapi/decisions.md`"), "README.md, Where to go next").toBe(true);
    const architecture = readFileSync(join(repoRoot, "docs/architecture.md"), "utf8");
    expect(architecture.includes("`openapi/decisions.md`"), "docs/architecture.md, Where to find things").toBe(true);
    expect(readFileSync(join(repoRoot, "openapi/README.md"), "utf8").includes("[decisions.md](decisions.md)"), "openapi/README.md").toBe(
      true,
    );
  });
});
