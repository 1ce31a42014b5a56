/**
 * The gate's own checks of operations (policy in
 * `openapi/docs/versioning.md`): operations, parameters, request bodies, documented
 * statuses, media types and `x-error-codes`, each message's schema handed to
 * `schema-diff.ts` with the role partners have in it.
 *
 * Direction comes from each operation's `x-implemented-by`: partners send the requests of
 * the operations Lucky Monaco implements and receive their responses; for the callback
 * that operators implement it is the other way round.
 */
import type { OpenApiDocument } from "../shared/spec-document.js";
import { escapePointerToken, pointerOf, type ChangeList, type Classification, type Usage } from "./changes.js";
import { compareSchemas, resolve, type Located, type Role, type SchemaContext } from "./schema-diff.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** One operation of a bundle, keyed by method and path. */
export interface OperationRef {
  path: string;
  method: string;
  node: any;
  pathItem: any;
  pointer: string;
  /** e.g. `enterGameSession (POST /api/session)`. */
  label: string;
  /** The role partners have in its request: `sent` unless the operator implements it. */
  requestRole: Role;
}

/** Every operation of a bundle, keyed `METHOD path`. */
export function operationsOf(doc: OpenApiDocument): Map<string, OperationRef> {
  const operations = new Map<string, OperationRef>();
  for (const [path, pathItem] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const node = (pathItem as Record<string, any>)[method];
      if (!node) continue;
      const label = `${node.operationId ?? "(no operationId)"} (${method.toUpperCase()} ${path})`;
      const requestRole: Role = node["x-implemented-by"] === "operator" ? "received" : "sent";
      operations.set(`${method.toUpperCase()} ${path}`, {
        path,
        method,
        node,
        pathItem,
        pointer: pointerOf(["paths", path, method]),
        label,
        requestRole,
      });
    }
  }
  return operations;
}

const other = (role: Role): Role => (role === "sent" ? "received" : "sent");
const isErrorStatus = (status: string) => /^[45]/.test(status);

/**
 * Compares every operation of the baseline with the current bundle.
 *
 * @throws Error when a `$ref` of either bundle cannot be followed
 */
export function diffOperations(baseline: OpenApiDocument, current: OpenApiDocument, changes: ChangeList): void {
  const [was, now] = [operationsOf(baseline), operationsOf(current)];
  for (const [key, before] of was) {
    const after = now.get(key);
    const usage: Usage = { operation: before.label, part: "" };
    if (!after) {
      changes.add(
        {
          classification: "breaking",
          rule: "operation-removed",
          pointer: before.pointer,
          message: `operation ${key} removed`,
          source: "gate",
        },
        usage,
      );
      continue;
    }
    new OperationDiff(baseline, current, changes, before, after).run();
  }
  for (const [key, after] of now) {
    if (!was.has(key))
      changes.add(
        { classification: "compatible", rule: "operation-added", pointer: after.pointer, message: `new operation ${key}`, source: "gate" },
        { operation: after.label, part: "" },
      );
  }
}

/** The comparison of one operation that both bundles have. */
class OperationDiff {
  constructor(
    private readonly baseline: OpenApiDocument,
    private readonly current: OpenApiDocument,
    private readonly changes: ChangeList,
    private readonly before: OperationRef,
    private readonly after: OperationRef,
  ) {}

  run(): void {
    const { before, after } = this;
    if (before.node.operationId !== after.node.operationId) {
      this.add(
        "breaking",
        "operation-id-changed",
        `${after.pointer}/operationId`,
        `operationId changed from \`${before.node.operationId}\` to \`${after.node.operationId}\`: clients generated from the contract name their methods after it`,
      );
    }
    if (before.requestRole !== after.requestRole) {
      this.add(
        "breaking",
        "implemented-by-changed",
        `${after.pointer}/x-implemented-by`,
        `x-implemented-by changed from ${before.node["x-implemented-by"]} to ${after.node["x-implemented-by"]}: the other side now serves it`,
      );
    }
    this.parameters();
    this.requestBody();
    this.responses();
    this.errorCodes();
  }

