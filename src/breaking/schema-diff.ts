/**
 * The gate's own schema checks: what openapi-diff does not see or cannot know
 * (policy in `openapi/docs/versioning.md`). openapi-diff compares the *sets* of
 * bodies two schemas allow, so it ignores `enum`, `pattern` and `format`, misses an
 * optional field removed from a closed response, and only says "the body changed". These
 * checks walk both schemas side by side, field by field, and classify every difference by
 * who sends the message:
 *
 * - `sent`: partners send it (requests to Lucky Monaco; the callback's response). Anything
 *   a partner sends today must stay valid: a new required field, a removed value, a
 *   tighter limit break; a new optional field, a new value, a looser limit do not.
 * - `received`: partners receive it (Lucky Monaco's responses; the callback's request).
 *   Anything partners can rely on must stay, and nothing may appear that a strict parser
 *   of the released schema refuses: a removed field or value, a field that may be missing
 *   or null, and a new field or value in a closed schema (`additionalProperties: false`)
 *   break. New fields in an open schema do not (receivers must ignore unknown fields), nor
 *   do new codes of the error catalog (the schema with `x-error-catalog`): partners must
 *   handle any catalog code.
 *
 * Schemas are read as OpenAPI 3.0 Schema Objects of a bundle (local `$ref`s only); `allOf`
 * branches are merged, `oneOf`/`anyOf` branches are paired by `$ref` or position.
 */
import { getAtPointer } from "../shared/json-pointer.js";
import type { OpenApiDocument } from "../shared/spec-document.js";
import { escapePointerToken, type ChangeList, type Classification, type Usage } from "./changes.js";

/** Who sends a message, seen from the partner: `sent` by partners, or `received` by them. */
export type Role = "sent" | "received";

/** A schema node and its JSON pointer (`#/…`) in its bundle. */
export interface Located {
  node: any;
  pointer: string;
}

/** Both bundles, where the walk is, and where its findings go. */
export interface SchemaContext {
  baseline: OpenApiDocument;
  current: OpenApiDocument;
  role: Role;
  usage: Usage;
  changes: ChangeList;
  /** Pairs of pointers already compared in this walk (recursive schemas). */
  seen: Set<string>;
}

/**
 * Follows local `$ref`s until a non-reference node.
 *
 * @throws Error for a `$ref` that is not local (`#/…`) or points at nothing
 */
export function resolve(doc: OpenApiDocument, located: Located): Located {
  let { node, pointer } = located;
  for (let hops = 0; node && typeof node.$ref === "string"; hops++) {
    const ref: string = node.$ref;
    if (!ref.startsWith("#/") || hops > 64)
      throw new Error(`cannot follow $ref ${ref} at ${pointer}: the gate reads bundles with local $refs only`);
    pointer = ref;
    node = getAtPointer(doc, ref.slice(1));
    if (node === undefined) throw new Error(`$ref ${ref} points at nothing`);
  }
  return { node, pointer };
}

const child = (located: Located, ...tokens: Array<string | number>): Located => ({
  node: tokens.reduce((node, token) => node?.[token], located.node),
  pointer: `${located.pointer}/${tokens.map((token) => escapePointerToken(String(token))).join("/")}`,
});

/** The schema nodes that together describe one value: the nodes given, their `$ref` targets and `allOf` branches, flattened. */
function atomsOf(doc: OpenApiDocument, nodes: Located[], depth = 0): Located[] {
  if (depth > 32) throw new Error(`allOf nested too deep at ${nodes[0]?.pointer}`);
  return nodes.flatMap((located) => {
    const resolved = resolve(doc, located);
    if (!resolved.node || typeof resolved.node !== "object") return [];
    const branches = Array.isArray(resolved.node.allOf)
      ? resolved.node.allOf.map((_: unknown, index: number) => child(resolved, "allOf", index))
      : [];
    return [resolved, ...atomsOf(doc, branches, depth + 1)];
  });
}

