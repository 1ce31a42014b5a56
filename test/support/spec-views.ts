/**
 * Read-only views of the committed bundle (`generated/openapi.json`) for tests:
 * operations, the documented examples of their requests and responses, and their code
 * samples. Tests enumerate these, so a new operation, status or sample gets its tests
 * (or fails them loudly) without editing a list.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OperationFacts } from "../../src/codegen/spec.js";
import { allOperations, operationObject } from "../../src/contract/bundle.js";
import { repoRoot } from "../../src/shared/spec-document.js";

// The bundle, its operations and their request examples: one reader, shared with the contract tester.
export { allOperations, bundledSpec, requestExample, responseExamples } from "../../src/contract/bundle.js";

/** One code sample of an operation (`x-codeSamples`), with the file it was `$ref`'d from. */
export interface CodeSample {
  operation: OperationFacts;
  /** The sample's language (`lang`): Shell, TypeScript, PHP, Java, Python, … */
  lang: string;
  /** Its label in the docs' language menu. */
  label: string;
  /** The file under openapi/code_samples/ whose text is the sample. */
  file: string;
  source: string;
}

const sampleFiles = readdirSync(join(repoRoot, "openapi/code_samples"), { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name));

/** Every code sample of every operation, matched to its file by its text. @throws Error when a sample matches no file */
export const codeSamples: CodeSample[] = allOperations.flatMap((operation) =>
  ((operationObject(operation)["x-codeSamples"] ?? []) as Array<{ lang: string; label: string; source: string }>).map((sample) => {
    const file = sampleFiles.find((candidate) => readFileSync(candidate, "utf8") === sample.source);
    if (!file) throw new Error(`the ${sample.label} sample of ${operation.operationId} matches no file under openapi/code_samples`);
    return { operation, lang: sample.lang, label: sample.label, file, source: sample.source };
  }),
);

/** Files under openapi/code_samples/ that no operation's x-codeSamples shows. */
export const orphanSampleFiles: string[] = sampleFiles.filter((file) => !codeSamples.some((sample) => sample.file === file));

/** The docs site's route of a tag page: its name in kebab case (Redoc 3). */
export const tagRoute = (tagName: string) => tagName.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** The docs site's route of an operation: its tag's route, then its operationId in lower case (Redoc 3). */
export const operationRoute = (operation: OperationFacts) => `${tagRoute(operation.tag)}/${operation.operationId.toLowerCase()}`;