  private add(classification: Classification, rule: string, pointer: string, message: string, part = ""): void {
    this.changes.add({ classification, rule, pointer, message, source: "gate" }, { operation: this.before.label, part });
  }

  private context(role: Role, part: string): SchemaContext {
    return {
      baseline: this.baseline,
      current: this.current,
      role,
      usage: { operation: this.before.label, part },
      changes: this.changes,
      seen: new Set(),
    };
  }

  /** Path-level and operation-level parameters, keyed `in name`; the operation's own win. */
  private parametersOf(doc: OpenApiDocument, operation: OperationRef): Map<string, Located> {
    const found = new Map<string, Located>();
    const lists: Array<[any[] | undefined, string]> = [
      [operation.pathItem.parameters, pointerOf(["paths", operation.path, "parameters"])],
      [operation.node.parameters, `${operation.pointer}/parameters`],
    ];
    for (const [list, pointer] of lists) {
      (list ?? []).forEach((node, index) => {
        const parameter = resolve(doc, { node, pointer: `${pointer}/${index}` });
        found.set(`${parameter.node.in} ${parameter.node.name}`, parameter);
      });
    }
    return found;
  }

  private parameters(): void {
    const role = this.before.requestRole;
    const was = this.parametersOf(this.baseline, this.before);
    const now = this.parametersOf(this.current, this.after);
    for (const [key, before] of was) {
      const part = `parameter ${key}`;
      const after = now.get(key);
      if (!after) {
        this.add("breaking", "parameter-removed", before.pointer, `parameter ${key} removed`, part);
        continue;
      }
      if (!before.node.required && after.node.required)
        this.add(
          role === "sent" ? "breaking" : "compatible",
          "parameter-now-required",
          `${after.pointer}/required`,
          `parameter ${key} is now required`,
          part,
        );
      if (before.node.required && !after.node.required)
        this.add(
          role === "received" ? "breaking" : "compatible",
          "parameter-now-optional",
          `${after.pointer}/required`,
          `parameter ${key} is no longer required`,
          part,
        );
      compareSchemas(
        this.context(role, part),
        [{ node: before.node.schema, pointer: `${before.pointer}/schema` }],
        [{ node: after.node.schema, pointer: `${after.pointer}/schema` }],
      );
    }
    for (const [key, after] of now) {
      if (was.has(key)) continue;
      const breaking = role === "sent" && after.node.required;
      this.add(
        breaking ? "breaking" : "compatible",
        breaking ? "required-parameter-added" : "optional-parameter-added",
        after.pointer,
        `new ${breaking ? "required" : "optional"} parameter ${key}`,
        `parameter ${key}`,
      );
    }
  }

  private requestBody(): void {
    const role = this.before.requestRole;
    const was = this.before.node.requestBody
      ? resolve(this.baseline, { node: this.before.node.requestBody, pointer: `${this.before.pointer}/requestBody` })
      : undefined;
    const now = this.after.node.requestBody
      ? resolve(this.current, { node: this.after.node.requestBody, pointer: `${this.after.pointer}/requestBody` })
      : undefined;
    if (!was && !now) return;
    if (!now) {
      this.add("breaking", "request-body-removed", was!.pointer, "request body removed", "request");
      return;
    }
    if (!was) {
      const breaking = role === "sent" && now.node.required === true;
      this.add(
        breaking ? "breaking" : "compatible",
        "request-body-added",
        now.pointer,
        `new ${breaking ? "required" : "optional"} request body`,
        "request",
      );
      return;
    }
    if (!was.node.required && now.node.required)
      this.add(
        role === "sent" ? "breaking" : "compatible",
        "request-body-now-required",
        `${now.pointer}/required`,
        "the request body is now required",
        "request",
      );
    this.content(was, now, role, "request");
  }

