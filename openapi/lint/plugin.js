// Redocly plugin with the lint rules of this API that configurable `rule/` rules cannot
// express because they compare two parts of an operation (or an operation with the error
// catalog). Loaded by ../../redocly.yaml.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const SIGNED = ["MEMB_ID", "HASH"];

/**
 * session-api/signed-operation-parameters: an operation that takes `MEMB_ID` also takes
 * `HASH` (and the other way round), both as required query parameters, and it does so
 * exactly when its security requirement names the `MembId` and `Hash` schemes.
 */
function signedOperationParameters() {
  return {
    Operation(operation, ctx) {
      const names = (operation.parameters ?? [])
        .map((parameter) => ctx.resolve(parameter).node)
        .filter((parameter) => parameter && parameter.in === "query" && SIGNED.includes(parameter.name) && parameter.required === true)
        .map((parameter) => parameter.name);
      const takesBoth = SIGNED.every((name) => names.includes(name));
      const takesAny = SIGNED.some((name) => names.includes(name));
      if (takesAny && !takesBoth) {
        ctx.report({
          message: `An operation that takes ${names.join(", ")} must take both MEMB_ID and HASH as required query parameters.`,
          location: ctx.location.child("parameters"),
        });
      }
      const security = operation.security ?? [];
      const secured = security.some((requirement) => "MembId" in requirement && "Hash" in requirement);
      if (secured !== takesBoth) {
        ctx.report({
          message: secured
            ? "The security requirement names MembId and Hash, so the operation must $ref the MEMB_ID and HASH parameters."
            : "The operation takes MEMB_ID and HASH, so its security requirement must name MembId and Hash.",
          location: ctx.location.child("security"),
        });
      }
    },
  };
}

/**
 * session-api/implemented-by: every operation says who serves it with
 * `x-implemented-by: provider | operator`; the reference server and the operator
 * receiver route on it.
 */
function implementedBy() {
  return {
    Operation(operation, ctx) {
      const value = operation["x-implemented-by"];
      if (value !== "provider" && value !== "operator") {
        ctx.report({
          message: "Every operation needs x-implemented-by: provider (Lucky Monaco serves it) or operator (a callback).",
          location: ctx.location.child("x-implemented-by"),
        });
      }
    },
  };
}

/** The error catalog, from ErrorCode.yaml's `x-error-catalog`. */
const catalog = parse(readFileSync(new URL("../components/schemas/ErrorCode.yaml", import.meta.url), "utf8"))["x-error-catalog"];

/** `code -> HTTP status` of the catalog. */
const catalogStatus = new Map(catalog.map((entry) => [entry.code, entry.status]));

/** Codes answered before any operation is chosen (`scope: transport`): in no operation's x-error-codes. */
const transportCodes = new Set(catalog.filter((entry) => entry.scope === "transport").map((entry) => entry.code));

/** Follows `$ref`s from `from` (an absolute ref) and returns the node and where it lives. */
function deref(ctx, node, from) {
  let current = { node, from };
  while (current.node && typeof current.node.$ref === "string") {
    const resolved = ctx.resolve(current.node, current.from);
    if (!resolved.node) return { node: undefined, from: current.from };
    current = { node: resolved.node, from: resolved.location.source.absoluteRef };
  }
  return current;
}

/** The schemas of property `token` of a schema, looking through its `allOf` members (each may narrow it). */
function propertiesOf(ctx, schema, token) {
  const here = deref(ctx, schema.node, schema.from);
  if (!here.node) return [];
  const own = here.node.properties?.[token] ? [{ node: here.node.properties[token], from: here.from }] : [];
  return [...own, ...(here.node.allOf ?? []).flatMap((member) => propertiesOf(ctx, { node: member, from: here.from }, token))];
}

/** The (resolved) schemas a JSON pointer reaches through properties and `allOf`; empty when none. */
function schemasAtPointer(ctx, schema, pointer) {
  if (typeof pointer !== "string" || !pointer.startsWith("/")) return [];
  let current = [schema];
  for (const token of pointer.slice(1).split("/")) current = current.flatMap((candidate) => propertiesOf(ctx, candidate, token));
  return current.map((candidate) => deref(ctx, candidate.node, candidate.from).node).filter(Boolean);
}

/** The failure schema of an error response: `{ name, node, from }` of its application/json schema. */
function failureSchemaOf(ctx, response, from) {
  const resolved = deref(ctx, response, from);
  const schema = resolved.node?.content?.["application/json"]?.schema;
  if (!schema) return undefined;
  const name =
    typeof schema.$ref === "string"
      ? schema.$ref
          .split("/")
          .at(-1)
          .replace(/\.yaml$/, "")
      : undefined;
  return { name, ...deref(ctx, schema, resolved.from), response: resolved };
}

/** Catalog codes shown in the examples of a resolved response. */
function exampleCodes(ctx, response) {
  const media = response.node?.content?.["application/json"] ?? {};
  const values = [media.example, ...Object.values(media.examples ?? {}).map((example) => deref(ctx, example, response.from).node?.value)];
  return [...JSON.stringify(values).matchAll(/"([GV]\.\d{2})"/g)].map((match) => match[1]);
}

