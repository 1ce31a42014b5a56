/**
 * Every documented response of the bundle (`generated/openapi.json`), one row per operation,
 * status and media type, with the name Dredd gives its transaction. The contract suites
 * derive what they must exercise from this list, so a newly documented status needs a
 * case before the suites pass again.
 */
import type { OperationFacts } from "../shared/spec-types.js";
import { allOperations, deref, operationObject } from "./bundle.js";

/** One documented response. */
export interface DocumentedResponse {
  operation: OperationFacts;
  status: number;
  /** A media type of the response's `content` (the API documents `application/json` only). */
  mediaType: string;
  /** Dredd's transaction name, as `dredd --names` prints it for OpenAPI 3: `path > summary > status > media type`. */
  dreddName: string;
}

/** The response object of `operation` under a `responses` key (`200`, `4XX`, `default`), refs resolved; undefined when absent. */
export function responseObject(
  operation: OperationFacts,
  key: number | string,
): { content?: Record<string, { schema?: unknown }> } | undefined {
  return deref(operationObject(operation).responses[String(key)]);
}

/**
 * Lists the documented responses in document order.
 *
 * @throws Error when a response has no `content`: Dredd names such transactions differently,
 *   and every response of this API must carry a body
 */
export function documentedResponses(): DocumentedResponse[] {
  return allOperations.flatMap((operation) =>
    operation.statuses.flatMap((status) => {
      const mediaTypes = Object.keys(responseObject(operation, status)?.content ?? {});
      if (!mediaTypes.length) throw new Error(`${operation.operationId} ${status} documents no content`);
      return mediaTypes.map((mediaType) => ({
        operation,
        status,
        mediaType,
        dreddName: [operation.path, operation.summary, status, mediaType].join(" > "),
      }));
    }),
  );
}
