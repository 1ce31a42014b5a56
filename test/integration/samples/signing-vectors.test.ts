// Each language's signer against the published vectors: the signing
// functions of every PHP, Java and Python code sample of a signed operation, loaded from
// the sample file itself (no copy of them in a test), run over
// openapi/docs/signing-test-vectors.json by a small harness per language in this folder:
// the canonical string and the body `hash` from `fields`, `HASH` from the exact `rawBody`,
// and a receiver's whole verification of `rawBody` with the published `HASH`.
//
// Harness input, one vector per line, tab-separated: name, secret (base64), rawBody
// (base64), the published HASH, and the fields, comma-separated `key:type:text` with key
// and text in base64 and type s (string), n (number, JSON), b (boolean), z (null) or j (an
// object or array, JSON). Output, one line per vector (Java: first the sample's class):
// name, canonical string (base64), body hash, HASH, verification ("ok" or the catalog
// code); "-" where the sample has no such function, "!" where it refused the body.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { signingVectors, type SigningVector } from "../../../src/codegen/spec.js";
import { missingTool, quickJvm } from "../../support/sample-languages.js";
import { allOperations, codeSamples, type CodeSample } from "../../support/spec-views.js";

const { vectors } = signingVectors();
/** The vectors' timestamp, so that a receiver's freshness check accepts them. */
const NOW = 1767225600;
const here = (file: string) => join(import.meta.dirname, file);
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

function fieldSpec(value: unknown): string {
  if (typeof value === "string") return `s:${b64(value)}`;
  if (typeof value === "number") return `n:${b64(JSON.stringify(value))}`;
  if (typeof value === "boolean") return `b:${b64(String(value))}`;
  if (value === null) return "z:";
  return `j:${b64(JSON.stringify(value))}`;
}

const input = `${vectors
  .map((vector) =>
    [
      vector.name,
      b64(vector.secret),
      b64(vector.rawBody),
      vector.HASH,
      Object.entries(vector.fields)
        .map(([key, value]) => `${b64(key)}:${fieldSpec(value)}`)
        .join(","),
    ].join("\t"),
  )
  .join("\n")}\n`;

/** Runs a harness with the vectors on its standard input; resolves to its standard output. */
function runHarness(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${stderr}${stdout}`)),
    );
    child.stdin.end(input);
  });
}

/** What a sample computed for one vector. */
interface Row {
  canonical: string;
  hash: string;
  HASH: string;
  verify: string;
}

const parseRows = (output: string) =>
  new Map(
    output
      .trim()
      .split("\n")
      .map((line) => line.split("\t"))
      .map(
        ([name, canonical, hash, HASH, verify]) => [name!, { canonical: canonical!, hash: hash!, HASH: HASH!, verify: verify! }] as const,
      ),
  );

/** The rows of every sample of a language, keyed by sample file. */
const harnesses: Record<string, (samples: CodeSample[]) => Promise<Map<string, Map<string, Row>>>> = {
  PHP: async (samples) =>
    new Map(
      await Promise.all(
        samples.map(
          async (sample) =>
            [sample.file, parseRows(await runHarness("php", [here("signing-vectors.php"), sample.file, String(NOW)]))] as const,
        ),
      ),
    ),
  Python: async (samples) =>
    new Map(
      await Promise.all(
        samples.map(
          async (sample) =>
            [sample.file, parseRows(await runHarness("python3", [here("signing-vectors.py"), sample.file, String(NOW)]))] as const,
        ),
      ),
    ),
  Java: async (samples) => {
    // Compile the samples with the harness (javac), then call their static methods in one JVM.
    const classes = samples.map((sample) => /^(?:final\s+)?class\s+(\w+)/m.exec(readFileSync(sample.file, "utf8"))?.[1] ?? "");
    const out = mkdtempSync(join(tmpdir(), "java-samples-"));
    try {
      await promisify(execFile)("javac", [
        ...quickJvm.map((option) => `-J${option}`),
        "-d",
        out,
        here("SigningVectors.java"),
        ...samples.map((sample) => sample.file),
      ]);
      const output = await runHarness("java", [...quickJvm, "-cp", out, "SigningVectors", String(NOW), ...classes]);
      return new Map(
        samples.map((sample, index) => {
          const lines = output
            .split("\n")
            .filter((line) => line.startsWith(`${classes[index]}\t`))
            .map((line) => line.slice(classes[index]!.length + 1));
          return [sample.file, parseRows(lines.join("\n"))] as const;
        }),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};

const nested = (vector: SigningVector) => Object.values(vector.fields).some((value) => typeof value === "object" && value !== null);
const signedOperations = allOperations.filter((operation) => operation.signedWithHash).map((operation) => operation.operationId);

describe.each(Object.keys(harnesses))("%s code samples", (lang) => {
  const samples = codeSamples.filter((sample) => sample.lang === lang && sample.operation.signedWithHash);

  it("include one sample of every signed operation", () => {
    expect(samples.map((sample) => sample.operation.operationId).sort()).toEqual([...signedOperations].sort());
  });

  it.concurrent("sign every published vector with their own functions: canonical string, body hash, HASH, and a receiver's verification", async ({
    expect,
    skip,
  }) => {
    const missing = missingTool(lang, lang === "Java" ? ["javac"] : []);
    if (missing) return skip(missing);
    const rows = await harnesses[lang]!(samples);
    for (const sample of samples) {
      const where = (vector: SigningVector) => `${sample.operation.operationId} sample, vector ${vector.name}`;
      for (const vector of vectors) {
        const row = rows.get(sample.file)?.get(vector.name);
        expect(row, where(vector)).toBeDefined();
        expect(row!.HASH, where(vector)).toBe(vector.HASH);
        if (sample.operation.bodyHash && vector.canonicalString !== null) {
          expect([Buffer.from(row!.canonical, "base64").toString("utf8"), row!.hash], where(vector)).toEqual([
            vector.canonicalString,
            vector.hash,
          ]);
        } else if (sample.operation.bodyHash && nested(vector)) {
          expect([row!.canonical, row!.hash], `${where(vector)}: an object or array cannot be signed`).toEqual(["!", "!"]);
        }
        if (sample.operation.implementedBy === "operator" && vector.hash !== null) expect(row!.verify, where(vector)).toBe("ok");
      }
    }
  });
});
