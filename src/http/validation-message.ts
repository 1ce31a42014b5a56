/**
 * The message of a 400 `V.02`: every violation Ajv found in the
 * request (validation runs with `allErrors`), each naming its field by its path
 * (`body.player.currency`, `body.gameID` for an unknown field), with the allowed values
 * of an enum, grouped by field, the first five listed, then "and N more":
 *
 *     body.gameid is required; body.player.currency must match ^[A-Z]{3}$; body.gameID is an unknown field
 *
 * Short by construction (a field name is cut at 60 characters, at most five fields);
 * the contract plugin cuts the whole message at the schema's `maxLength` too.
 */
import type { ErrorObject } from "ajv";

/** How many fields a message lists before "and N more". */
export const MAX_LISTED_FIELDS = 5;
/** Longest field name (one path segment) written, in characters. */
const MAX_NAME_LENGTH = 60;

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** One path segment as a reader writes it: `.name`, `[0]`, or `["odd name"]`, cut to a sane length. */
function segment(name: string): string {
  const cut = name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
  if (identifier.test(cut)) return `.${cut}`;
  if (/^(0|[1-9][0-9]*)$/.test(cut)) return `[${cut}]`;
  return `[${JSON.stringify(cut)}]`;
}

/** `body` + the instance path (`/player/currency`) as `body.player.currency`. */
function fieldPath(root: string, instancePath: string): string {
  if (instancePath === "") return root;
  const tokens = instancePath
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
  return root + tokens.map(segment).join("");
}

const article = (word: string) => (/^[aeiouAEIOU]/.test(word) ? `an ${word}` : `a ${word}`);
const characters = (count: unknown) => `${String(count)} character${count === 1 ? "" : "s"}`;

/** The titles of the branches of an `anyOf`/`oneOf` ("an IPv4 address or an IPv6 address"), if every branch has one. */
function branchTitles(schema: unknown): string | undefined {
  if (!Array.isArray(schema)) return undefined;
  const titles = schema.map((branch) => (branch as { title?: unknown }).title);
  return titles.every((title) => typeof title === "string") ? titles.map((title) => article(title as string)).join(" or ") : undefined;
}

/** One violation as `[field path, what is wrong]`. */
function describe(error: ErrorObject, root: string): [string, string] {
  const path = fieldPath(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return [path + segment(String(params.missingProperty)), "is required"];
    case "additionalProperties":
      return [path + segment(String(params.additionalProperty)), "is an unknown field"];
    case "enum":
      return [path, `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`];
    case "const":
      return [path, `must be ${JSON.stringify(params.allowedValue)}`];
    case "type":
      return [path, `must be ${String(params.type).split(",").map(article).join(" or ")}`];
    case "pattern":
      return [path, `must match ${String(params.pattern)}`];
    case "format":
      return [path, `must be a valid ${String(params.format)}`];
    case "minLength":
      return [path, `must have at least ${characters(params.limit)}`];
    case "maxLength":
      return [path, `must have at most ${characters(params.limit)}`];
    case "anyOf":
    case "oneOf": {
      const titles = branchTitles(error.schema);
      return [path, titles ? `must be ${titles}` : (error.message ?? "is not valid")];
    }
    default:
      return [path, error.message ?? "is not valid"];
  }
}

/** The errors without those inside an `anyOf`/`oneOf` that is itself reported (they only repeat it branch by branch). */
function withoutBranchErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors
    .filter((error) => error.keyword === "anyOf" || error.keyword === "oneOf")
    .map((error) => `${error.schemaPath}/`);
  return combinators.length === 0
    ? [...errors]
    : errors.filter((error) => !combinators.some((prefix) => error.schemaPath.startsWith(prefix)));
}

/**
 * The detail of a `V.02` message (after "Invalid request: ") for Ajv's errors.
 *
 * @param errors Ajv's errors of one validation (`allErrors`; with `verbose` for the titles of `anyOf` branches)
 * @param context where Fastify found them: `body`, `querystring`, `params` or `headers`
 * @returns e.g. `body.gameid is required; body.clearHistory must be one of "0", "1"`
 */
export function validationDetail(errors: readonly ErrorObject[], context: string): string {
  const root = context === "querystring" ? "query" : context;
  const byField = new Map<string, string[]>();
  for (const error of withoutBranchErrors(errors)) {
    const [path, text] = describe(error, root);
    const texts = byField.get(path) ?? [];
    if (!texts.includes(text)) texts.push(text);
    byField.set(path, texts);
  }
  const listed = [...byField].slice(0, MAX_LISTED_FIELDS).map(([path, texts]) => `${path} ${texts.join(" and ")}`);
  const more = byField.size - listed.length;
  return listed.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