/** What a value's schema says, merged over its atoms. */
interface Shape {
  atoms: Located[];
  types: string[];
  enumeration?: { values: unknown[]; pointer: string; catalog: boolean };
  properties: Map<string, Located[]>;
  required: Set<string>;
  closed: boolean;
  nullable: boolean;
  branches: Located[];
  items: Located[];
}

function shapeOf(doc: OpenApiDocument, nodes: Located[]): Shape {
  const atoms = atomsOf(doc, nodes);
  const shape: Shape = {
    atoms,
    types: [],
    properties: new Map(),
    required: new Set(),
    closed: false,
    nullable: false,
    branches: [],
    items: [],
  };
  for (const atom of atoms) {
    const node = atom.node;
    if (typeof node.type === "string" && !shape.types.includes(node.type)) shape.types.push(node.type);
    if (Array.isArray(node.enum)) {
      const values = shape.enumeration
        ? shape.enumeration.values.filter((value) => node.enum.some((other: unknown) => same(value, other)))
        : node.enum;
      shape.enumeration = {
        values,
        pointer: `${atom.pointer}/enum`,
        catalog: Boolean(shape.enumeration?.catalog || node["x-error-catalog"]),
      };
    }
    for (const name of Object.keys(node.properties ?? {}))
      shape.properties.set(name, [...(shape.properties.get(name) ?? []), child(atom, "properties", name)]);
    for (const name of node.required ?? []) shape.required.add(name);
    if (node.additionalProperties === false) shape.closed = true;
    if (node.nullable === true) shape.nullable = true;
    for (const keyword of ["oneOf", "anyOf"])
      if (Array.isArray(node[keyword]))
        shape.branches.push(...node[keyword].map((_: unknown, index: number) => child(atom, keyword, index)));
    if (node.items) shape.items.push(child(atom, "items"));
  }
  return shape;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (value: unknown) => `\`${JSON.stringify(value)}\``;

/** Records a change met in this walk. */
function report(ctx: SchemaContext, classification: Classification, rule: string, pointer: string, message: string): void {
  ctx.changes.add({ classification, rule, pointer, message, source: "gate" }, ctx.usage);
}

/** `breaking` when the partners' role is the one given, else `compatible`. */
const breakingFor = (ctx: SchemaContext, role: Role): Classification => (ctx.role === role ? "breaking" : "compatible");

/** Keywords that bound a value; `upper` ones allow less when smaller, the others when larger. */
const bounds: Array<{ keyword: string; upper: boolean }> = [
  { keyword: "maxLength", upper: true },
  { keyword: "minLength", upper: false },
  { keyword: "maximum", upper: true },
  { keyword: "minimum", upper: false },
  { keyword: "maxItems", upper: true },
  { keyword: "minItems", upper: false },
  { keyword: "maxProperties", upper: true },
  { keyword: "minProperties", upper: false },
];

/** The effective bound over the atoms (the strictest one), and where it is written. */
function boundOf(shape: Shape, keyword: string, upper: boolean): { value: number; pointer: string } | undefined {
  let found: { value: number; pointer: string } | undefined;
  for (const atom of shape.atoms) {
    const value = atom.node[keyword];
    if (typeof value !== "number") continue;
    if (!found || (upper ? value < found.value : value > found.value)) found = { value, pointer: `${atom.pointer}/${keyword}` };
  }
  return found;
}

/** Every value an atom gives a keyword, for keywords compared as a whole (`pattern`, `format`, `default`). */
function keywordValues(shape: Shape, keyword: string): { values: string[]; pointer?: string } {
  const atoms = shape.atoms.filter((atom) => atom.node[keyword] !== undefined);
  return {
    values: atoms.map((atom) => JSON.stringify(atom.node[keyword])).sort(),
    pointer: atoms[0] ? `${atoms[0].pointer}/${keyword}` : undefined,
  };
}

/**
 * Compares the schema of one value in the baseline with the current one and records
 * every difference in `ctx.changes`, classified for `ctx.role`.
 *
 * @param base the value's schema node(s) in the baseline (several nodes are read as `allOf`)
 * @param current the same value's schema node(s) in the current bundle
 * @throws Error when a `$ref` cannot be followed
 */
export function compareSchemas(ctx: SchemaContext, base: Located[], current: Located[]): void {
  const key = `${base.map((located) => located.pointer).join(",")}|${current.map((located) => located.pointer).join(",")}|${ctx.role}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  const before = shapeOf(ctx.baseline, base);
  const after = shapeOf(ctx.current, current);
  const here = after.atoms[0]?.pointer ?? current[0]?.pointer ?? "";

  if (before.types.length > 0 && after.types.length > 0 && !same(before.types, after.types)) {
    const typed = after.atoms.find((atom) => typeof atom.node.type === "string");
    report(
      ctx,
      "breaking",
      "type-changed",
      `${typed?.pointer ?? here}/type`,
      `type changed from ${before.types.join("/")} to ${after.types.join("/")}`,
    );
  }
  compareEnums(ctx, before, after);
  compareBounds(ctx, before, after);
  for (const keyword of ["pattern", "format", "default"]) {
    const [was, now] = [keywordValues(before, keyword), keywordValues(after, keyword)];
    if (!same(was.values, now.values)) {
      const detail =
        keyword === "default"
          ? "partners that leave the field out get another behaviour"
          : "a tool cannot tell a narrower one from a wider one";
      report(
        ctx,
        "breaking",
        `${keyword}-changed`,
        now.pointer ?? was.pointer ?? here,
        `\`${keyword}\` changed from ${was.values.join(", ") || "none"} to ${now.values.join(", ") || "none"}: ${detail}`,
      );
    }
  }
  if (before.nullable !== after.nullable) {
    const classification = breakingFor(ctx, after.nullable ? "received" : "sent");
    report(ctx, classification, "nullable-changed", `${here}/nullable`, after.nullable ? "may now be null" : "may no longer be null");
  }
  if (!before.atoms.some((atom) => atom.node.deprecated) && after.atoms.some((atom) => atom.node.deprecated)) {
    report(ctx, "compatible", "deprecated", `${here}/deprecated`, "marked deprecated: it keeps working until the next major version");
  }
  compareProperties(ctx, before, after, here);
  compareBranches(ctx, before, after);
  if (before.items.length > 0 && after.items.length > 0) compareSchemas(ctx, before.items, after.items);
}

