// The docs layout in Chromium at a laptop's width (1280 px) and a phone's (390 px), as the
// template's styles (openapi/docs/site/template.hbs) set it: at 1280 px the text column
// is at least 500 px wide (Redoc's halves left it about 400 px); code in a table never
// breaks between two letters or digits ("/api/sessi on"), only at a space, a slash or a
// hyphen; and at 390 px no table is wider than the column it sits in (a clipped column),
// because each row becomes a card whose cells name their column. Every check waits for
// what it measures: the table rendered, the web fonts settled, the cells labelled.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../../src/codegen/spec.js";
import { haveChromium, launchChromium, watchedPage } from "../../support/chromium.js";
import { tagRoute } from "../../support/spec-views.js";

const enabled = haveChromium();
const docsUrl = pathToFileURL(join(repoRoot, "dist/docs/index.html")).href;
let browser: Browser;

beforeAll(async () => {
  if (enabled) browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** What the layout checks read from a rendered section. */
interface TableFacts {
  /** Width of the text column that holds the section's first table, CSS px. */
  column: number;
  /** Per table: how far it reaches past its column (px, > 0 is clipped), and whether its cells carry their column's name. */
  tables: { head: string; overflow: number; labelled: boolean }[];
  /** Inline code of the tables that broke between two letters or digits: the code and the two characters. */
  midToken: string[];
  /** How far the page scrolls sideways, px. */
  pageOverflow: number;
}

/**
 * Opens a section at a width and reads the facts once its tables are rendered, the fonts
 * settled and (at a phone's width) every cell labelled.
 */
async function tableFacts(page: Page, route: string, phone: boolean): Promise<TableFacts> {
  await page.goto(`${docsUrl}#/${route}`, { waitUntil: "load" });
  await page.waitForFunction(
    (labelled) => {
      const tables = Array.from(document.querySelectorAll("main table"));
      return tables.length > 0 && (!labelled || tables.every((table) => table.querySelector("tbody td[data-label]") !== null));
    },
    phone,
    { timeout: 15_000 },
  );
  await page.evaluate(() =>
    document.fonts.ready.then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))),
  );
  return page.evaluate(() => {
    const tables = Array.from(document.querySelectorAll<HTMLTableElement>("main table")).filter(
      (table) => table.getBoundingClientRect().width > 0,
    );
    const columnOf = (table: HTMLElement) =>
      table.closest<HTMLElement>('[data-component-name="Markdown/Markdown"]') ?? table.parentElement!;
    const midToken: string[] = [];
    for (const code of tables.flatMap((table) => Array.from(table.querySelectorAll("code")))) {
      const text = code.firstChild;
      if (!(text instanceof Text)) continue;
      const range = document.createRange();
      let previous: number | undefined;
      for (let index = 0; index < text.length; index++) {
        range.setStart(text, index);
        range.setEnd(text, index + 1);
        const rect = range.getClientRects()[0];
        if (!rect || rect.width === 0) continue;
        // A new line starts at this character: the break is mid-token when the characters on both sides of it are letters or digits.
        const [before, after] = [text.data[index - 1] ?? "", text.data[index]!];
        if (previous !== undefined && rect.top > previous + 2 && /[A-Za-z0-9]/.test(before) && /[A-Za-z0-9]/.test(after))
          midToken.push(`${text.data} (${before}|${after})`);
        previous = rect.top;
      }
    }
    return {
      column: columnOf(tables[0]!).getBoundingClientRect().width,
      tables: tables.map((table) => {
        const column = columnOf(table).getBoundingClientRect();
        const wrapper = table.parentElement!;
        return {
          head: (table.querySelector("th")?.textContent ?? "").trim(),
          overflow: Math.max(table.getBoundingClientRect().right - column.right, wrapper.scrollWidth - wrapper.clientWidth),
          labelled: Array.from(table.querySelectorAll("tbody td")).every((cell) => cell.hasAttribute("data-label")),
        };
      }),
      midToken,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

/** The sections with the widest tables: the introduction (the operations table), the error catalog and the downloads. */
const sections = ["", tagRoute("Error catalog"), tagRoute("Downloads")];

describe.skipIf(!enabled)("docs layout in Chromium", () => {
  it("at 1280 px: a text column of 500 px or more, no table clipped, no code broken mid-token", async () => {
    const { page, context } = await watchedPage(browser, "file:", { width: 1280, height: 900 });
    try {
      for (const route of sections) {
        const facts = await tableFacts(page, route, false);
        expect(facts.column, `text column of #/${route}`).toBeGreaterThanOrEqual(500);
        expect(
          facts.tables.filter((table) => table.overflow > 1),
          `#/${route}`,
        ).toEqual([]);
        expect(facts.midToken, `#/${route}`).toEqual([]);
        expect(facts.pageOverflow).toBeLessThanOrEqual(0);
      }
    } finally {
      await context.close();
    }
  });

  it("at 390 px: every table fits its column as labelled cards, no code broken mid-token, no sideways scrolling", async () => {
    const { page, context } = await watchedPage(browser, "file:", { width: 390, height: 844 });
    try {
      for (const route of sections) {
        const facts = await tableFacts(page, route, true);
        expect(facts.tables.length, `#/${route}`).toBeGreaterThan(0);
        expect(
          facts.tables.filter((table) => table.overflow > 1),
          `#/${route}`,
        ).toEqual([]);
        expect(
          facts.tables.filter((table) => !table.labelled).map((table) => table.head),
          `#/${route}`,
        ).toEqual([]);
        expect(facts.midToken, `#/${route}`).toEqual([]);
        expect(facts.pageOverflow).toBeLessThanOrEqual(0);
      }
    } finally {
      await context.close();
    }
  });
});
