/**
 * `npm run postman`: writes `dist/postman/session-api.postman_collection.json`, a Postman
 * collection (v2.1) of every operation, generated from the bundle `generated/openapi.json`,
 * and `session-api.postman_environment.json` beside it, an environment with the same
 * variables. The docs build writes both into the docs site too (its Downloads page).
 * openapi-to-postmanv2 converts the bundle (folders by tag, requests, descriptions, saved
 * example responses); this module then:
 *
 * - sets the collection variables `baseUrl` (the deployment's sandbox, `deployment.ts`:
 *   `PUBLIC_SANDBOX_URL`, or locally http://127.0.0.1:3000, the sandbox of `npm start`),
 *   `operatorUrl` (the receiver of the callback: locally http://127.0.0.1:3100, the
 *   example receiver of `npm run operator`; a placeholder in a public build), `memberId`
 *   (`demo`), `secret` (`sandbox-secret`) and `kyrenToken` (`sandbox-token`);
 * - gives each request the spec's request example as its body, with `{{$guid}}` as `uuid`
 *   (a fresh idempotency key per send) and, for operations that carry their credentials
 *   in the body (not signed with `MEMB_ID` + `HASH`: Kyren), `{{memberId}}` and
 *   `{{kyrenToken}}` as `secureLogin` and `token`;
 * - adds the collection's pre-request script that signs each request over the exact
 *   bytes sent, and each request's tests (`postman-scripts.ts`);
 * - drops the converter's empty folders (the guide pages) and its auth and host variables.
 *
 * Usage: `tsx src/codegen/postman.ts [--out FILE]` (the environment goes beside FILE);
 * `PUBLIC_SANDBOX_URL` and the other variables of `deployment.ts` apply. The converter's own log (it warns that
 * it cannot merge the `allOf` over `oneOf` of the result schemas, which only affects the
 * example bodies it fakes) is shown only when the conversion fails.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { convertV2 } from "openapi-to-postmanv2";
import { loadBundledSpec, repoRoot, type OpenApiDocument } from "../shared/spec-document.js";
import { deploymentFromEnv, localDeployment, specForDeployment, type Deployment } from "./deployment.js";
import { POSTMAN_COLLECTION_FILE, POSTMAN_ENVIRONMENT_FILE } from "./downloads.js";
import { preRequestScript, testScript } from "./postman-scripts.js";
import { requestFacts, type RequestFacts } from "./request-facts.js";
import { resolveRef } from "./spec.js";

/** Where `npm run postman` writes the collection; the environment goes beside it. */
export const collectionFile = join(repoRoot, "dist/postman", POSTMAN_COLLECTION_FILE);

/** A variable of the collection and the environment. */
export interface PostmanVariable {
  key: string;
  value: string;
  description: string;
  /** Shown masked in Postman's environment editor. */
  secret?: boolean;
}

/**
 * The collection variables and their defaults: the sandbox partner, and the deployment's
 * sandbox and receiver URLs.
 */
export function collectionVariables(deployment: Deployment = localDeployment): PostmanVariable[] {
  return [
    {
      key: "baseUrl",
      value: deployment.sandboxUrl,
      description: "Base URL of the Lucky Monaco API: the sandbox by default; your production URL is given at onboarding.",
    },
    {
      key: "operatorUrl",
      value: deployment.operatorUrl,
      description: "Base URL of your receiver of the session expired callback, the one you registered with Lucky Monaco.",
    },
    { key: "memberId", value: "demo", description: "Your partner id: MEMB_ID of signed calls, secureLogin of Kyren calls. Sandbox: demo." },
    {
      key: "secret",
      value: "sandbox-secret",
      description: "Your partner secret, which keys HASH and the body hash; it is never sent. Sandbox: sandbox-secret.",
      secret: true,
    },
    {
      key: "kyrenToken",
      value: "sandbox-token",
      description: "Your Kyren token, sent as token in Kyren calls. Sandbox: sandbox-token.",
      secret: true,
    },
  ];
}

