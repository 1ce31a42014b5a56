/**
 * Renders `generated/server.ts`: the server-side contract. For each operationId it
 * declares the typed input a handler receives, the union of every response the
 * operation documents (keyed by status, so an undocumented status or body fails
 * `tsc`) and the handler signature; then the handler sets of each side (provider,
 * operator). The runtime wiring that serves them from the bundled spec, keyed by
 * operationId, is `src/http/contract-plugin.ts` on fastify-openapi-glue.
 */
import { GENERATED_HEADER } from "./render-typescript.js";
import type { OperationFacts } from "./spec.js";

function pascal(operationId: string): string {
  return operationId[0]!.toUpperCase() + operationId.slice(1);
}

function operationTypes(operation: OperationFacts): string {
  const name = pascal(operation.operationId);
  const op = `operations["${operation.operationId}"]`;
  const responses = operation.statuses.map((status) => `  | { status: ${status}; body: JsonContent<${op}["responses"][${status}]> }`);
  return `/** Input of \`${operation.operationId}\` (${operation.method.toUpperCase()} ${operation.path}) as its handler receives it: signature and schema already checked. */
export interface ${name}Input {
  query: ${op}["parameters"]["query"];
  body: JsonContent<${op}["requestBody"]>;
}

/** Every response \`${operation.operationId}\` documents (${operation.statuses.join(", ")}); a handler can return nothing else. */
export type ${name}Result =
${responses.join("\n")};

/** Handler of \`${operation.operationId}\`: ${operation.summary}. */
export type ${name}Handler<Context> = (input: ${name}Input, context: Context) => Promise<${name}Result>;
`;
}

function handlerSet(name: string, description: string, operations: OperationFacts[]): string {
  const members = operations.map((operation) => `  ${operation.operationId}: ${pascal(operation.operationId)}Handler<Context>;`);
  return `/** ${description} */
export interface ${name}<Context> {
${members.join("\n")}
}
`;
}

/** The contents of `generated/server.ts`. */
export function renderServer(operations: OperationFacts[]): string {
  const provider = operations.filter((operation) => operation.implementedBy === "provider");
  const operator = operations.filter((operation) => operation.implementedBy === "operator");
  const results = operations.map((operation) => `  ${operation.operationId}: ${pascal(operation.operationId)}Result;`);
  const codes = operations.map(
    (operation) => `  ${operation.operationId}: ${operation.errorCodes.map((code) => JSON.stringify(code)).join(" | ")};`,
  );
  return `${GENERATED_HEADER}
import type { operations } from "./schema.js";

/** The \`application/json\` body of a request body or response object. */
type JsonContent<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

${operations.map(operationTypes).join("\n")}
${handlerSet("ProviderHandlers", "The operations Lucky Monaco serves (`x-implemented-by: provider`), by operationId.", provider)}
${handlerSet("OperatorHandlers", "The operations an operator serves (`x-implemented-by: operator`), by operationId.", operator)}
/** The result union of every operation, by operationId. */
export interface OperationResults {
${results.join("\n")}
}

/** The catalog codes each operation may answer (its \`x-error-codes\`), by operationId: a handler can answer no other. */
export interface OperationErrorCodes {
${codes.join("\n")}
}

/** operationIds served by the provider's server. */
export const providerOperationIds = ${JSON.stringify(provider.map((operation) => operation.operationId))} as const;

/** operationIds served by an operator's callback receiver. */
export const operatorOperationIds = ${JSON.stringify(operator.map((operation) => operation.operationId))} as const;
`;
}
