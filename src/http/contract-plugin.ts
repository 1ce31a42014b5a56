/**
 * The runtime wiring of the generated server stubs: serves the operations of one side
 * (`provider` or `operator`, from `x-implemented-by`) straight from the bundled spec with
 * fastify-openapi-glue, keyed by operationId. Routes, request validation and response
 * serialization all come from the spec; there is no hand-written route table or request
 * schema.
 *
 * Each request goes through, in order:
 *   1. transport: a body over the spec's limit is 413 `V.03`; a Content-Type other than
 *      application/json is 415 `V.04` (the body is not read);
 *   2. authentication: `MEMB_ID` + `HASH` (+ body `hash`) with timing-safe comparisons,
 *      or Kyren's `secureLogin` + `token`: 401 `G.00`;
 *   3. the body against the spec: 400 `V.01` (not JSON) or `V.02` (schema);
 *   4. the handler, whose result type allows only documented statuses and bodies.
 * Every response is `Content-Type: application/json` exactly, with the operation's own
 * error shape; an unexpected error is 500 `G.01`, never a stack trace.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import openapiGlue from "fastify-openapi-glue";
import { maxRequestBodyBytes, operationsById, type OperationId } from "../../generated/operations.js";
import type { OperationResults, OperatorHandlers, ProviderHandlers } from "../../generated/server.js";
import type { OpenApiDocument } from "../spec-document.js";
import { authenticateKyrenRequest, authenticateSignedRequest, type Authentication } from "./authenticate.js";
import { ApiFailure, failure } from "./failures.js";
import type { Partner, PartnerDirectory } from "./partners.js";
import { requestValidatorCompiler, responseSerializerCompiler, ResponseContractError } from "./schema-compilers.js";

/** Stands in for a body that is not a JSON object; answered with 400 `V.01` after authentication. */
class MalformedBody {
  constructor(readonly reason: string) {}
}

declare module "fastify" {
  interface FastifyRequest {
    /** The body bytes as received, when the Content-Type was application/json. */
    rawBody: Buffer | undefined;
    /** The authenticated partner, set before validation. */
    partner: Partner | undefined;
  }
}

/** A handler as the plugin calls it: typed input in, a documented result out. */
type AnyHandler<Context> = (input: { query: unknown; body: unknown }, context: Context) => Promise<OperationResults[OperationId]>;

/**
 * Options of `contractPlugin`: which side of the contract to serve (`x-implemented-by`)
 * with that side's generated handler set, so a missing or mistyped handler fails `tsc`.
 */
export type ContractPluginOptions<Context> = {
  /** The bundled spec (`dist/openapi.json`). */
  spec: OpenApiDocument;
  partners: PartnerDirectory;
  /** Builds the handler's context for an authenticated request. */
  context: (request: FastifyRequest, partner: Partner) => Context;
} & ({ side: "provider"; handlers: ProviderHandlers<Context> } | { side: "operator"; handlers: OperatorHandlers<Context> });

function operationIdOf(request: FastifyRequest): OperationId | undefined {
  return (request.routeOptions.schema as { operationId?: OperationId } | undefined)?.operationId;
}

/** The spec with only the paths of one side, so glue registers nothing else. */
function specForSide(spec: OpenApiDocument, side: "provider" | "operator"): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.entries(spec.paths).filter(([path]) => Object.values(operationsById).some((operation) => operation.path === path && operation.implementedBy === side)),
  );
  return structuredClone({ ...spec, paths });
}

function authenticate(operationId: OperationId, request: FastifyRequest, partners: PartnerDirectory): Authentication {
  const operation = operationsById[operationId];
  if (operation.signedWithHash) {
    const query = request.query as Record<string, string | undefined>;
    const secretFor = (memberId: string) => partners.get(memberId)?.secret;
    return authenticateSignedRequest({ rawBody: request.rawBody!, MEMB_ID: query.MEMB_ID, HASH: query.HASH, withBodyHash: operation.bodyHash }, secretFor);
  }
  if (request.body instanceof MalformedBody) return { ok: false, kind: "malformed-body", reason: request.body.reason };
  return authenticateKyrenRequest(request.body, (memberId) => partners.get(memberId)?.kyrenToken);
}