/**
 * A Postman environment (the format Postman exports) with the collection's variables:
 * what a partner imports next to the collection, or passes to newman with `-e`.
 */
export function buildPostmanEnvironment(deployment: Deployment = localDeployment): Record<string, unknown> {
  return {
    id: "6a1f3c0e-5b7d-4e2a-9c8f-1d2e3f4a5b6c",
    name: deployment.public ? "Lucky Monaco sandbox" : "Lucky Monaco local sandbox",
    values: collectionVariables(deployment).map((variable) => ({
      key: variable.key,
      value: variable.value,
      type: variable.secret ? "secret" : "default",
      enabled: true,
    })),
    _postman_variable_scope: "environment",
  };
}

/** The body fields that carry credentials in operations not signed with `MEMB_ID` + `HASH` (Kyren), and the variable each takes. */
const bodyCredentials: Record<string, string> = { secureLogin: "{{memberId}}", token: "{{kyrenToken}}" };

/** A Postman item as this module reads and changes it (the converter's output, loosely typed). */
interface Item {
  name: string;
  item?: Item[];
  request?: any;
  event?: unknown[];
  [field: string]: unknown;
}

/**
 * Converts the bundle with openapi-to-postmanv2.
 *
 * @throws Error with the converter's reason and log when it fails
 */
function convert(spec: OpenApiDocument): Promise<{ item: Item[]; info: Record<string, unknown>; [field: string]: unknown }> {
  const log: string[] = [];
  const quiet = { error: console.error, warn: console.warn };
  console.error = console.warn = (...args: unknown[]) => void log.push(args.map(String).join(" "));
  return new Promise((resolve, reject) => {
    convertV2(
      { type: "json", data: structuredClone(spec) },
      { folderStrategy: "Tags", parametersResolution: "Example", includeAuthInfoInExample: false, alwaysInheritAuthentication: true },
      (error, result) => {
        Object.assign(console, quiet);
        const collection = result?.output?.[0]?.data;
        if (error || !result?.result || !collection)
          reject(new Error(`openapi-to-postmanv2 failed: ${error?.message ?? result?.reason ?? "no collection"}\n${log.join("\n")}`));
        else resolve(collection as never);
      },
    );
  });
}

/** Keywords of a schema that only document it; left out of the schema the tests validate with. */
const documentationOnly = (keyword: string) =>
  ["description", "example", "examples", "title", "externalDocs"].includes(keyword) || keyword.startsWith("x-");

/**
 * A schema with every `$ref` inlined and its documentation-only keywords left out, for
 * the Ajv of Postman's sandbox, which cannot follow the bundle's refs.
 *
 * @throws Error when the refs nest deeper than 32 (a cycle)
 */
export function inlineSchema(spec: OpenApiDocument, node: unknown, depth = 0): unknown {
  if (depth > 32) throw new Error("the success schema is too deep to inline (a $ref cycle?)");
  const schema = resolveRef(spec, node) as Record<string, unknown> | undefined;
  if (typeof schema !== "object" || schema === null) return schema;
  const inline = (child: unknown) => inlineSchema(spec, child, depth + 1);
  const result: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (documentationOnly(keyword)) continue;
    if (keyword === "properties")
      result[keyword] = Object.fromEntries(Object.entries(value as object).map(([name, child]) => [name, inline(child)]));
    else if (["allOf", "anyOf", "oneOf"].includes(keyword)) result[keyword] = (value as unknown[]).map(inline);
    else if (["items", "not", "additionalProperties"].includes(keyword) && typeof value === "object") result[keyword] = inline(value);
    else result[keyword] = value;
  }
  return result;
}

/** The body the request starts with: the spec's example, with variables where each send needs its own value or the partner's credentials. */
function exampleBody(operation: RequestFacts): string {
  const body: Record<string, unknown> = { ...operation.example };
  if ("uuid" in body && operation.properties.includes("uuid")) body.uuid = "{{$guid}}";
  if (!operation.signedWithHash) for (const [field, variable] of Object.entries(bodyCredentials)) if (field in body) body[field] = variable;
  return JSON.stringify(body, null, 2);
}

