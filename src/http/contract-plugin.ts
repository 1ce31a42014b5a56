/**
 * The runtime wiring of the generated server stubs: serves the operations of one side
 * (`provider` or `operator`, from `x-implemented-by`) straight from the bundled spec with
 * fastify-openapi-glue, keyed by operationId. Routes, request validation and response
 * serialization all come from the spec; there is no hand-written route table or request
 * schema.
 *
 * Requests are checked in the spec's "Order of checks" (openapi/docs/introduction.md):
 * step 1 (HTTP) is `transport-answers.ts`; the body limit and the content-type parser do
 * the transport step (413/415), the preValidation hook `checkRequest` authentication
 * (the signature, the JSON object, the body credentials, freshness: 401 `G.00`/`G.04`,
 * 400 `V.01`), Fastify's validation the schema (400 `V.02`, naming every offending field:
 * `validation-message.ts`), and the handler, whose result type allows only documented
 * statuses and bodies, the operation's rules. Outside the sandbox every `G.00` of an
 * operation has one message, whatever failed, unless the signature is one of the usual
 * mistakes made with the partner's own secret, which is named
 * (`signature-diagnosis.ts`). No message is longer than its schema allows.
 * Every failure is in the operation's failure envelope; an unexpected error is 500
 * `G.01`, never a stack trace. (Every answer is `Content-Type: application/json` exactly:
 * the one `onSend` hook of `transport-answers.ts`, registered on the whole server.)
 */
import type { ErrorObject } from "ajv";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import openapiGlue from "fastify-openapi-glue";
import { errorCatalog } from "../../generated/error-catalog.js";
import { maxRequestBodyBytes, operationsById, type OperationId } from "../../generated/operations.js";
import type { OperationResults, OperatorHandlers, ProviderHandlers } from "../../generated/server.js";
import type { OpenApiDocument } from "../shared/spec-document.js";
import type { Partner, PartnerDirectory } from "../partners/directory.js";
import {
  authenticateKyrenRequest,
  authenticateSignedRequest,
  parseObject,
  type Authentication,
  type FreshnessOptions,
  type ParsedBody,
  type SignedRequestOptions,
} from "@luckymonaco/session-api-client";
import { ApiFailure, failure } from "../shared/failures.js";
import { clip, messageMaxLength } from "../shared/message-limit.js";
import { requestValidatorCompiler, responseSerializerCompiler, ResponseContractError } from "./schema-compilers.js";
import type { SignatureDiagnosis } from "@luckymonaco/session-api-client";
import { validationDetail } from "./validation-message.js";
import { ErrorLogThrottle } from "../shared/error-log-throttle.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The body bytes as received, when the Content-Type was application/json. */
    rawBody: Buffer | undefined;
    /**
     * What the content-type parser found: the body as a JSON object (also `request.body`),
     * or why not (400 `V.01` in its turn). Authentication reads it instead of parsing again.
     */
    bodyParse: ParsedBody | undefined;
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
  /** The bundled spec (`generated/openapi.json`, see `loadBundledSpec`). */
  spec: OpenApiDocument;
  partners: PartnerDirectory;
  /**
   * True for a sandbox (no partners file): a `G.00` names what failed. Otherwise every
   * `G.00` of an operation has the same message, so that partner ids cannot be probed.
   */
  sandbox: boolean;
  /** The clock and tolerance of the freshness check (`timestamp`); each partner says whether it is required. */
  freshness: Pick<FreshnessOptions, "now" | "toleranceSeconds">;
  /** Builds the handler's context for an authenticated request. */
  context: (request: FastifyRequest, partner: Partner) => Context;
  /**
   * Validate every response body against its schema before sending it (a mismatch is
   * answered 500 `G.01`). Default false: tests and the contract tester's local targets
   * turn it on; in production the handlers' generated types keep the bodies documented
   * (`schema-compilers.ts`).
   */
  validateResponses?: boolean;
} & ({ side: "provider"; handlers: ProviderHandlers<Context> } | { side: "operator"; handlers: OperatorHandlers<Context> });

function operationIdOf(request: FastifyRequest): OperationId | undefined {
  return (request.routeOptions.schema as { operationId?: OperationId } | undefined)?.operationId;
}

