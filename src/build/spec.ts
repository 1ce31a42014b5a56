/**
 * Loads the contract for build tools and tests: the bundle produced by Redocly CLI from
 * `openapi/openapi.yaml`, plus typed views of the parts the generators read.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, type OpenApiDocument } from "../spec-document.js";

export { repoRoot, type OpenApiDocument } from "../spec-document.js";

/**
 * Bundles `openapi/openapi.yaml` with the repository's Redocly CLI into one JSON
 * document with local refs only (the same bundle `npm run bundle` writes).
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
    });
    return JSON.parse(readFileSync(output, "utf8")) as OpenApiDocument;
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

/** One operation of the spec, with the facts that clients, servers and tests route on. */
export interface OperationFacts {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  implementedBy: "provider" | "operator";
  /** Secured by the `MembId` + `Hash` schemes: the request carries `MEMB_ID` and `HASH`. */
  signedWithHash: boolean;
  /** The request body schema has a `hash` property: the body carries the body hash. */
  bodyHash: boolean;
  /** Documented response statuses, ascending. */
  statuses: number[];
  /** Error catalog codes that appear in the operation's documented response examples, sorted. */
  errorCodes: string[];
}

/** Follows local `$ref`s (`#/components/...`) of the bundle until a non-reference node. */
export function resolveRef(spec: OpenApiDocument, node: unknown): any {
  let current = node as Record<string, unknown>;
  while (current && typeof current.$ref === "string") {
    const pointer = current.$ref.replace(/^#\//, "").split("/");
    current = pointer.reduce<unknown>((value, key) => (value as Record<string, unknown>)[key.replace(/~1/g, "/").replace(/~0/g, "~")], spec) as Record<string, unknown>;
  }
  return current;
}

/** Lists the operations of the bundle in document order. */
export function operationFacts(spec: OpenApiDocument): OperationFacts[] {
  const facts: OperationFacts[] = [];
  for (const [path, pathItem] of Object.entries(spec.paths)) {
    for (const method of ["get", "put", "post", "delete", "patch"]) {
      const operation = pathItem[method] as Record<string, any> | undefined;
      if (!operation) continue;
      const requestSchema = resolveRef(spec, operation.requestBody?.content?.["application/json"]?.schema);
      const security = (operation.security ?? []) as Record<string, unknown>[];
      facts.push({
        operationId: operation.operationId,
        method,
        path,
        summary: operation.summary,
        implementedBy: operation["x-implemented-by"],
        signedWithHash: security.some((requirement) => "MembId" in requirement && "Hash" in requirement),
        bodyHash: "hash" in requestSchemaProperties(requestSchema),
        statuses: Object.keys(operation.responses).map(Number).sort((a, b) => a - b),
        errorCodes: exampleErrorCodes(spec, operation.responses),
      });
    }
  }
  return facts;
}

/** Codes such as `G.00` found in the examples of a set of responses. */
function exampleErrorCodes(spec: OpenApiDocument, responses: Record<string, unknown>): string[] {
  const codes = new Set<string>();
  for (const response of Object.values(responses)) {
    const media = resolveRef(spec, response).content as Record<string, { example?: unknown; examples?: Record<string, unknown> }> | undefined;
    for (const { example, examples } of Object.values(media ?? {})) {
      const values = [example, ...Object.values(examples ?? {}).map((named) => resolveRef(spec, named).value)];
      for (const match of JSON.stringify(values).matchAll(/"([GV]\.\d{2})"/g)) codes.add(match[1]!);
    }
  }
  return [...codes].sort();
}

function requestSchemaProperties(schema: Record<string, unknown> | undefined): Record<string, unknown> {
  return (schema?.properties as Record<string, unknown> | undefined) ?? {};
}

/** Reads `openapi/docs/signing-test-vectors.json`. */
export function signingVectors(): SigningVectorFile {
  return JSON.parse(readFileSync(join(repoRoot, "openapi/docs/signing-test-vectors.json"), "utf8")) as SigningVectorFile;
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