/**
 * Rewrites one converted request for its operation.
 *
 * @throws Error when the operation documents no 2xx status
 */
function completeRequest(spec: OpenApiDocument, item: Item, operation: RequestFacts): void {
  const request = item.request;
  request.url.host = [operation.implementedBy === "operator" ? "{{operatorUrl}}" : "{{baseUrl}}"];
  delete request.url.variable;
  delete request.auth;
  for (const parameter of request.url.query ?? []) {
    if (parameter.key === "MEMB_ID") parameter.value = "{{memberId}}";
    if (parameter.key === "HASH") parameter.value = "set by the collection's pre-request script";
  }
  request.body = { mode: "raw", raw: exampleBody(operation), options: { raw: { language: "json" } } };
  const successStatuses = operation.statuses.filter((status) => status >= 200 && status < 300);
  if (successStatuses.length === 0) throw new Error(`${operation.operationId} documents no 2xx status`);
  const response = resolveRef(spec, (spec.paths[operation.path]![operation.method] as any).responses[String(successStatuses[0])]);
  const schema = inlineSchema(spec, response.content["application/json"].schema);
  item.event = [{ listen: "test", script: { type: "text/javascript", exec: testScript(operation, successStatuses, schema).split("\n") } }];
}

/**
 * Builds the collection from a bundle.
 *
 * @param spec the bundle (`generated/openapi.json`), or the docs' copy of it for a deployment (`specForDeployment`)
 * @param deployment where `baseUrl` and `operatorUrl` point by default
 * @returns the Postman collection (v2.1) as a JSON value
 * @throws Error when the conversion fails, or a converted request matches no operation of the spec
 */
export async function buildPostmanCollection(
  spec: OpenApiDocument,
  deployment: Deployment = localDeployment,
): Promise<Record<string, unknown>> {
  const operations = requestFacts(spec);
  const collection = await convert(spec);
  const folders = collection.item.filter((folder) => (folder.item ?? []).length > 0);
  for (const item of folders.flatMap((folder) => folder.item!)) {
    const path = `/${(item.request.url.path as string[]).join("/")}`;
    const operation = operations.find(
      (candidate) => candidate.path === path && candidate.method === String(item.request.method).toLowerCase(),
    );
    if (!operation)
      throw new Error(`the converted request "${item.name}" (${item.request.method} ${path}) matches no operation of the spec`);
    completeRequest(spec, item, operation);
  }
  const note = `Generated from the Lucky Monaco session API description. The collection's pre-request script signs every request (body \`hash\`, \`MEMB_ID\` and \`HASH\` over the exact bytes sent) with the variables \`memberId\` and \`secret\`; Kyren calls take \`memberId\` and \`kyrenToken\`. The defaults are the sandbox's; \`baseUrl\` and \`operatorUrl\` say where the calls go.\n\n`;
  const info = collection.info as { description?: { content?: string } };
  return {
    info: { ...collection.info, description: { content: note + (info.description?.content ?? ""), type: "text/markdown" } },
    item: folders,
    auth: { type: "noauth" },
    event: [{ listen: "prerequest", script: { type: "text/javascript", exec: (await preRequestScript(operations)).split("\n") } }],
    variable: collectionVariables(deployment).map(({ secret: _secret, ...variable }) => ({ ...variable, type: "string" })),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string", default: collectionFile } } });
  const deployment = deploymentFromEnv();
  const collection = await buildPostmanCollection(specForDeployment(loadBundledSpec(), deployment), deployment);
  const environmentFile = join(dirname(values.out!), POSTMAN_ENVIRONMENT_FILE);
  mkdirSync(dirname(values.out!), { recursive: true });
  writeFileSync(values.out!, `${JSON.stringify(collection, null, 2)}\n`);
  writeFileSync(environmentFile, `${JSON.stringify(buildPostmanEnvironment(deployment), null, 2)}\n`);
  console.log(`Postman collection written: ${values.out}\nPostman environment written: ${environmentFile}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