function compareEnums(ctx: SchemaContext, before: Shape, after: Shape): void {
  const [was, now] = [before.enumeration, after.enumeration];
  if (!was && !now) return;
  if (!was || !now) {
    const classification = now ? "breaking" : breakingFor(ctx, "received");
    report(
      ctx,
      classification,
      now ? "enum-added" : "enum-removed",
      now?.pointer ?? was!.pointer,
      now ? `values now limited to ${now.values.map(show).join(", ")}` : "values no longer limited to a list",
    );
    return;
  }
  const removed = was.values.filter((value) => !now.values.some((other) => same(value, other)));
  const added = now.values.filter((value) => !was.values.some((other) => same(value, other)));
  if (removed.length > 0) {
    const why = ctx.role === "sent" ? "partners that send it are refused" : "partners may depend on receiving it (a narrowed enum)";
    report(ctx, "breaking", "enum-value-removed", now.pointer, `${removed.map(show).join(", ")} removed from the enum: ${why}`);
  }
  if (added.length === 0) return;
  if (ctx.role === "sent")
    report(ctx, "compatible", "enum-value-added", now.pointer, `${added.map(show).join(", ")} added to the enum: more values accepted`);
  else if (now.catalog)
    report(
      ctx,
      "compatible",
      "catalog-code-added",
      now.pointer,
      `${added.map(show).join(", ")} added to the error catalog: partners must handle any catalog code (versioning policy)`,
    );
  else
    report(
      ctx,
      "breaking",
      "enum-value-added",
      now.pointer,
      `${added.map(show).join(", ")} added to the enum of a message partners receive: a strict parser of the released enum refuses it`,
    );
}

