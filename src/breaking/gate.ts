/**
 * The breaking-change gate: compares the current bundle with the last
 * released contract, lists every change classified breaking or compatible by the
 * versioning policy (`openapi/docs/versioning.md`), and fails on a breaking change unless
 * `info.version`'s major number was raised.
 *
 * **The diff tool: openapi-diff 0.24.1** (Atlassian, Apache-2.0, npm `openapi-diff`),
 * with the gate's own checks on top (`operation-diff.ts`, `schema-diff.ts`,
 * `document-diff.ts`). Both candidates that install here were run on this bundle (OpenAPI
 * 3.0.3, `allOf` over `oneOf` result schemas, `$ref`s) and on the test mutations:
 *
 * | | openapi-diff 0.24.1 | @useoptic/optic 1.0.9 |
 * |---|---|---|
 * | removed / renamed response field | caught when the field was required; **missed** an optional one removed from a closed (`additionalProperties: false`) schema | caught, field by field |
 * | newly required request field, removed operation, removed status | caught | caught |
 * | enums (narrowed response enum, removed request value, changed `Success` enum) | **none**: json-schema-diff ignores `enum`, `pattern`, `format` | request enum caught; response enums missed; the `Success` enum change inside `allOf` not seen at all |
 * | new error code (compatible by our policy) | not seen | flagged breaking, with a confused message |
 * | new field in a closed response (breaking by our policy) | flagged breaking | missed |
 * | tighter `maxLength` on a request field | caught | missed |
 * | the callback, whose server is the operator | classified as if Lucky Monaco served it | the same |
 * | findings as data | a library call returning classified findings | `--json` holds the changes but not the check results (text only) |
 * | install | 28 packages, about 10 MB, no install scripts | 485 packages, about 166 MB; runs `@scarf/scarf`'s postinstall (an install ping to scarf.sh); a standalone install crashed at start (two ajv versions hoisted against each other) |
 * | at run time | offline | Segment and Sentry telemetry unless `OPTIC_TELEMETRY_LEVEL=off`; update check |
 * | maintenance | Atlassian, 0.24.1 of October 2025 | 1.0.9 of May 2026 |
 *
 * Neither covers enums, so own checks were needed either way; openapi-diff is small,
 * offline, returns data, and covers constraints that Optic missed. The gate adds the
 * classes it misses (enums, removed optional fields of closed schemas, parameters), the
 * policy it cannot know (error catalog codes and error statuses are compatible additions;
 * a new field in a closed response is breaking), and the direction of the callback.
 */
import type { OpenApiDocument } from "../shared/spec-document.js";
import { ChangeList, type Change } from "./changes.js";
import { addToolChanges } from "./diff-tool.js";
import { diffDocument } from "./document-diff.js";
import { diffOperations } from "./operation-diff.js";
import { compareVersions, type Contract } from "./releases.js";

/**
 * Every change from `baseline` to `current`, breaking ones first.
 *
 * Neither document is modified.
 *
 * @throws Error when a bundle cannot be read by openapi-diff or a `$ref` cannot be followed
 */
export async function compareContracts(baseline: OpenApiDocument, current: OpenApiDocument): Promise<Change[]> {
  const changes = ownChecks(baseline, current);
  await addToolChanges(baseline, current, changes);
  return changes.all();
}

/**
 * The gate's own checks alone, without openapi-diff: in-process and fast (tens of
 * milliseconds), for tests that try many changes. Neither document is modified.
 *
 * @throws Error when a `$ref` cannot be followed
 */
export function ownChecks(baseline: OpenApiDocument, current: OpenApiDocument): ChangeList {
  const changes = new ChangeList();
  diffDocument(baseline, current, changes);
  diffOperations(baseline, current, changes);
  return changes;
}

/** What the gate decided, and why, in one sentence. */
export interface Verdict {
  pass: boolean;
  reason: string;
}

/**
 * Compares the current contract with the released one and judges the changes: what
 * `npm run breaking` and `npm run release` run. The versions are checked first, so a
 * version that went down fails before the (slower) comparison.
 *
 * @throws Error when the current `info.version` is older than the released one, or the bundles cannot be compared
 */
export async function checkContracts(baseline: Contract, current: Contract): Promise<{ changes: Change[]; verdict: Verdict }> {
  assertNotOlder(baseline, current);
  const changes = await compareContracts(baseline.doc, current.doc);
  return { changes, verdict: judge(baseline, current, changes) };
}

function assertNotOlder(baseline: Contract, current: Contract): void {
  const [was, now] = [baseline.version, current.version];
  if (compareVersions(now, was) < 0)
    throw new Error(`info.version ${now.text} is older than the released ${was.text}: versions only go up`);
}

/**
 * The rule: breaking changes pass only when the major version was raised.
 *
 * @param changes what `compareContracts` found
 * @throws Error when the current `info.version` is older than the released one
 */
export function judge(baseline: Contract, current: Contract, changes: Change[]): Verdict {
  assertNotOlder(baseline, current);
  const [was, now] = [baseline.version, current.version];
  const breaking = changes.filter((change) => change.classification === "breaking").length;
  if (breaking === 0) return { pass: true, reason: "no breaking change" };
  if (now.major > was.major)
    return { pass: true, reason: `${breaking} breaking change(s), allowed by the new major version ${now.text} (released: ${was.text})` };
  return {
    pass: false,
    reason:
      `${breaking} breaking change(s) within major version ${was.major} (released ${was.text}, current ${now.text}). ` +
      `Make the change compatible, or raise info.version in openapi/openapi.yaml to ${was.major + 1}.0.0 and say what breaks in openapi/CHANGELOG.md (openapi/docs/versioning.md).`,
  };
}
