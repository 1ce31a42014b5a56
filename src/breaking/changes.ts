/**
 * The vocabulary of the breaking-change gate: a change between the released contract
 * (the baseline) and the current bundle, classified from the partners' side by the
 * versioning policy (`openapi/docs/versioning.md`), and the list that collects them.
 */

/** `breaking`: some partner that follows the released contract fails; `compatible`: none does. */
export type Classification = "breaking" | "compatible";

/** Which check found a change: the diff tool (openapi-diff) or the gate's own checks. */
export type ChangeSource = "openapi-diff" | "gate";

/** One change, at one place of the bundle, and every message of every operation it touches. */
export interface Change {
  classification: Classification;
  /** Short id of the rule that classified it, e.g. `response-field-removed`, or openapi-diff's code. */
  rule: string;
  /** What changed and why it is classified so, in one sentence. */
  message: string;
  /** JSON pointer (`#/…`) of the changed node: in the current bundle, or in the baseline for removals. */
  pointer: string;
  /** Where partners meet it: operations and their messages; empty for the document root. */
  usages: Usage[];
  source: ChangeSource;
}

/** Where a change is met: an operation, and the message or part of it (`request`, `response 200`, `parameter query MEMB_ID`). */
export interface Usage {
  /** e.g. `enterGameSession (POST /api/session)`. */
  operation: string;
  /** e.g. `request`, `response 200`; empty for the operation itself. */
  part: string;
}

/**
 * Collects changes and merges the ones that are the same change met through several
 * operations (a schema component `$ref`'d by many responses is reported once, with every usage).
 */
export class ChangeList {
  private readonly byKey = new Map<string, Change>();

  /** Adds a change met at `usage` (none for the document root). */
  add(change: Omit<Change, "usages">, usage?: Usage): void {
    const key = [change.source, change.classification, change.rule, change.pointer, change.message].join("\u0000");
    const existing = this.byKey.get(key) ?? { ...change, usages: [] };
    this.byKey.set(key, existing);
    if (usage && !existing.usages.some((other) => other.operation === usage.operation && other.part === usage.part))
      existing.usages.push(usage);
  }

  /** Every change, breaking ones first, each group in the order found. */
  all(): Change[] {
    const changes = [...this.byKey.values()];
    return [
      ...changes.filter((change) => change.classification === "breaking"),
      ...changes.filter((change) => change.classification === "compatible"),
    ];
  }
}

/** Escapes one reference token of a JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A `#/…` JSON pointer from reference tokens: `["paths", "/api/session"]` → `#/paths/~1api~1session`. */
export function pointerOf(tokens: Array<string | number>): string {
  return `#/${tokens.map((token) => escapePointerToken(String(token))).join("/")}`;
}