/** The spec with only the paths of one side, so glue registers nothing else. */
function specForSide(spec: OpenApiDocument, side: "provider" | "operator"): OpenApiDocument {
  const paths = Object.fromEntries(
    Object.entries(spec.paths).filter(([path]) =>
      Object.values(operationsById).some((operation) => operation.path === path && operation.implementedBy === side),
    ),
  );
  return structuredClone({ ...spec, paths });
}

/**
 * Step 3 of the order of checks: the signature, the JSON object, the body credentials,
 * freshness. A wrong signature of a known partner is diagnosed (`signature-diagnosis.ts`);
 * in the sandbox also against the mistakes that need no secret.
 */
function authenticate(
  operationId: OperationId,
  request: FastifyRequest,
  partners: PartnerDirectory,
  options: SignedRequestOptions,
): Authentication<Partner> {
  const operation = operationsById[operationId];
  const parse = request.bodyParse!;
  if (operation.signedWithHash) {
    const query = request.query as Record<string, string | string[] | undefined>;
    // The parse of the content-type parser: preValidation runs before the schema's defaults change the body.
    const parts = { rawBody: request.rawBody!, body: parse, MEMB_ID: query.MEMB_ID, HASH: query.HASH, withBodyHash: operation.bodyHash };
    return authenticateSignedRequest(parts, partners.get, options);
  }
  if (!parse.ok) return parse;
  return authenticateKyrenRequest(parse.value, partners.get, options);
}

/** The one `G.00` message of an operation outside the sandbox: it names the credentials, not which one failed. */
function undisclosedReason(operationId: OperationId): string {
  const operation = operationsById[operationId];
  if (!operation.signedWithHash) return "secureLogin or token is not valid";
  return operation.bodyHash ? "MEMB_ID, HASH or the body hash is not valid" : "MEMB_ID or HASH is not valid";
}

/** How much of a canonical string a sandbox `G.00` shows, in characters. */
const SHOWN_CANONICAL_LENGTH = 400;

/**
 * The detail of a `G.00`. A recognised signing mistake is named everywhere: only a caller
 * holding the secret can make it. Otherwise the sandbox names the failed check and
 * production answers every failure of the operation alike (no probing of partner ids).
 * The sandbox, whose secret is public, adds the canonical string of a body whose `hash`
 * is wrong. Never the expected `HASH` or `hash`. (Failure messages are answered, not
 * logged: the canonical string may hold a player's `token`.)
 */
function unauthenticatedDetail(
  operationId: OperationId,
  reason: string,
  diagnosis: SignatureDiagnosis | undefined,
  sandbox: boolean,
): string {
  if (!sandbox) return diagnosis?.hint ?? undisclosedReason(operationId);
  const detail = diagnosis?.hint ?? reason;
  if (diagnosis?.canonicalString === undefined) return detail;
  return `${detail}; the canonical string of this body is "${clip(diagnosis.canonicalString, SHOWN_CANONICAL_LENGTH)}"`;
}

/** The catalog code of each failure kind of authentication. */
const codeOfKind = { unauthenticated: "G.00", expired: "G.04", "malformed-body": "V.01", "unsignable-body": "V.02" } as const;

/** True when the Content-Type names a charset other than UTF-8 (the only one the spec allows). */
function otherCharset(contentType: string | undefined): boolean {
  if (contentType === undefined || !contentType.includes(";")) return false;
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  return charset !== undefined && !/^utf-?8$/i.test(charset);
}

/** preValidation hook (synchronous): the rest of step 2 (missing Content-Type, other charset), then step 3. */
function checkRequest(operationId: OperationId, options: Pick<ContractPluginOptions<unknown>, "partners" | "sandbox" | "freshness">) {
  const authentication: SignedRequestOptions = { ...options.freshness, diagnose: options.sandbox ? "all" : "with-secret" };
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
    const contentType = request.headers["content-type"];
    if (request.rawBody === undefined || otherCharset(contentType))
      return done(new ApiFailure("V.04", `Content-Type must be application/json (UTF-8), not ${contentType ?? "missing"}`));
    const authenticated = authenticate(operationId, request, options.partners, authentication);
    if (!authenticated.ok) {
      const { kind, reason, diagnosis } = authenticated;
      return done(
        new ApiFailure(
          codeOfKind[kind],
          kind === "unauthenticated" ? unauthenticatedDetail(operationId, reason, diagnosis, options.sandbox) : reason,
        ),
      );
    }
    request.partner = authenticated.partner;
    done();
  };
}

