import { defineConfig } from "vitest/config";

// One config for every suite in test/. Suites that start servers pick free ports and
// stop them in afterAll; none depends on another's state, so files run in parallel.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report feeds the "<N> passed, <M> failed" line of .ci/run.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
