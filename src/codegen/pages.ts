/**
 * The parts of the docs that are data, rendered from the spec so that each fact has one
 * source: the operations table of the introduction, the error catalog (with the failure
 * envelope of each operation) and the signing test vectors. `injectPages` puts them into
 * the bundle that `generate.ts` writes to `generated/openapi.json`; `openapi/` itself only
 * marks where they go (a tag's `x-generated-page`, the introduction's marker comment), so
 * it never refers to `generated/`.
 */
import { setAtPointer } from "../shared/json-pointer.js";
import type { ErrorCatalogEntry, ErrorEnvelope, OpenApiDocument, OperationFacts, SigningVectorFile } from "./spec.js";

/** The comment in `openapi/docs/introduction.md` that the operations table replaces. */
export const OPERATIONS_TABLE_MARKER = "<!-- generated: operations table -->";

function cell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

/** The introduction's table: every operation with its direction, path and signature. */
export function renderOperationsTable(operations: OperationFacts[]): string {
  const rows = operations.map((operation) => {
    const direction = operation.implementedBy === "provider" ? "operator → provider" : "**provider → operator**";
    const where = operation.implementedBy === "operator" ? " on the operator's server" : "";
    const signed = operation.signedWithHash
      ? `\`MEMB_ID\` + \`HASH\`${operation.bodyHash ? ", body `hash`" : ""}`
      : "credentials in the body";
    return `| ${cell(operation.summary)}, \`${operation.operationId}\` | ${direction} | \`${operation.method.toUpperCase()} ${operation.path}\`${where} | ${signed} |`;
  });
  return ["| Operation | Direction | Path | Signed with |", "|---|---|---|---|", ...rows].join("\n");
}

/** An example failure body of an envelope, with `code` and "…" at its pointers. */
function envelopeExample(envelope: ErrorEnvelope, code = "V.02"): string {
  const body = setAtPointer({}, envelope.code, code);
  return JSON.stringify(setAtPointer(body, envelope.message, "…"))
    .replace(/,/g, ", ")
    .replace(/:/g, ": ");
}

/**
 * The table of failure bodies: one row per envelope, naming the operations that use it,
 * then the default envelope of the answers that belong to no operation.
 */
function renderEnvelopes(operations: OperationFacts[], defaultEnvelope: ErrorEnvelope, beforeRouting: ErrorCatalogEntry[]): string {
  const bySchema = new Map<string, OperationFacts[]>();
  for (const operation of operations)
    bySchema.set(operation.errorEnvelope.schema, [...(bySchema.get(operation.errorEnvelope.schema) ?? []), operation]);
  const rows = [...bySchema.values()].map(
    (group) =>
      `| ${group.map((operation) => `${cell(operation.summary)} (\`${operation.operationId}\`)`).join(", ")} | \`${envelopeExample(group[0]!.errorEnvelope)}\` |`,
  );
  const codes = beforeRouting.map((entry) => `\`${entry.code}\``).join(", ");
  const noOperation = `| No operation: the answers given before an operation is chosen (${codes}), except a wrong method on an operation's path, which uses that operation's envelope | \`${envelopeExample(defaultEnvelope, beforeRouting[0]?.code)}\` (\`${defaultEnvelope.schema}\`) |`;
  return ["| Operations | Failure body |", "|---|---|", ...rows, noOperation].join("\n");
}

/**
 * An error code as inline code that never breaks across lines: Redoc lets inline code
 * break anywhere (`G.0` / `0` in a narrow column), and its sanitiser keeps a `style`
 * attribute, so the page needs no stylesheet of its own.
 */
export function unbreakableCode(code: string): string {
  return `<code style="white-space: nowrap">${code}</code>`;
}

/**
 * The "Error catalog" page: how each operation carries a code (and the default envelope
 * of the answers that belong to no operation), then one row per code with its HTTP
 * status, meaning and retry advice. A code that only some operations may answer (their
 * `x-error-codes`) names those operations; a code with `scope: transport` says it comes
 * before routing.
 */