/**
 * session-api/error-envelope: every operation's 4xx/5xx responses `$ref` one failure
 * schema, and that schema's `x-error-envelope` has `code` and `message` JSON pointers
 * that reach an `ErrorCode` and a string. The servers and the error catalog page build
 * failure bodies from these pointers.
 */
function errorEnvelope() {
  return {
    Operation(operation, ctx) {
      const from = ctx.location.source.absoluteRef;
      const failures = Object.entries(operation.responses ?? {})
        .filter(([status]) => Number(status) >= 400)
        .map(([, response]) => failureSchemaOf(ctx, response, from));
      const names = [...new Set(failures.map((failure) => failure?.name))];
      if (names.length !== 1 || !names[0]) {
        ctx.report({
          message: `Every error response of an operation must $ref the same *Failure schema; found ${names.join(", ")}.`,
          location: ctx.location.child("responses"),
        });
        return;
      }
      const schema = failures[0];
      const envelope = schema.node["x-error-envelope"];
      const code = schemasAtPointer(ctx, schema, envelope?.code);
      const message = schemasAtPointer(ctx, schema, envelope?.message);
      if (!code.some((node) => node.title === "ErrorCode") || !message.some((node) => node.type === "string")) {
        ctx.report({
          message: `Schema ${names[0]} needs x-error-envelope with a "code" pointer to an ErrorCode property and a "message" pointer to a string property (JSON pointers such as /error/code).`,
          location: ctx.location.child("responses"),
        });
      }
    },
  };
}

/**
 * session-api/error-codes: every operation lists the catalog codes it may answer in
 * `x-error-codes`. Each is in the catalog, is not one answered before routing
 * (`scope: transport`), and its catalog status is documented by the operation; each
 * documented 4xx/5xx status has a code; and every code an error response's examples
 * show is listed and has that response's status. A catalog code may be in no operation's
 * list (the transport ones are in none).
 */
function errorCodes() {
  return {
    Operation(operation, ctx) {
      const at = ctx.location.child("x-error-codes");
      const codes = operation["x-error-codes"];
      if (!Array.isArray(codes) || codes.length === 0) {
        ctx.report({ message: "Every operation lists the catalog codes it may answer in x-error-codes.", location: at });
        return;
      }
      const statuses = Object.keys(operation.responses ?? {}).map(Number);
      for (const code of codes) {
        if (!catalogStatus.has(code))
          ctx.report({ message: `x-error-codes: ${code} is not in the error catalog (ErrorCode.yaml).`, location: at });
        else if (transportCodes.has(code))
          ctx.report({
            message: `x-error-codes: ${code} has scope: transport (answered before any operation is chosen), so no operation lists it.`,
            location: at,
          });
        else if (!statuses.includes(catalogStatus.get(code)))
          ctx.report({
            message: `x-error-codes: ${code} is a ${catalogStatus.get(code)}, which the operation does not document.`,
            location: at,
          });
      }
      const from = ctx.location.source.absoluteRef;
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (Number(status) < 400) continue;
        if (!codes.some((code) => catalogStatus.get(code) === Number(status))) {
          ctx.report({
            message: `Response ${status} is documented but no code in x-error-codes has status ${status}.`,
            location: ctx.location.child(["responses", status]),
          });
        }
        for (const shown of exampleCodes(ctx, deref(ctx, response, from))) {
          if (!codes.includes(shown) || catalogStatus.get(shown) !== Number(status)) {
            ctx.report({
              message: `An example of response ${status} shows ${shown}, which is not one of this operation's x-error-codes with status ${status}.`,
              location: ctx.location.child(["responses", status]),
            });
          }
        }
      }
    },
  };
}

/**
 * session-api/default-error-envelope: exactly one schema is marked
 * `x-default-error-envelope: true`, and it carries an `x-error-envelope`: the answers
 * that belong to no operation (catalog `scope: transport`) use it, and the servers and
 * the error catalog page read it from there.
 */
function defaultErrorEnvelope() {
  const marked = new Map();
  return {
    Schema(schema, ctx) {
      if (schema["x-default-error-envelope"] === undefined) return;
      const where = `${ctx.location.source.absoluteRef}#${ctx.location.pointer}`;
      if (schema["x-default-error-envelope"] !== true) {
        ctx.report({
          message: "x-default-error-envelope is either true or absent.",
          location: ctx.location.child("x-default-error-envelope"),
        });
      } else if (!schema["x-error-envelope"]?.code || !schema["x-error-envelope"]?.message) {
        ctx.report({
          message: "The default error envelope needs x-error-envelope with code and message pointers.",
          location: ctx.location.child("x-default-error-envelope"),
        });
      }
      if (!marked.has(where)) marked.set(where, ctx.location);
    },
    Root: {
      leave(_root, ctx) {
        if (marked.size === 1) return;
        ctx.report({
          message: `Exactly one failure schema must be marked x-default-error-envelope: true (found ${marked.size}); the answers that belong to no operation use its envelope.`,
          location: marked.size ? [...marked.values()][1] : ctx.location,
        });
      },
    },
  };
}

export default function sessionApiPlugin() {
  return {
    id: "session-api",
    rules: {
      oas3: {
        "signed-operation-parameters": signedOperationParameters,
        "implemented-by": implementedBy,
        "error-envelope": errorEnvelope,
        "error-codes": errorCodes,
        "default-error-envelope": defaultErrorEnvelope,
      },
    },
  };
}