  /** The media types of a request body or response, and the schema of each. */
  private content(was: Located, now: Located, role: Role, part: string): void {
    const [before, after] = [was.node.content ?? {}, now.node.content ?? {}];
    for (const [mediaType, media] of Object.entries<any>(before)) {
      const pointer = (located: Located) => `${located.pointer}/content/${escapePointerToken(mediaType)}`;
      if (!after[mediaType]) {
        this.add("breaking", "media-type-removed", pointer(was), `media type ${mediaType} removed`, part);
        continue;
      }
      compareSchemas(
        this.context(role, part),
        [{ node: media.schema, pointer: `${pointer(was)}/schema` }],
        [{ node: after[mediaType].schema, pointer: `${pointer(now)}/schema` }],
      );
    }
    for (const mediaType of Object.keys(after)) {
      if (!before[mediaType])
        this.add(
          role === "received" ? "breaking" : "compatible",
          "media-type-added",
          `${now.pointer}/content`,
          `new media type ${mediaType}`,
          part,
        );
    }
  }

  /** The `$ref`s of a response's schemas (`#/components/schemas/V4Failure`), or the response pointer when it has inline schemas. */
  private schemaRefs(response: Located): string[] {
    return Object.values<any>(response.node.content ?? {}).map((media) => media.schema?.$ref ?? response.pointer);
  }

  private responses(): void {
    const role = other(this.before.requestRole);
    const responses = (doc: OpenApiDocument, operation: OperationRef) =>
      new Map(
        Object.entries<any>(operation.node.responses ?? {}).map(([status, node]) => [
          status,
          resolve(doc, { node, pointer: `${operation.pointer}/responses/${status}` }),
        ]),
      );
    const [was, now] = [responses(this.baseline, this.before), responses(this.current, this.after)];
    const failureSchemas = new Set(
      [...was].filter(([status]) => isErrorStatus(status)).flatMap(([, response]) => this.schemaRefs(response)),
    );
    // Added and removed statuses point at the operation's `responses` entry, not at the shared response component.
    const entry = (operation: OperationRef, status: string) => `${operation.pointer}/responses/${status}`;
    for (const [status, before] of was) {
      const after = now.get(status);
      if (!after)
        this.add("breaking", "status-removed", entry(this.before, status), `documented status ${status} removed`, `response ${status}`);
      else this.content(before, after, role, `response ${status}`);
    }
    for (const [status, after] of now) {
      if (was.has(status)) continue;
      const [part, pointer] = [`response ${status}`, entry(this.after, status)];
      const inEnvelope =
        isErrorStatus(status) && this.schemaRefs(after).length > 0 && this.schemaRefs(after).every((ref) => failureSchemas.has(ref));
      if (inEnvelope)
        this.add(
          "compatible",
          "error-status-added",
          pointer,
          `new documented error status ${status} in the operation's failure envelope: partners must handle any 4xx/5xx (versioning policy)`,
          part,
        );
      else if (isErrorStatus(status))
        this.add(
          "breaking",
          "status-added",
          pointer,
          `new documented status ${status} whose body is not the operation's failure envelope (${[...failureSchemas].join(", ")})`,
          part,
        );
      else
        this.add(
          "breaking",
          "status-added",
          pointer,
          `new documented status ${status} that is not an error: partners expect the released success status`,
          part,
        );
    }
  }

  private errorCodes(): void {
    const codes = (operation: OperationRef): string[] => operation.node["x-error-codes"] ?? [];
    const [was, now] = [codes(this.before), codes(this.after)];
    const pointer = `${this.after.pointer}/x-error-codes`;
    const removed = was.filter((code) => !now.includes(code));
    const added = now.filter((code) => !was.includes(code));
    if (removed.length > 0)
      this.add(
        "breaking",
        "error-code-removed",
        pointer,
        `no longer answers ${removed.join(", ")}: partners may depend on it (a narrowed response enum)`,
      );
    if (added.length > 0)
      this.add(
        "compatible",
        "error-code-added",
        pointer,
        `may now answer ${added.join(", ")}: partners must handle any catalog code (versioning policy)`,
      );
  }
}
