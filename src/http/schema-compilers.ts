/**
 * Validation and serialization compilers for the contract routes, both Ajv over the
 * bundled spec's schemas (OpenAPI 3.0 schema objects; `example` and the `x-` keywords
 * are declared as annotations, see `createAjv`).
 *
 * Requests: no type coercion and no removal of unknown properties, so a wrong type or a
 * misspelt field is a 400 and never silently "fixed"; documented defaults are applied.
 * Every violation is collected (`allErrors`, so that the 400 `V.02` message names each
 * offending field; `validation-message.ts`), with the schema of each error (`verbose`,
 * for the titles of `anyOf` branches). `allErrors` changes what is reported, not what is
 * accepted; its cost stays linear in the body, which is at most 16 KiB.
 *
 * Responses: with `validate` (tests, the contract tester's local targets, or a deployment
 * that asks for it), every body is validated against its status's schema before it is
 * sent, so a body outside the spec becomes a 500 (a server bug) instead of reaching a
 * partner. Without it (the production default) a body is written with `JSON.stringify`:
 * the handlers' result types (`generated/server.ts`) already make an undocumented status
 * or body a compile error, and every test validates what the handlers answer
 * (docs/request-path.md, "Responses"). Ajv rather than fast-json-stringify: the latter
 * cannot merge the spec's `allOf` narrowing of `oneOf` (e.g. `V4Success`), and it would
 * coerce a wrong value silently rather than refuse it.
 */
import type { Options } from "ajv";
import type { FastifySchemaCompiler, FastifySerializerCompiler } from "fastify";
import { createAjv } from "../shared/ajv.js";
import type { OpenApiDocument } from "../shared/spec-document.js";

const strict: Options = { allErrors: false, strict: true };

/** Fastify validator compiler for request bodies and query strings of `spec`. */
export function requestValidatorCompiler(spec: OpenApiDocument): FastifySchemaCompiler<unknown> {
  const ajv = createAjv(
    { ...strict, allErrors: true, verbose: true, coerceTypes: false, removeAdditional: false, useDefaults: true },
    spec.components.schemas,
  );
  return ({ schema }) => ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}

/** Raised when a handler's response breaks its schema; the error handler answers 500 `G.01`. */
export class ResponseContractError extends Error {
  override name = "ResponseContractError";
}

/**
 * Fastify serializer compiler for the responses of `spec`: with `validate`, check the body
 * against the status's schema, then `JSON.stringify`; without, `JSON.stringify` alone.
 */
export function responseSerializerCompiler(spec: OpenApiDocument, validate: boolean): FastifySerializerCompiler<unknown> {
  if (!validate) return () => JSON.stringify;
  const ajv = createAjv(strict, spec.components.schemas);
  return ({ schema, url, httpStatus }) => {
    const check = ajv.compile(schema as object);
    return (data) => {
      if (!check(data))
        throw new ResponseContractError(`response ${httpStatus} of ${url} breaks the spec: ${ajv.errorsText(check.errors)}`);
      return JSON.stringify(data);
    };
  };
}
