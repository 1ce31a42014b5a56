/**
 * Environment variables of a program, read through one definition: a JSON Schema whose
 * properties are the variables. Each property's `default`, bounds (`minimum`, `enum`,
 * `minLength`, …) and `description` are at once what env-schema (Ajv, with the project's
 * formats) applies, the types (`EnvValues`) and the docs tables (`npm run docs:tables`,
 * src/codegen/docs-tables.ts). Used by the reference server (server/config.ts), the
 * example receiver (operator/config.ts) and the contract tester (contract/config.ts).
 *
 * An empty variable counts as unset, so `PORT= npm start` takes the default.
 */
import type { ErrorObject } from "ajv";
import envSchema from "env-schema";
import { createAjv } from "./ajv.js";

/** One variable: a JSON Schema of a string, integer, number or boolean, with its description. */
export interface EnvVariable {
  type: "string" | "integer" | "number" | "boolean";
  /** What it does, in the docs' words (one sentence or a few; units included). */
  description: string;
  default?: string | number | boolean;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: "uri";
}

/** A program's variables, in the order its docs table lists them. */
export interface EnvDefinition {
  type: "object";
  properties: Readonly<Record<string, EnvVariable>>;
}

/** `SIGNATURE_TOLERANCE_SECONDS` → `signatureToleranceSeconds`. */
export type CamelCase<Name extends string> = Name extends `${infer Head}_${infer Tail}`
  ? `${Lowercase<Head>}${Capitalize<CamelCase<Tail>>}`
  : Lowercase<Name>;

type ValueOf<Variable> = Variable extends { enum: readonly (infer Choice)[] }
  ? Choice
  : Variable extends { type: "integer" | "number" }
    ? number
    : Variable extends { type: "boolean" }
      ? boolean
      : string;

/** The values of a definition, by the camel-case name of each variable; `undefined` where a variable has no default. */
export type EnvValues<Definition extends EnvDefinition> = {
  -readonly [Name in keyof Definition["properties"] & string as CamelCase<Name>]:
    | ValueOf<Definition["properties"][Name]>
    | (Definition["properties"][Name] extends { default: unknown } ? never : undefined);
};

/** The camel-case key of a variable name (`EnvValues`). */
export function camelCase(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** One invalid variable: its name, the text it was given, Ajv's message and its definition. */
export interface EnvProblem {
  name: string;
  raw: string;
  /** Ajv's message, e.g. `must be <= 65535`. */
  message: string;
  variable: EnvVariable;
}

/** Thrown by `readEnv` with every invalid variable, in the definition's order; each program words the message. */
export class InvalidEnvError extends Error {
  constructor(readonly problems: EnvProblem[]) {
    super(problems.map((problem) => `${problem.name} ${problem.message}`).join("; "));
  }
}

const ajv = createAjv({ coerceTypes: true, useDefaults: true, allErrors: true });
// env-schema sets `additionalProperties: false` on the schema it is given: a copy, made once per definition.
const schemas = new WeakMap<EnvDefinition, EnvDefinition>();

/**
 * Reads `definition`'s variables from `env`: types coerced (`"8"` → 8, `"false"` → false),
 * defaults applied, every bound checked.
 *
 * @returns the values keyed by camel-case name
 * @throws InvalidEnvError naming every invalid variable
 */
export function readEnv<Definition extends EnvDefinition>(definition: Definition, env: NodeJS.ProcessEnv): EnvValues<Definition> {
  const names = Object.keys(definition.properties);
  const given = Object.fromEntries(names.filter((name) => env[name] !== undefined && env[name] !== "").map((name) => [name, env[name]]));
  let schema = schemas.get(definition);
  if (!schema) {
    schema = { ...definition };
    schemas.set(definition, schema);
  }
  let values: Record<string, unknown>;
  try {
    values = envSchema({ schema, data: given, env: false, ajv });
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors;
    if (!errors) throw error;
    throw new InvalidEnvError(problemsOf(definition, given, errors));
  }
  return Object.fromEntries(names.map((name) => [camelCase(name), values[name]])) as EnvValues<Definition>;
}

function problemsOf(definition: EnvDefinition, given: Record<string, unknown>, errors: ErrorObject[]): EnvProblem[] {
  return errors.map((error) => {
    const name = error.instancePath.slice(1);
    return { name, raw: String(given[name]), message: error.message ?? "is not valid", variable: definition.properties[name]! };
  });
}

/**
 * What a variable accepts, in words, from its bounds: `a whole number from 0 to 65535`,
 * `an integer of at least 1`, `one of NORMAL, FULL`, `true or false`, `at least 32
 * characters`; the docs tables and the start-up messages of the receiver and the tester.
 */
export function allowedValues(variable: EnvVariable): string {
  if (variable.enum) return `one of ${variable.enum.join(", ")}`;
  if (variable.type === "boolean") return "true or false";
  if (variable.type === "string") return stringBounds(variable);
  const { minimum, maximum, exclusiveMinimum } = variable;
  const noun = variable.type === "integer" ? "whole number" : "number";
  if (minimum !== undefined && maximum !== undefined) return `a ${noun} from ${minimum} to ${maximum}`;
  if (exclusiveMinimum !== undefined) return `a ${noun} above ${exclusiveMinimum}${maximum === undefined ? "" : `, at most ${maximum}`}`;
  if (minimum !== undefined) return variable.type === "integer" ? `an integer of at least ${minimum}` : `a number of at least ${minimum}`;
  return variable.type === "integer" ? "an integer" : "a number";
}

function stringBounds(variable: EnvVariable): string {
  const parts: string[] = [];
  const httpUrl = variable.format === "uri" && variable.pattern === "^https?://";
  if (variable.format === "uri") parts.push(httpUrl ? "an http:// or https:// URL" : "a URL");
  if (variable.pattern && !httpUrl) parts.push(`matching ${variable.pattern}`);
  if (variable.minLength !== undefined && variable.minLength > 1) parts.push(`at least ${variable.minLength} characters`);
  if (variable.maxLength !== undefined) parts.push(`at most ${variable.maxLength} characters`);
  return parts.length ? parts.join(", ") : "text";
}
