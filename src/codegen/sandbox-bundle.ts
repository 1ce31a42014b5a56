/**
 * Bundles TypeScript of this repository into one self-contained script for a JavaScript
 * sandbox that is not Node: the docs' signing playground (a browser page opened offline)
 * and the Postman collection's pre-request script (Postman's and newman's script sandbox).
 * Both run `canonicalString` from the client package's `signing.ts` itself, so the signing rule has one copy.
 *
 * esbuild writes an IIFE for ES2020 with every dependency inlined. `node:` built-ins are
 * replaced by stubs: `signing.ts` imports `node:crypto` for the functions that the
 * sandboxes do not use, and tree-shaking drops them. If code that needs Node survives
 * (a stub, `Buffer` or `require`), the build fails here instead of shipping a script
 * that breaks when it runs.
 */
import { build, type Plugin } from "esbuild";
import { join } from "node:path";
import { repoRoot } from "../shared/spec-document.js";

const STUB_MARK = "node built-in in a sandbox bundle";

/** Resolves every `node:` import to a module whose exports throw; unused ones are tree-shaken away. */
const stubNodeBuiltins: Plugin = {
  name: "stub-node-builtins",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-stub" }));
    esbuild.onLoad({ filter: /.*/, namespace: "node-stub" }, (args) => ({
      loader: "js",
      contents: `const stub = () => { throw new Error(${JSON.stringify(`${STUB_MARK}: ${args.path}`)}); };\nexport { stub as createHash, stub as createHmac, stub as timingSafeEqual };\nexport default stub;`,
    }));
  },
};

/**
 * Bundles one entry module.
 *
 * @param entry a file path (absolute, or relative to the repository root), or the source
 *   of an entry module whose relative imports resolve from `src/codegen/`
 * @param globalName the global variable that receives the entry's exports (`var <name> = …`)
 * @returns the script text
 * @throws Error when esbuild fails, or the script still needs Node (a `node:` import, `Buffer`, `require`)
 */
export async function bundleForSandbox(entry: { file: string } | { source: string }, globalName: string): Promise<string> {
  const input =
    "file" in entry
      ? { entryPoints: [join(repoRoot, entry.file)] }
      : { stdin: { contents: entry.source, loader: "ts" as const, resolveDir: join(repoRoot, "src/codegen") } };
  const result = await build({
    ...input,
    bundle: true,
    write: false,
    format: "iife",
    globalName,
    platform: "browser",
    target: "es2020",
    legalComments: "inline",
    logLevel: "silent",
    plugins: [stubNodeBuiltins],
  });
  const script = result.outputFiles[0]!.text;
  const needsNode = [STUB_MARK, /\bBuffer\./, /\brequire\(/].find((pattern) =>
    typeof pattern === "string" ? script.includes(pattern) : pattern.test(script),
  );
  if (needsNode)
    throw new Error(
      `the sandbox bundle of ${"file" in entry ? entry.file : "<source>"} still needs Node (${String(needsNode)}): keep Node-only code out of what it imports`,
    );
  return script;
}
