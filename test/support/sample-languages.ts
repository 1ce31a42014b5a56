/**
 * How the tests run the docs' code samples of each `lang` of `x-codeSamples`:
 * the command for a sample file, and the tool it needs. PHP, Java and Python
 * need `php` (Debian's php-cli), `java` (17) and `python3`; without one, their tests are
 * skipped with a message naming the tool, unless REQUIRE_SAMPLE_LANGUAGES=1 (set by
 * .ci/run), which makes that a failure.
 */
import { spawnSync } from "node:child_process";

/** A language of the code samples. */
export interface SampleLanguage {
  /** The program that runs it, which must be on PATH. */
  tool: string;
  /** The command and arguments that run a sample file as pasted. */
  run(file: string): [string, string[]];
}

/**
 * JVM options for the tests' short-lived Java runs: the C1 compiler only and the serial
 * collector halve the CPU time of `java post.java` (which compiles the file first) on
 * this 2-core machine, and change nothing the program does.
 */
export const quickJvm = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

/** Every language of the code samples, by the `lang` of `x-codeSamples`. */
export const sampleLanguages: Record<string, SampleLanguage> = {
  Shell: { tool: "bash", run: (file) => ["bash", [file]] },
  TypeScript: { tool: process.execPath, run: (file) => [process.execPath, ["--import", "tsx", file]] },
  PHP: { tool: "php", run: (file) => ["php", [file]] },
  Java: { tool: "java", run: (file) => ["java", [...quickJvm, file]] },
  Python: { tool: "python3", run: (file) => ["python3", [file]] },
};

const found = new Map<string, boolean>();

/** True when `tool` runs (`<tool> --version`, which bash, node, php, java and python3 all accept). */
function runs(tool: string): boolean {
  if (!found.has(tool)) found.set(tool, spawnSync(tool, ["--version"], { stdio: "ignore" }).error === undefined);
  return found.get(tool)!;
}

/**
 * Why the samples of `lang` cannot run here (their tool, or one of `alsoNeeded`, is
 * missing), or undefined when they can.
 *
 * @throws Error naming the missing tool when REQUIRE_SAMPLE_LANGUAGES=1
 */
export function missingTool(lang: string, alsoNeeded: string[] = []): string | undefined {
  const language = sampleLanguages[lang];
  if (!language) throw new Error(`no runner for code samples in ${lang}: add one to test/support/sample-languages.ts`);
  const absent = [language.tool, ...alsoNeeded].find((tool) => !runs(tool));
  if (absent === undefined) return undefined;
  const missing = `${absent} is not installed, so the ${lang} code samples did not run (.ci/run installs php-cli; Java 17 and python3 must be on the machine).`;
  if (process.env.REQUIRE_SAMPLE_LANGUAGES === "1") throw new Error(missing);
  return missing;
}