export function renderErrorCatalog(catalog: ErrorCatalogEntry[], operations: OperationFacts[], defaultEnvelope: ErrorEnvelope): string {
  const beforeRouting = catalog.filter((entry) => entry.scope === "transport");
  const rows = catalog.map((entry) => {
    const returnedBy = operations.filter((operation) => operation.errorCodes.includes(entry.code));
    const only =
      entry.scope === "transport"
        ? " Before routing: answered by the HTTP layer, in no operation's responses."
        : returnedBy.length < operations.length
          ? ` Only ${returnedBy.map((operation) => `\`${operation.operationId}\``).join(" and ")}.`
          : "";
    return `| ${unbreakableCode(entry.code)} | ${entry.status} | **${cell(entry.title)}.** ${cell(entry.meaning)}${only} | ${cell(entry.retry)} |`;
  });
  return `Every failure is an HTTP 4xx or 5xx status with a body that carries one code from this
catalog. The code is the same in every operation; where it sits in the body depends on
the operation, because each keeps the shape its partners already parse:

${renderEnvelopes(operations, defaultEnvelope, beforeRouting)}

Branch on the code, never on the message. Success is always HTTP 200 (with \`error: 0\`
where the body has an \`error\` field).

| Code | HTTP status | Meaning | Retry? |
|---|---|---|---|
${rows.join("\n")}
`;
}

/** The "Signing test vectors" page: every vector with its inputs and expected outputs. */
export function renderSigningVectors(file: SigningVectorFile): string {
  const sections = file.vectors.map((vector) => {
    const lines = [
      // No code span in a heading: Redoc's side menu drops it and everything after it.
      `#### ${vector.name}`,
      "",
      `${vector.description} Operation: \`${vector.operationId}\`. Secret: \`${vector.secret}\`.`,
      "",
      "Fields to sign:",
      "",
      "```json",
      JSON.stringify(vector.fields, null, 2),
      "```",
      "",
    ];
    if (vector.canonicalString === null) {
      lines.push("No body `hash`: this operation is signed by `HASH` only.", "");
    } else {
      lines.push(`- canonical string: \`${vector.canonicalString}\``, `- body \`hash\`: \`${vector.hash}\``);
    }
    lines.push(`- \`HASH\`: \`${vector.HASH}\``, "", "Body as sent (these exact bytes, UTF-8):", "", "```json", vector.rawBody, "```", "");
    return lines.join("\n");
  });
  return `${file.description}

The same vectors, as JSON, are [signing-test-vectors.json](signing-test-vectors.json).

${sections.join("\n")}`;
}

/**
 * The comment a guide page puts where an operation's code sample goes, e.g.
 * `<!-- generated: code sample enterGameSession curl -->`: the operationId, then the
 * sample's `label` in its `x-codeSamples`. The sample itself stays in one place, the file
 * under `openapi/code_samples/` that the samples test runs.
 */
export const CODE_SAMPLE_MARKER = /<!-- generated: code sample (\S+) (\S+) -->/g;

/** Fence languages of the samples' `lang` where the lower-cased name is not one. */
const fenceLanguages: Record<string, string> = { Shell: "sh" };

/**
 * Replaces every code sample marker of `markdown` by a fenced block with the sample's
 * source, read from the operations' `x-codeSamples` in `spec`.
 *
 * @throws Error naming the marker when no operation has that operationId or no sample of it has that label
 */
export function renderCodeSampleMarkers(markdown: string, spec: OpenApiDocument): string {
  const operations = Object.values(
    spec.paths as Record<
      string,
      Record<string, { operationId?: string; "x-codeSamples"?: Array<{ lang: string; label: string; source: string }> }>
    >,
  ).flatMap((item) => Object.values(item));
  return markdown.replace(CODE_SAMPLE_MARKER, (marker, operationId: string, label: string) => {
    const operation = operations.find((candidate) => candidate.operationId === operationId);
    const sample = operation?.["x-codeSamples"]?.find((candidate) => candidate.label === label);
    if (!sample)
      throw new Error(`${marker}: ${operation ? `${operationId} has no code sample labelled ${label}` : `no operation ${operationId}`}`);
    return [`\`\`\`${fenceLanguages[sample.lang] ?? sample.lang.toLowerCase()}`, sample.source.replace(/\n$/, ""), "```"].join("\n");
  });
}

/** The pages a tag can ask for with `x-generated-page`. */
export type GeneratedPages = Record<"error-catalog" | "signing-test-vectors", string>;

/**
 * Puts the generated pages into a bundle: each tag's `x-generated-page` becomes its
 * description (the extension is removed), the operations table replaces the marker of
 * `info.description`, and each code sample marker of a tag's description or the
 * introduction is replaced by that sample (`renderCodeSampleMarkers`).
 *
 * @returns the same document, changed in place
 * @throws Error when a tag asks for an unknown page, the introduction has no marker, or a code sample marker names no sample
 */
export function injectPages(spec: OpenApiDocument, pages: GeneratedPages, operationsTable: string): OpenApiDocument {
  const tags = (spec as { tags?: Array<Record<string, unknown>> }).tags ?? [];
  for (const tag of tags) {
    const page = tag["x-generated-page"];
    if (page === undefined) continue;
    if (!(typeof page === "string" && page in pages))
      throw new Error(`tag ${String(tag.name)}: unknown x-generated-page ${String(page)} (known: ${Object.keys(pages).join(", ")})`);
    tag.description = pages[page as keyof GeneratedPages];
    delete tag["x-generated-page"];
  }
  const info = (spec as unknown as { info: { description: string } }).info;
  if (!info.description.includes(OPERATIONS_TABLE_MARKER))
    throw new Error(`openapi/docs/introduction.md must hold the marker ${OPERATIONS_TABLE_MARKER}`);
  info.description = renderCodeSampleMarkers(info.description.replace(OPERATIONS_TABLE_MARKER, operationsTable), spec);
  for (const tag of tags) if (typeof tag.description === "string") tag.description = renderCodeSampleMarkers(tag.description, spec);
  return spec;
}
