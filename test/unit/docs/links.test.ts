// Every relative link of the README and the maintainers' pages (docs/*.md) points at a
// file that exists, and a link to a heading of a Markdown file at a heading it has
// (GitHub's anchors), so that moving or renaming a page or a section fails here by name.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/shared/spec-document.js";

const pages = [
  "README.md",
  ...readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** The targets of a page's Markdown links, outside code blocks and code spans. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const headings = markdown.replace(/^```[\s\S]*?^```$/gm, "").matchAll(/^#{1,6}\s+(.+?)\s*$/gm);
  return new Set(
    [...headings].map((match) => {
      const base = slug(match[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      return count ? `${base}-${count}` : base;
    }),
  );
}

describe("relative links of README.md and docs/", () => {
  it("finds the pages and their links", () => {
    expect(pages).toEqual(expect.arrayContaining(["README.md", "docs/operations.md", "docs/architecture.md"]));
    expect(linksOf(readFileSync(join(repoRoot, "README.md"), "utf8"))).toContain("docs/architecture.md");
    expect(slug("Callback delivery: concurrency")).toBe("callback-delivery-concurrency");
  });

  it.each(pages.map((page) => [page]))("%s links only to files and headings that exist", (page) => {
    const broken = linksOf(readFileSync(join(repoRoot, page), "utf8"))
      .filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link))
      .flatMap((link) => {
        const [path, anchor] = link.split("#") as [string, string | undefined];
        const target = path ? relative(repoRoot, join(repoRoot, dirname(page), path)) : page;
        if (!existsSync(join(repoRoot, target))) return [`${link}: no file ${target}`];
        if (anchor === undefined || !target.endsWith(".md")) return [];
        return anchorsOf(readFileSync(join(repoRoot, target), "utf8")).has(anchor) ? [] : [`${link}: no heading #${anchor} in ${target}`];
      });
    expect(broken).toEqual([]);
  });
});