/** A route error as Fastify reports it: a validation error carries Ajv's errors and where they were found. */
type RouteError = Error & { code?: string; validation?: ErrorObject[]; validationContext?: string; statusCode?: number };

/** Maps any error of a contract route to the operation's documented failure; `fitMessage` cuts a detail to the message's `maxLength`. */
function toFailure(
  error: RouteError,
  operationId: OperationId,
  request: FastifyRequest,
  fitMessage: (code: keyof typeof errorCatalog, detail: string | undefined) => string | undefined,
  errors: ErrorLogThrottle,
) {
  if (error instanceof ApiFailure) return failure(operationId, error.code, fitMessage(error.code, error.detail));
  if (error.validation)
    return failure(operationId, "V.02", fitMessage("V.02", validationDetail(error.validation, error.validationContext ?? "body")));
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return failure(operationId, "V.03", `the body is larger than ${maxRequestBodyBytes} bytes`);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return failure(
        operationId,
        "V.04",
        fitMessage("V.04", `Content-Type must be application/json, not ${request.headers["content-type"] ?? "missing"}`),
      );
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return failure(operationId, "V.01", "the body does not match its Content-Length");
  }
  // Any other client-side failure to deliver the body (e.g. the client aborted): not a server error.
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    request.log.info({ err: error }, "the request body could not be read");
    return failure(operationId, "V.01", "the request body could not be read");
  }
  errors.error(request.log, { contractViolation: error instanceof ResponseContractError }, error, "unexpected error; answering 500 G.01");
  return failure(operationId, "G.01");
}

/**
 * Serves one side of the contract. Register it in its own encapsulated context: its
 * content-type parser, hooks and error handler apply to the contract routes only.
 */
// biome-ignore lint/suspicious/noExplicitAny: each caller registers the plugin with its own handler Context.
export const contractPlugin: FastifyPluginAsync<ContractPluginOptions<any>> = async (app: FastifyInstance, options) => {
  app.setValidatorCompiler(requestValidatorCompiler(options.spec));
  app.setSerializerCompiler(responseSerializerCompiler(options.spec, options.validateResponses ?? false));
  app.decorateRequest("rawBody", undefined);
  app.decorateRequest("bodyParse", undefined);
  app.decorateRequest("partner", undefined);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer", bodyLimit: maxRequestBodyBytes }, (request, body: Buffer, done) => {
    request.rawBody = body;
    const parsed = parseObject(body);
    request.bodyParse = parsed;
    done(null, parsed.ok ? parsed.value : undefined);
  });

  // The longest message each operation's failure envelope allows (its schema's maxLength).
  const messageLimits = new Map(
    Object.values(operationsById).map((operation) => [operation.operationId, messageMaxLength(options.spec, operation.errorEnvelope)]),
  );
  // During an outage every request fails alike: one stack per kind and minute, then a count.
  const errors = new ErrorLogThrottle();
  app.setErrorHandler((error: RouteError, request: FastifyRequest, reply: FastifyReply) => {
    const operationId = operationIdOf(request)!;
    const fitMessage = (code: keyof typeof errorCatalog, detail: string | undefined) =>
      detail && clip(detail, messageLimits.get(operationId)! - errorCatalog[code].title.length - 2);
    const { status, body } = toFailure(error, operationId, request, fitMessage, errors);
    return reply.code(status).send(body);
  });

  const handlers = options.handlers as unknown as Record<OperationId, AnyHandler<unknown>>;
  await app.register(openapiGlue, {
    specification: specForSide(options.spec, options.side),
    operationResolver: (operationId: string) => {
      const id = operationId as OperationId;
      const handler = handlers[id];
      if (!handler) throw new Error(`no handler for operation ${operationId}`);
      return {
        preValidation: checkRequest(id, options),
        handler: async (request: FastifyRequest, reply: FastifyReply) => {
          const result = await handler({ query: request.query, body: request.body }, options.context(request, request.partner!));
          return reply.code(result.status).send(result.body);
        },
      } as never;
    },
  });
};
