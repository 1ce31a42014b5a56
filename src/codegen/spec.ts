/**
 * The contract as the code generator and the tests read it: Redocly's bundle of
 * `openapi/openapi.yaml`, and typed views of the facts that everything else is derived
 * from (operations, their error envelope and codes, the error catalog, the vectors).
 * Every fact here is read from the spec; none is written down a second time.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ErrorEnvelope, OperationFacts, RefusedValue } from "../shared/spec-types.js";
import { repoRoot, type OpenApiDocument } from "../shared/spec-document.js";

export { repoRoot, type OpenApiDocument } from "../shared/spec-document.js";
export type { ErrorEnvelope, OperationFacts, RefusedValue } from "../shared/spec-types.js";

/**
 * Bundles `openapi/openapi.yaml` with the repository's Redocly CLI into one JSON
 * document with local refs only. This is the raw bundle: `generate.ts` adds the
 * generated pages before it writes `generated/openapi.json`.
 *
 * @throws Error with Redocly's output when the description does not bundle
 */
export function bundleSpec(): OpenApiDocument {
  const dir = mkdtempSync(join(tmpdir(), "session-api-bundle-"));
  try {
    const output = join(dir, "openapi.json");
    execFileSync(join(repoRoot, "node_modules/.bin/redocly"), ["bundle", "session-api", "--output", output], {
      cwd: repoRoot,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, REDOCLY_TELEMETRY: "off" },
    });
    return JSON.parse(readFileSync(output, "utf8")) as OpenApiDocument;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr;
    throw new Error(`redocly bundle failed${stderr ? `:\n${stderr}` : `: ${(error as Error).message}`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One row of `x-error-catalog` in `openapi/components/schemas/ErrorCode.yaml`. */
export interface ErrorCatalogEntry {
  code: string;
  status: number;
  title: string;
  meaning: string;
  retry: string;
  /**
   * `transport`: answered by the HTTP layer before any operation is chosen (unknown path,
   * wrong method, bad framing, headers too large), so in no operation's `x-error-codes`.
   * Absent for the codes operations answer.
   */
  scope?: "transport";
}

/**
 * Reads the error catalog from the bundle and checks it against the `ErrorCode` enum.
 *
 * @throws Error when a code is in the enum but not the catalog, or the other way round
 */
export function readErrorCatalog(spec: OpenApiDocument): ErrorCatalogEntry[] {
  const schema = spec.components.schemas.ErrorCode as { enum: string[]; "x-error-catalog": ErrorCatalogEntry[] };
  const catalog = schema["x-error-catalog"];
  const inCatalog = catalog.map((entry) => entry.code);
  if (JSON.stringify([...inCatalog].sort()) !== JSON.stringify([...schema.enum].sort())) {
    throw new Error(`ErrorCode enum (${schema.enum.join(", ")}) and x-error-catalog (${inCatalog.join(", ")}) list different codes`);
  }
  return catalog;
}

/**
 * The `x-refused-values` of a request schema, walking `$ref`, `allOf` and `properties`.
 *
 * @throws Error when one names a code that is not in the operation's `x-error-codes`
 */
function refusedValuesOf(spec: OpenApiDocument, operationId: string, schema: unknown, errorCodes: string[], pointer = ""): RefusedValue[] {
  const node = resolveRef(spec, schema) as Record<string, any> | undefined;
  if (!node || typeof node !== "object") return [];
  const own = Object.entries((node["x-refused-values"] ?? {}) as Record<string, string>).map(([value, code]) => {
    if (!errorCodes.includes(code))
      throw new Error(`${operationId}: x-refused-values at ${pointer || "/"} names ${code}, which is not in its x-error-codes`);
    return { pointer, value, code };
  });
  const parts = ((node.allOf ?? []) as unknown[]).flatMap((part) => refusedValuesOf(spec, operationId, part, errorCodes, pointer));
  const nested = Object.entries((node.properties ?? {}) as Record<string, unknown>).flatMap(([name, property]) =>
    refusedValuesOf(spec, operationId, property, errorCodes, `${pointer}/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`),
  );
  return [...own, ...parts, ...nested];
}

/** Follows local `$ref`s (`#/components/...`) of the bundle until a non-reference node. */
export function resolveRef(spec: OpenApiDocument, node: unknown): any {
  let current = node as Record<string, unknown>;
  while (current && typeof current.$ref === "string") {
    const pointer = current.$ref.replace(/^#\//, "").split("/");
    current = pointer.reduce<unknown>(
      (value, key) => (value as Record<string, unknown>)[key.replace(/~1/g, "/").replace(/~0/g, "~")],
      spec,
    ) as Record<string, unknown>;
  }
  return current;
}

/** The name of the component a `$ref` points at (`#/components/schemas/V4Failure` → `V4Failure`). */
function refName(node: unknown): string | undefined {
  const ref = (node as { $ref?: unknown } | undefined)?.$ref;
  return typeof ref === "string" ? ref.split("/").at(-1) : undefined;
}

/**
 * The envelope of an operation: every 4xx/5xx response must `$ref` the same `*Failure`
 * schema, and that schema must carry `x-error-envelope` (the house lint rules check both).
 *
 * @throws Error naming the operation when either is not so
 */
function errorEnvelopeOf(spec: OpenApiDocument, operationId: string, responses: Record<string, unknown>): ErrorEnvelope {
  const schemas = new Set(
    Object.entries(responses)
      .filter(([status]) => Number(status) >= 400)
      .map(([, response]) => refName(resolveRef(spec, response).content?.["application/json"]?.schema)),
  );
  const [schema, ...others] = [...schemas];
  if (!schema || others.length > 0)
    throw new Error(`${operationId}: its error responses must $ref one *Failure schema, not ${[...schemas].join(", ")}`);
  const envelope = spec.components.schemas[schema]?.["x-error-envelope"] as { code?: string; message?: string } | undefined;
  if (!envelope?.code || !envelope.message)
    throw new Error(`${operationId}: schema ${schema} has no x-error-envelope with code and message pointers`);
  return { schema, code: envelope.code, message: envelope.message };
}

/**
 * The default error envelope: that of the one failure schema marked
 * `x-default-error-envelope: true`, which carries the answers that belong to no operation
 * (catalog entries with `scope: transport`).
 *
 * @throws Error when no schema or more than one is marked, or the marked one has no `x-error-envelope`
 */
export function readDefaultErrorEnvelope(spec: OpenApiDocument): ErrorEnvelope {
  const marked = Object.entries(spec.components.schemas).filter(
    ([, schema]) => (schema as Record<string, unknown>)["x-default-error-envelope"] === true,
  );
  if (marked.length !== 1)
    throw new Error(
      `exactly one schema must be marked x-default-error-envelope: true, not ${marked.length} (${marked.map(([name]) => name).join(", ")})`,
    );
  const [name, schema] = marked[0]!;
  const envelope = (schema as { "x-error-envelope"?: { code?: string; message?: string } })["x-error-envelope"];
  if (!envelope?.code || !envelope.message)
    throw new Error(`schema ${name} is the default error envelope but has no x-error-envelope with code and message pointers`);
  return { schema: name, code: envelope.code, message: envelope.message };
}

/**
 * Lists the operations of the bundle in document order.
 *
 * @throws Error when an operation's `x-error-codes` names a code outside the catalog or one
 *   answered before routing (`scope: transport`), or its envelope is not declared
 */
export function operationFacts(spec: OpenApiDocument): OperationFacts[] {
  const catalog = readErrorCatalog(spec);
  const catalogOrder = catalog.map((entry) => entry.code);
  const transport = new Set(catalog.filter((entry) => entry.scope === "transport").map((entry) => entry.code));
  const facts: OperationFacts[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths)) {
    for (const method of ["get", "put", "post", "delete", "patch"]) {
      const operation = pathItem[method] as Record<string, any> | undefined;
      if (!operation) continue;
      const requestSchema = resolveRef(spec, operation.requestBody?.content?.["application/json"]?.schema);
      const security = (operation.security ?? []) as Record<string, unknown>[];
      const codes = (operation["x-error-codes"] ?? []) as string[];
      const unknown = codes.filter((code) => !catalogOrder.includes(code));
      if (unknown.length > 0)
        throw new Error(`${operation.operationId}: x-error-codes names codes outside the catalog: ${unknown.join(", ")}`);
      const beforeRouting = codes.filter((code) => transport.has(code));
      if (beforeRouting.length > 0)
        throw new Error(
          `${operation.operationId}: x-error-codes names codes answered before routing (scope: transport): ${beforeRouting.join(", ")}`,
        );
      facts.push({
        operationId: operation.operationId,
        method,
        path,
        summary: operation.summary,
        tag: operation.tags?.[0] ?? "",
        implementedBy: operation["x-implemented-by"],
        signedWithHash: security.some((requirement) => "MembId" in requirement && "Hash" in requirement),
        bodyHash: "hash" in ((requestSchema?.properties as Record<string, unknown> | undefined) ?? {}),
        timestamp: "timestamp" in ((requestSchema?.properties as Record<string, unknown> | undefined) ?? {}),
        statuses: Object.keys(operation.responses)
          .map(Number)
          .sort((a, b) => a - b),
        errorCodes: catalogOrder.filter((code) => codes.includes(code)),
        errorEnvelope: errorEnvelopeOf(spec, operation.operationId, operation.responses),
        refusedValues: refusedValuesOf(spec, operation.operationId, requestSchema, codes),
      });
    }
  }
  return facts;
}

/** Path of the published signing test vectors. */
export const signingVectorsFile = join(repoRoot, "openapi/docs/signing-test-vectors.json");

/** Reads `openapi/docs/signing-test-vectors.json`. */
export function signingVectors(): SigningVectorFile {
  return JSON.parse(readFileSync(signingVectorsFile, "utf8")) as SigningVectorFile;
}

/** The published signing test vectors (`openapi/docs/signing-test-vectors.json`). */
export interface SigningVectorFile {
  description: string;
  vectors: SigningVector[];
}

/** One signing test vector: inputs (`fields`, `secret`) and the expected outputs. */
export interface SigningVector {
  name: string;
  description: string;
  operationId: string;
  secret: string;
  /** The body without `hash`, as the sender builds it. */
  fields: Record<string, unknown>;
  /** Expected canonical string (without the secret), or null where the operation has no body hash. */
  canonicalString: string | null;
  /** Expected body `hash`, or null where the operation has no body hash. */
  hash: string | null;
  /** The body exactly as sent (UTF-8), including `hash` where there is one. */
  rawBody: string;
  /** Expected `HASH` query parameter over `rawBody`. */
  HASH: string;
}