function compareBounds(ctx: SchemaContext, before: Shape, after: Shape): void {
  for (const { keyword, upper } of bounds) {
    const [was, now] = [boundOf(before, keyword, upper), boundOf(after, keyword, upper)];
    if (was?.value === now?.value) continue;
    // Tighter: a bound appears, or moves inwards; looser: it goes, or moves outwards.
    const tighter = was === undefined || (now !== undefined && (upper ? now.value < was.value : now.value > was.value));
    const classification = breakingFor(ctx, tighter ? "sent" : "received");
    report(
      ctx,
      classification,
      tighter ? "limit-tightened" : "limit-loosened",
      (now ?? was)!.pointer,
      `\`${keyword}\` changed from ${was?.value ?? "none"} to ${now?.value ?? "none"}`,
    );
  }
}

function compareProperties(ctx: SchemaContext, before: Shape, after: Shape, here: string): void {
  if (before.closed !== after.closed) {
    const classification = breakingFor(ctx, after.closed ? "sent" : "received");
    report(
      ctx,
      classification,
      "unknown-fields-changed",
      `${here}/additionalProperties`,
      after.closed ? "unknown fields are now refused" : "unknown fields are now allowed",
    );
  }
  for (const [name, was] of before.properties) {
    const now = after.properties.get(name);
    const field = `\`${name}\``;
    if (!now) {
      if (ctx.role === "received")
        report(ctx, "breaking", "field-removed", was[0]!.pointer, `field ${field} removed (or renamed): partners may rely on receiving it`);
      else if (after.closed)
        report(
          ctx,
          "breaking",
          "field-removed",
          was[0]!.pointer,
          `field ${field} removed: partners that still send it are refused (additionalProperties: false)`,
        );
      else report(ctx, "compatible", "field-removed", was[0]!.pointer, `field ${field} removed: partners that still send it are ignored`);
      continue;
    }
    const [wasRequired, isRequired] = [before.required.has(name), after.required.has(name)];
    if (!wasRequired && isRequired)
      report(ctx, breakingFor(ctx, "sent"), "field-now-required", now[0]!.pointer, `field ${field} is now required`);
    if (wasRequired && !isRequired)
      report(ctx, breakingFor(ctx, "received"), "field-now-optional", now[0]!.pointer, `field ${field} is no longer required`);
    compareSchemas(ctx, was, now);
  }
  for (const [name, now] of after.properties) {
    if (before.properties.has(name)) continue;
    const field = `\`${name}\``;
    if (ctx.role === "sent") {
      if (after.required.has(name))
        report(ctx, "breaking", "required-field-added", now[0]!.pointer, `new required field ${field}: partners do not send it yet`);
      else report(ctx, "compatible", "optional-field-added", now[0]!.pointer, `new optional field ${field}`);
    } else if (before.closed) {
      report(
        ctx,
        "breaking",
        "field-added-to-closed-message",
        now[0]!.pointer,
        `new field ${field} in a message partners receive whose released schema refuses unknown fields (additionalProperties: false)`,
      );
    } else {
      report(
        ctx,
        "compatible",
        "field-added-to-open-message",
        now[0]!.pointer,
        `new field ${field}: receivers must ignore fields they do not know`,
      );
    }
  }
}

/** Pairs `oneOf`/`anyOf` branches by their `$ref`, else by position. */
function compareBranches(ctx: SchemaContext, before: Shape, after: Shape): void {
  const keyOf = (located: Located, index: number) => (typeof located.node?.$ref === "string" ? located.node.$ref : `#${index}`);
  const now = new Map(after.branches.map((located, index) => [keyOf(located, index), located]));
  const was = new Map(before.branches.map((located, index) => [keyOf(located, index), located]));
  for (const [key, located] of was) {
    const match = now.get(key);
    if (match) compareSchemas(ctx, [located], [match]);
    else report(ctx, "breaking", "branch-removed", located.pointer, `a \`oneOf\`/\`anyOf\` branch (${key}) was removed`);
  }
  for (const [key, located] of now) {
    if (!was.has(key))
      report(ctx, breakingFor(ctx, "received"), "branch-added", located.pointer, `a \`oneOf\`/\`anyOf\` branch (${key}) was added`);
  }
}
