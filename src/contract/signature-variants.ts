/**
 * Near misses of a credential: the right `HASH`, body `hash` or Kyren token, changed a
 * little (cut short, a prefix, one character off, longer, empty, in the other case). A
 * receiver must refuse each with 401 `G.00` (spec: "Order of checks", step 3; signing
 * guide, "Verifying": compare the whole value, timing-safe). The worst one is the first
 * character alone: an implementation that compares only over the length sent accepts it
 * one time in sixteen.
 *
 * Each variant also says how to make it in bash from the right value in a variable, so
 * that a reproduction recomputes it from the secret instead of printing most of a
 * signature or token (`reproduce.ts`).
 */

/** One way to spoil a credential. */
export interface SignatureVariant {
  /** Stable short name, e.g. `first-character`; part of the probes' kinds. */
  name: string;
  /** What was done, for titles: `only its first character`. */
  what: string;
  /** The spoiled value of `right`. */
  apply(right: string): string;
  /** A bash word (to use inside an assignment) computing the spoiled value from `$<variable>`. */
  shell(variable: string): string;
}

/** Swaps the case of ASCII letters (what `tr 'a-zA-Z' 'A-Za-z'` does). */
export const swapAsciiCase = (text: string) =>
  text.replace(/[A-Za-z]/g, (letter) => (letter === letter.toUpperCase() ? letter.toLowerCase() : letter.toUpperCase()));

/** The last character replaced by `0`, or by `1` when it is `0`. */
const lastChanged = (text: string) => `${text.slice(0, -1)}${text.endsWith("0") ? "1" : "0"}`;

/** The variants, in the order the probes use them. */
export const signatureVariants = {
  firstCharacter: {
    name: "first-character",
    what: "only its first character",
    apply: (right) => right.slice(0, 1),
    shell: (v) => `"\${${v}:0:1}"`,
  },
  truncated: {
    name: "truncated",
    what: "without its last character",
    apply: (right) => right.slice(0, -1),
    shell: (v) => `"\${${v}:0:\${#${v}}-1}"`,
  },
  half: {
    name: "first-half",
    what: "only its first half",
    apply: (right) => right.slice(0, Math.ceil(right.length / 2)),
    shell: (v) => `"\${${v}:0:(\${#${v}}+1)/2}"`,
  },
  oneOff: {
    name: "one-character-off",
    what: "its last character changed",
    apply: lastChanged,
    shell: (v) => `"\${${v}:0:\${#${v}}-1}$([ "\${${v}: -1}" = 0 ] && echo 1 || echo 0)"`,
  },
  longer: { name: "one-character-longer", what: "with one character added", apply: (right) => `${right}0`, shell: (v) => `"$${v}"0` },
  empty: { name: "empty", what: "empty", apply: () => "", shell: () => "''" },
  otherCase: {
    name: "other-case",
    what: "with the case of its letters swapped",
    apply: swapAsciiCase,
    shell: (v) => `"$(printf '%s' "$${v}" | tr 'a-zA-Z' 'A-Za-z')"`,
  },
} as const satisfies Record<string, SignatureVariant>;

/** Every variant, for a value of this form: those that change nothing (`other-case` of a value without letters) are left out. */
export function variantsFor(right: string): SignatureVariant[] {
  return Object.values(signatureVariants).filter((variant) => variant.apply(right) !== right);
}
