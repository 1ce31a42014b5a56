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
 * Responses: every body is validated against its status's schema before it is sent, so
 * the server can never send a body outside the spec; a mismatch is a server bug and
 * becomes a 500. (Ajv instead of fast-json-stringify: the latter cannot merge the
 * spec's `allOf` narrowing of `oneOf`, e.g. `V4Success`.)
 */
import type { Options } from "ajv";
import type { FastifySchemaCompiler, FastifySerializerCompiler } from "fastify";
import { createAjv } from "../ajv.js";
import type { OpenApiDocument } from "../spec-document.js";

const strict: Options = { allErrors: false, strict: true };

/** Fastify validator compiler for request bodies and query strings of `spec`. */
export function requestValidatorCompiler(spec: OpenApiDocument): FastifySchemaCompiler<unknown> {
  const ajv = createAjv({ ...strict, allErrors: true, verbose: true, coerceTypes: false, removeAdditional: false, useDefaults: true }, spec.components.schemas);
  return ({ schema }) => ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}

/** Raised when a handler's response breaks its schema; the error handler answers 500 `G.01`. */
export class ResponseContractError extends Error {
  override name = "ResponseContractError";
}

/** Fastify serializer compiler for the responses of `spec`: validate against the status's schema, then JSON.stringify. */
export function responseSerializerCompiler(spec: OpenApiDocument): FastifySerializerCompiler<unknown> {
  const ajv = createAjv(strict, spec.components.schemas);
  return ({ schema, url, httpStatus }) => {
    const validate = ajv.compile(schema as object);
    return (data) => {
      if (!validate(data)) throw new ResponseContractError(`response ${httpStatus} of ${url} breaks the spec: ${ajv.errorsText(validate.errors)}`);
      return JSON.stringify(data);
    };
  };
}