/** True when the Content-Type names a charset other than UTF-8 (the only one the spec allows). */
function otherCharset(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  return charset !== undefined && !/^utf-?8$/i.test(charset);
}

/** preValidation hook: steps 1 (missing Content-Type, other charset) and 2, and step 3's unparsable body. */
function checkRequest(operationId: OperationId, partners: PartnerDirectory) {
  return async (request: FastifyRequest) => {
    const contentType = request.headers["content-type"];
    if (request.rawBody === undefined || otherCharset(contentType)) throw new ApiFailure("V.04", `Content-Type must be application/json (UTF-8), not ${contentType ?? "missing"}`);
    const authentication = authenticate(operationId, request, partners);
    if (!authentication.ok) {
      if (authentication.kind === "unauthenticated") throw new ApiFailure("G.00", authentication.reason);
      throw new ApiFailure(authentication.kind === "malformed-body" ? "V.01" : "V.02", authentication.reason);
    }
    if (request.body instanceof MalformedBody) throw new ApiFailure("V.01", request.body.reason);
    request.partner = partners.get(authentication.memberId);
  };
}

/** Maps any error of a contract route to the operation's documented failure. */
function toFailure(error: Error & { code?: string; validation?: unknown; statusCode?: number }, operationId: OperationId, request: FastifyRequest) {
  if (error instanceof ApiFailure) return failure(operationId, error.code, error.detail);
  if (error.validation) return failure(operationId, "V.02", error.message);
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return failure(operationId, "V.03", `the body is larger than ${maxRequestBodyBytes} bytes`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return failure(operationId, "V.04", `Content-Type must be application/json, not ${request.headers["content-type"] ?? "missing"}`);
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return failure(operationId, "V.01", "the body does not match its Content-Length");
  }
  // Any other client-side failure to deliver the body (e.g. the client aborted): not a server error.
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    request.log.info({ err: error }, "the request body could not be read");
    return failure(operationId, "V.01", "the request body could not be read");
  }
  request.log.error({ err: error, contractViolation: error instanceof ResponseContractError }, "unexpected error; answering 500 G.01");
  return failure(operationId, "G.01");
}

/**
 * Serves one side of the contract. Register it in its own encapsulated context: its
 * content-type parser, hooks and error handler apply to the contract routes only.
 */
// `any`: each caller registers the plugin with its own handler Context.
export const contractPlugin: FastifyPluginAsync<ContractPluginOptions<any>> = async (app: FastifyInstance, options) => {
  app.setValidatorCompiler(requestValidatorCompiler());
  app.setSerializerCompiler(responseSerializerCompiler());
  app.decorateRequest("rawBody", undefined);
  app.decorateRequest("partner", undefined);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: maxRequestBodyBytes }, (request, body: Buffer, done) => {
    request.rawBody = body;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return done(null, new MalformedBody(body.length === 0 ? "the body is empty" : "the body is not valid JSON"));
    }
    done(null, typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed : new MalformedBody("the body is not a JSON object"));
  });

  app.setErrorHandler((error: Error & { code?: string; validation?: unknown }, request: FastifyRequest, reply: FastifyReply) => {
    const operationId = operationIdOf(request)!;
    const { status, body } = toFailure(error, operationId, request);
    return reply.code(status).send(body);
  });

  // Exactly `application/json`: Fastify would add `; charset=utf-8`, which Dredd and the spec reject.
  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("content-type", "application/json");
    return payload;
  });

  const handlers = options.handlers as unknown as Record<OperationId, AnyHandler<unknown>>;
  await app.register(openapiGlue, {
    specification: specForSide(options.spec, options.side),
    operationResolver: (operationId: string) => {
      const id = operationId as OperationId;
      const handler = handlers[id];
      if (!handler) throw new Error(`no handler for operation ${operationId}`);
      return {
        preValidation: checkRequest(id, options.partners),
        handler: async (request: FastifyRequest, reply: FastifyReply) => {
          const result = await handler({ query: request.query, body: request.body }, options.context(request, request.partner!));
          return reply.code(result.status).send(result.body);
        },
      } as never;
    },
  });
};
