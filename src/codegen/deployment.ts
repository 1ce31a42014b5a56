/**
 * Where a docs build sends partners: the public URLs of a deployment, read at build time
 * from the environment, or the local defaults of this repository. The committed bundle
 * (`generated/openapi.json`) stays deployment-neutral, written with the local defaults;
 * `docs-site.ts` turns a copy of it into the deployment's with `specForDeployment`, and
 * the playground and the Postman collection take their defaults from the same
 * `Deployment`, so that one variable changes every place a partner reads a URL.
 *
 *   PUBLIC_SANDBOX_URL     the sandbox's base URL (say https://sandbox.luckymonaco.example):
 *                          the first server of the docs' spec, the default base URL of
 *                          every code sample, of the guides, of the playground (opened
 *                          from disk) and of the Postman collection and environment.
 *                          Setting it makes a public build: the build fails if any page or
 *                          file it writes still names a loopback address.
 *   PUBLIC_PRODUCTION_URL  optional: the production base URL, instead of the templated
 *                          `https://{apiHost}` placeholder.
 *   PUBLIC_MOCK_URL        optional: where the deployment runs the mock; a public build
 *                          without it lists no mock server (the local one is loopback).
 *
 * In a public build the partner's own receiver has no known address: the callback's
 * samples, the playground and Postman offer `https://casino.example/callbacks` (the
 * go-live checklist's example) for the partner to replace, and the receiver samples
 * listen on every interface (0.0.0.0) rather than loopback, so that the hosted sandbox
 * can reach them.
 */
import type { OpenApiDocument } from "./spec.js";

/** The local defaults: the sandbox of `npm start`, the example receiver of `npm run operator`, the mock of `npm run mock`. */
export const LOCAL_URLS = { sandbox: "http://127.0.0.1:3000", operator: "http://127.0.0.1:3100", mock: "http://127.0.0.1:4010" } as const;

/** The operator receiver offered in a public build: a placeholder the partner replaces with the base URL registered for the callback. */
export const PUBLIC_OPERATOR_PLACEHOLDER = "https://casino.example/callbacks";

/** The URLs a docs build gives partners. */
export interface Deployment {
  /** True when built for a deployment (`PUBLIC_SANDBOX_URL` set). */
  public: boolean;
  /** Base URL of the sandbox, without a trailing slash. */
  sandboxUrl: string;
  /** Base URL offered for the operator's receiver of the session expired callback. */
  operatorUrl: string;
  /** Production base URL, when known. */
  productionUrl?: string;
  /** Base URL of the mock, when there is one (always locally). */
  mockUrl?: string;
}

/** The local build: what the committed bundle already says. */
export const localDeployment: Deployment = {
  public: false,
  sandboxUrl: LOCAL_URLS.sandbox,
  operatorUrl: LOCAL_URLS.operator,
  mockUrl: LOCAL_URLS.mock,
};

/** Loopback addresses as a page may name them. */
const LOOPBACK = /\b127\.0\.0\.1\b|\blocalhost\b|\[::1\]/i;

/**
 * Checks one URL variable: an absolute http(s) URL without query or fragment.
 *
 * @returns the URL without a trailing slash
 * @throws Error naming the variable and what is wrong
 */
function baseUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name}=${value} is not an absolute URL (say https://sandbox.luckymonaco.example)`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`${name}=${value} must be an http or https URL`);
  if (url.search || url.hash || url.username || url.password)
    throw new Error(`${name}=${value} must be a base URL: no query, fragment or credentials`);
  return url.href.replace(/\/+$/, "");
}

/**
 * Reads the deployment from the environment (the variables above).
 *
 * @throws Error when a variable is not an http(s) base URL
 */
export function deploymentFromEnv(env: NodeJS.ProcessEnv = process.env): Deployment {
  const read = (name: string) => (env[name] ? baseUrl(name, env[name]!) : undefined);
  const sandboxUrl = read("PUBLIC_SANDBOX_URL");
  const productionUrl = read("PUBLIC_PRODUCTION_URL");
  const mockUrl = read("PUBLIC_MOCK_URL");
  if (!sandboxUrl) return { ...localDeployment, productionUrl, mockUrl: mockUrl ?? localDeployment.mockUrl };
  return { public: true, sandboxUrl, operatorUrl: PUBLIC_OPERATOR_PLACEHOLDER, productionUrl, mockUrl };
}

/** The variables a deployment is read from, with their values: what the docs build's stamp covers. */
export function deploymentInputs(env: NodeJS.ProcessEnv = process.env): string {
  return ["PUBLIC_SANDBOX_URL", "PUBLIC_PRODUCTION_URL", "PUBLIC_MOCK_URL"].map((name) => `${name}=${env[name] ?? ""}`).join("\n");
}

/** A copy of a JSON value with every string passed through `replace`, which also gets the string's JSON path. */
function replaceStrings(value: unknown, replace: (text: string, path: string[]) => string, path: string[] = []): unknown {
  if (typeof value === "string") return replace(value, path);
  if (Array.isArray(value)) return value.map((item, index) => replaceStrings(item, replace, [...path, String(index)]));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceStrings(item, replace, [...path, key])]));
  return value;
}

