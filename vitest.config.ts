import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Two tiers (test/README.md): `unit` runs in-process only (signing, codegen and lint,
// the drift check, types, handlers, stores, the operator receiver) and is the fast loop,
// `npm run test:unit`; `integration` starts child processes, Chromium, Prism and Dredd.
// `npm test` runs both. Suites that start servers pick free ports and stop them in
// afterAll; none depends on another's state, so files run in parallel.
/** The unit tier: in-process tests of the repository and of the packages. */
const UNIT = ["test/unit/**/*.test.ts", "packages/*/test/**/*.test.ts"];
/** Unit files that replace a module with vi.mock: they need a module graph of their own. */
const UNIT_ISOLATED = ["packages/session-api-client/test/authenticate-unknown-partner.test.ts"];

export default defineConfig({
  // The client package by its name, as the rest of the repository imports it (tsconfig.json paths).
  resolve: {
    alias: [
      {
        find: /^@luckymonaco\/session-api-client\/signing$/,
        replacement: fileURLToPath(new URL("./packages/session-api-client/src/signing.ts", import.meta.url)),
      },
      {
        find: /^@luckymonaco\/session-api-client$/,
        replacement: fileURLToPath(new URL("./packages/session-api-client/src/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    // Vitest's default is one worker per CPU minus one: a single worker on this 2-core
    // machine, so every file would wait for the previous one. Most integration time is
    // waiting (child processes, Chromium, PostgreSQL), so four workers overlap it.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report feeds the "<N> passed, <M> failed" line of .ci/run.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    projects: [
      // --expose-gc: the callback deadline test forces garbage collections during an attempt.
      // The unit tier shares one module graph per worker (isolate: false): importing the
      // server, Fastify and Ajv once per worker instead of once per file halves its time.
      // The files that replace a module (vi.mock) run apart, isolated.
      {
        extends: true,
        test: { name: "unit", include: UNIT, exclude: UNIT_ISOLATED, execArgv: ["--expose-gc"], isolate: false },
      },
      { extends: true, test: { name: "unit-isolated", include: UNIT_ISOLATED } },
      {
        extends: true,
        test: { name: "integration", include: ["test/integration/**/*.test.ts"], globalSetup: ["test/integration/global-setup.ts"] },
      },
    ],
  },
});
