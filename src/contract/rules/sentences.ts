/**
 * The normative sentences of the spec, as the rule inventory sees them: every prose text
 * of the bundle (`generated/openapi.json`) that says how the API behaves (the
 * introduction, the guides, every operation, parameter, schema, property, response and
 * security scheme description, the error catalog's meanings and retry advice), cut into
 * sentences, list items and table rows, of which those that state a rule are kept.
 *
 * A sentence states a rule when it names a status or a catalog code, or uses one of the
 * words of `NORMATIVE` (must, never, refuse, ignore, the same, before, tolerance, …).
 * The filter is deliberately wide: a new rule written in the spec is a sentence that
 * nobody's rule claims yet, and the inventory test fails until one does.
 *
 * Not read: the changelog and the versioning policy (history and policy, not behaviour),
 * the two generated pages (the signing vectors, checked by the signing tests; the error
 * catalog page, whose entries are read here from `x-error-catalog`), examples, servers,
 * and code (fenced blocks, inline code alone on a line).
 */
import type { OpenApiDocument } from "../../shared/spec-document.js";

/** One normative sentence and where it stands. */
export interface SpecSentence {
  /** JSON pointer of the text in the bundle, e.g. `/components/schemas/Uuid4/description`. */
  pointer: string;
  /** The sentence, white space collapsed, markdown kept. */
  text: string;
}

/** What makes a sentence normative (besides a status or a catalog code). */
export const NORMATIVE = new RegExp(
  [
    // obligation, permission, refusal
    "must",
    "should",
    "never",
    "always",
    "only",
    "cannot",
    "may",
    "refus\\w*",
    "reject\\w*",
    "ignor\\w*",
    "accept\\w*",
    "requir\\w*",
    "optional",
    "allow\\w*",
    // the imperatives of the signing steps and the checklist
    "take",
    "leave out",
    "keep",
    "writ\\w*",
    "append",
    "put",
    "serialis\\w*",
    "send",
    "sent",
    "sends",
    "compute",
    "check\\w*",
    "compare\\w*",
    "use",
    "uses",
    "answer\\w*",
    // quantities, order, identity
    "at most",
    "at least",
    "exactly",
    "more than",
    "longer than",
    "larger than",
    "further than",
    "same",
    "first",
    "before",
    "after",
    "default",
    "tolerance",
    "limit\\w*",
    "bytes",
    "seconds",
    "integer",
    "hex",
    "lower(?:-| )?case",
    "upper(?:-| )?case",
    "case-(?:in)?sensitive",
    "timing-safe",
    // signatures, answers, state
    "signed",
    "covers?",
    "carr(?:y|ies)",
    "envelope",
    "lists",
    "closed",
    "nothing was done",
    "has no",
    "is not",
    "are not",
    "no longer",
    "retr(?:y|ies|ied)",
    "dedupe\\w*",
    "duplicate",
    "idempoten\\w*",
    "repeat\\w*",
    "replay\\w*",
  ]
    .map((word) => `\\b${word}\\b`)
    .join("|"),
  "i",
);

/** A status or a catalog code. */
const CODED = /\b[GV]\.\d\d\b|\b[1-5]\d\d\b/;

/** The tags whose pages are not read (see the file comment). */
const SKIPPED_TAGS = new Set(["Changelog", "Versioning policy", "Signing test vectors", "Error catalog"]);

/** Keys whose string values are prose to read. */
const PROSE_KEYS = new Set(["description", "meaning", "retry"]);

/** Subtrees not read: examples and servers. */
const skipped = (pointer: string) => /\/examples?(\/|$)|^\/servers|\/servers\/|\/x-codeSamples|\/x-tagGroups/.test(pointer);

/** Cuts markdown prose into sentences, list items and table rows. */
export function sentencesOf(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, "\n").replace(/<!--[\s\S]*?-->/g, "\n");
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push(paragraph.join(" "));
    paragraph = [];
  };
  for (const raw of withoutCode.split("\n")) {
    const line = raw.trim();
    if (line === "" || /^#{1,6}\s/.test(line) || /^!\[/.test(line) || /^\|?[\s:|-]+\|?$/.test(line)) {
      flush();
      continue;
    }
    if (line.startsWith("|")) {
      flush();
      blocks.push(
        line
          .replace(/^\||\|$/g, "")
          .split("|")
          .map((cell) => cell.trim())
          .join(" | "),
      );
      continue;
    }
    // A list item starts a new block.
    if (/^(\d+\.|[-*])\s/.test(line)) flush();
    paragraph.push(line.replace(/^(\d+\.|[-*])\s+/, ""));
  }
  flush();
  return blocks
    .flatMap((block) => block.split(/(?<=[.!?])\s+(?=[A-Z`"*([])/))
    .map((sentence) => sentence.replace(/\s+/g, " ").trim())
    .filter((sentence) => sentence.length > 0);
}

/** True when a sentence states a rule (see the file comment). */
export const isNormative = (sentence: string) => NORMATIVE.test(sentence) || CODED.test(sentence);

/** Every normative sentence of the bundle, in document order. */
export function normativeSentences(bundle: OpenApiDocument): SpecSentence[] {
  const found: SpecSentence[] = [];
  const walk = (node: unknown, pointer: string) => {
    if (skipped(pointer)) return;
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) walk(child, `${pointer}/${index}`);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (pointer.startsWith("/tags/") && SKIPPED_TAGS.has(String(record.name))) return;
    for (const [key, value] of Object.entries(record)) {
      const child = `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      if (PROSE_KEYS.has(key) && typeof value === "string") {
        for (const text of sentencesOf(value)) if (isNormative(text)) found.push({ pointer: child, text });
      } else walk(value, child);
    }
  };
  walk(bundle, "");
  return found;
}