/** Where a JSON value names a loopback address: the JSON paths (slash-separated) and the text around it. */
export function loopbackMentions(value: unknown): string[] {
  const found: string[] = [];
  replaceStrings(value, (text, path) => {
    const match = LOOPBACK.exec(text);
    if (match) found.push(`/${path.join("/")}: …${text.slice(Math.max(0, match.index - 40), match.index + 40).replace(/\s+/g, " ")}…`);
    return text;
  });
  return found;
}

/** True when a text names a loopback address. */
export const namesLoopback = (text: string) => LOOPBACK.test(text);

/** The server entries of a spec (`servers`), as this module reads and writes them. */
interface Server {
  url: string;
  description?: string;
  variables?: Record<string, unknown>;
}

/**
 * The servers of a deployment: the sandbox first, then production, then the mock. The
 * entries are the spec's own (their descriptions stay the single source), found by their
 * local URL; production is the spec's entry that is not loopback.
 */
function deploymentServers(servers: Server[], deployment: Deployment): Server[] {
  const byUrl = (url: string) => servers.find((server) => server.url === url);
  const sandbox = byUrl(LOCAL_URLS.sandbox);
  const mock = byUrl(LOCAL_URLS.mock);
  const production = servers.find((server) => !namesLoopback(server.url));
  if (!sandbox || !production) throw new Error(`the spec's servers need the sandbox (${LOCAL_URLS.sandbox}) and a production entry`);
  const productionEntry: Server = deployment.productionUrl
    ? { url: deployment.productionUrl, ...(production.description ? { description: production.description } : {}) }
    : production;
  if (!deployment.public)
    return servers.map((server) =>
      server === production ? productionEntry : server === mock && deployment.mockUrl ? { ...mock, url: deployment.mockUrl } : server,
    );
  return [
    { ...sandbox, url: deployment.sandboxUrl },
    productionEntry,
    ...(mock && deployment.mockUrl ? [{ ...mock, url: deployment.mockUrl }] : []),
  ];
}

/**
 * The docs' copy of the bundle for a deployment: its servers, and every local URL in its
 * text (guides, descriptions, code samples and their defaults) replaced by the
 * deployment's. In a public build the code samples of operator-implemented operations
 * (the receivers) listen on 0.0.0.0 instead of 127.0.0.1.
 *
 * @param spec the bundle (not changed)
 * @returns a new document; the bundle itself when the deployment is the local one
 * @throws Error when the spec lacks the sandbox or production server, or (public build)
 *   when a loopback address is left anywhere in it, naming where
 */
export function specForDeployment(spec: OpenApiDocument, deployment: Deployment): OpenApiDocument {
  if (!deployment.public && !deployment.productionUrl && deployment.mockUrl === LOCAL_URLS.mock) return spec;
  const urls: Array<[string, string]> = [
    [LOCAL_URLS.sandbox, deployment.sandboxUrl],
    [LOCAL_URLS.operator, deployment.operatorUrl],
    ...(deployment.mockUrl ? [[LOCAL_URLS.mock, deployment.mockUrl] as [string, string]] : []),
  ];
  const receiverSamplePaths = new Set(
    Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => (operation as Record<string, unknown>)["x-implemented-by"] === "operator")
        .map(([method]) => `paths/${path}/${method}`),
    ),
  );
  const copy = replaceStrings(spec, (text, path) => {
    let replaced = urls.reduce((result, [local, deployed]) => result.replaceAll(local, deployed), text);
    const inReceiverSample = path.includes("x-codeSamples") && receiverSamplePaths.has(path.slice(0, 3).join("/"));
    if (deployment.public && inReceiverSample) replaced = replaced.replaceAll("127.0.0.1", "0.0.0.0");
    return replaced;
  }) as OpenApiDocument & { servers?: Server[] };
  copy.servers = deploymentServers((spec as unknown as { servers?: Server[] }).servers ?? [], deployment);
  if (deployment.public) assertNoLoopback(copy, "the docs' copy of the spec");
  return copy;
}

/**
 * Where a text names a loopback address, except in the code of a library it holds: a
 * mention counts as the library's when the characters around it (30 on each side) are in
 * `library` verbatim. The docs page inlines Redoc's script, which has `localhost` in its
 * URL handling, its link detector and its telemetry code; the page's own text must not.
 *
 * @returns the text around each mention that is not the library's
 */
export function loopbackOutside(text: string, library: string): string[] {
  const mentions: string[] = [];
  for (const match of text.matchAll(new RegExp(LOOPBACK.source, "gi"))) {
    const around = text.slice(Math.max(0, match.index - 30), match.index + match[0].length + 30);
    if (!library.includes(around)) mentions.push(around.replace(/\s+/g, " "));
  }
  return mentions;
}

/**
 * Fails a public build that still names a loopback address.
 *
 * @throws Error naming `what` and each place
 */
export function assertNoLoopback(value: unknown, what: string): void {
  const mentions = typeof value === "string" ? loopbackOutside(value, "") : loopbackMentions(value);
  if (mentions.length > 0)
    throw new Error(
      `${what} still names a loopback address, which partners of a deployment cannot reach; say it without one, or add its local form to src/codegen/deployment.ts:\n${mentions.slice(0, 20).join("\n")}`,
    );
}
