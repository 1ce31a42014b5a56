// The layers of src/ and the client package (src/README.md): what may import what, checked
// by dependency-cruiser on every import, type-only imports included (`npm run lint:deps`,
// part of `npm test`). A crossing fails with the rule's name and the offending import.
// This file is the authority; src/README.md's table says the same in prose.

/** The folders of src/ that are layers (each `src/<name>/`). */
const layers = [
  ...["breaking", "certify", "cli", "codegen", "contract", "http", "mock"],
  ...["operator", "packaging", "partners", "sandbox", "server", "shared", "store"],
];

/** A path pattern for the layers of src/ but `allowed`: `^src/(a|b|…)/`. */
const layersBut = (...allowed) => `^src/(${layers.filter((layer) => !allowed.includes(layer)).join("|")})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A circle of imports (type-only ones too) makes neither module readable alone: move what both need into a third module.",
      from: {},
      to: { circular: true },
    },
    {
      name: "src-not-to-test",
      severity: "error",
      comment: "Product code never depends on tests.",
      from: { path: "^(src|packages/[^/]+/src)/" },
      to: { path: "^test/" },
    },
    {
      name: "shared-imports-no-layer",
      severity: "error",
      comment:
        "src/shared/ holds what several layers use: it imports only the client package, generated/, " + "Node built-ins and dependencies.",
      from: { path: "^src/shared/" },
      to: { path: "^src/", pathNot: "^src/shared/" },
    },
    {
      name: "client-package-stands-alone",
      severity: "error",
      comment: "The client package ships to partners: it holds its own code and imports only what the spec generates.",
      from: { path: "^packages/session-api-client/src/" },
      to: { path: "^(src|test)/" },
    },
    {
      name: "signing-rule-stands-alone",
      severity: "error",
      comment: "The signing rule stands alone: the docs build bundles it with generated/ deleted.",
      from: { path: "^packages/session-api-client/src/signing\\.ts$" },
      to: { path: "^generated/" },
    },
    {
      name: "codegen-runs-without-generated",
      severity: "error",
      comment:
        "The code generator must run with generated/ deleted, and is a build tool: it imports no runtime layer. " +
        "docs-tables.ts is the exception: it renders the runtime's own definitions (configuration, metrics) into docs/operations.md.",
      from: { path: "^src/codegen/", pathNot: "^src/codegen/docs-tables\\.ts$" },
      to: { path: ["^generated/", layersBut("codegen", "shared")] },
    },
    {
      name: "breaking-compares-bundles-as-data",
      severity: "error",
      comment: "The breaking-change gate compares bundles as data; it is a build tool, not a runtime layer.",
      from: { path: "^src/breaking/" },
      to: { path: ["^generated/", "^packages/", layersBut("breaking", "shared")] },
    },
    {
      name: "no-runtime-imports-a-build-tool",
      severity: "error",
      comment:
        "codegen/, breaking/ and packaging/ are build tools: no runtime layer (nor the testers) imports them; " +
        "spec facts at run time come from generated/.",
      from: { path: "^src/", pathNot: "^src/(codegen|breaking|packaging)/" },
      to: { path: "^src/(codegen|breaking|packaging)/" },
    },
    {
      name: "packaging-bundles-by-path",
      severity: "error",
      comment: "packaging/ is a build tool: it bundles the commands by their paths and imports only the docs build (codegen/).",
      from: { path: "^src/packaging/" },
      to: { path: layersBut("packaging", "codegen", "shared") },
    },
    {
      name: "partners-read-by-both-sides",
      severity: "error",
      comment: "partners/ is read by both sides: it imports no other layer (shared/ajv.ts and the client package's signing only).",
      from: { path: "^src/partners/" },
      to: { path: layersBut("partners", "shared") },
    },
    {
      name: "http-serves-either-side",
      severity: "error",
      comment:
        "http/ serves either side of the contract: it imports partners/ (and the client package, generated/), " +
        "never server/, store/, operator/, cli/.",
      from: { path: "^src/http/" },
      to: { path: layersBut("http", "partners", "shared") },
    },
    {
      name: "store-knows-rows",
      severity: "error",
      comment: "The store knows rows, not requests: it imports no other layer (generated/ types only).",
      from: { path: "^src/store/" },
      to: { path: layersBut("store", "shared") },
    },
    {
      name: "server-imports-layers-above",
      severity: "error",
      comment:
        "The reference server builds on partners/, http/ and store/; the receiver, the CLIs, the testers, " +
        "the mock and the sandbox build on it, not the other way round.",
      from: { path: "^src/server/" },
      to: { path: layersBut("server", "partners", "http", "store", "shared") },
    },
    {
      name: "operator-is-not-the-provider",
      severity: "error",
      comment: "The operator's example receiver is not the provider's server: it imports http/ and partners/, never server/ or store/.",
      from: { path: "^src/operator/" },
      to: { path: layersBut("operator", "http", "partners", "shared") },
    },
    {
      name: "cli-imports-store-only-for-callbacks",
      severity: "error",
      comment: "The sign CLI uses the client package and generated/; only the callbacks CLI opens the store.",
      from: { path: "^src/cli/", pathNot: "^src/cli/callbacks\\.ts$" },
      to: { path: layersBut("cli", "shared") },
    },
    {
      name: "callbacks-cli-imports-the-store",
      severity: "error",
      comment: "The callbacks CLI lists and re-queues the outbox: it imports store/ and nothing else of the layers.",
      from: { path: "^src/cli/callbacks\\.ts$" },
      to: { path: layersBut("cli", "store", "shared") },
    },
    {
      name: "contract-tests-from-outside",
      severity: "error",
      comment:
        "The contract tester tests any implementation from outside: it imports partners/ only; " +
        "local-target.ts alone starts the local servers.",
      from: { path: "^src/contract/", pathNot: "^src/contract/local-target\\.ts$" },
      to: { path: layersBut("contract", "partners", "shared") },
    },
    {
      name: "local-target-starts-the-local-servers",
      severity: "error",
      comment:
        "local-target.ts starts the reference server and the example receiver in-process, with the store " +
        "inspector; nothing else of the layers.",
      from: { path: "^src/contract/local-target\\.ts$" },
      to: { path: layersBut("contract", "partners", "server", "store", "operator", "shared") },
    },
    {
      name: "certify-tests-from-outside",
      severity: "error",
      comment:
        "The certification kit tests any operator's receiver from outside: it builds on the contract tester " +
        "(and partners/), never server/, store/, operator/, http/, cli/.",
      from: { path: "^src/certify/" },
      to: { path: layersBut("certify", "contract", "partners", "shared") },
    },
    {
      name: "certify-uses-the-contract-entry-point",
      severity: "error",
      comment: "The certification kit imports the contract tester only through its public entry point, src/contract/index.ts.",
      from: { path: "^src/certify/" },
      to: { path: "^src/contract/", pathNot: "^src/contract/index\\.ts$" },
    },
    {
      name: "mock-imports-what-a-mock-needs",
      severity: "error",
      comment: "The mock imports generated/, http/message-limit.ts and the root modules; no other layer.",
      from: { path: "^src/mock/" },
      to: { path: [layersBut("mock", "http", "shared"), "^src/http/(?!message-limit\\.ts$)"] },
    },
    {
      name: "sandbox-runs-the-server",
      severity: "error",
      comment: "The sandbox command runs the reference server; nothing else of the layers.",
      from: { path: "^src/sandbox/" },
      to: { path: layersBut("sandbox", "server", "shared") },
    },
    {
      name: "nothing-imports-a-command",
      severity: "error",
      comment: "The sandbox command and the CLIs are entry points: no other layer imports them.",
      from: { path: "^src/", pathNot: "^src/(sandbox|cli)/" },
      to: { path: "^src/(sandbox|cli)/" },
    },
    {
      name: "no-unresolvable-import",
      severity: "error",
      comment: "An import that does not resolve; Dredd's hooks module exists only inside Dredd.",
      from: { pathNot: "^src/contract/dredd-hooks\\.cjs$" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/" },
    // Type-only imports are edges too: a circle through types is still a circle to a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".d.ts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
